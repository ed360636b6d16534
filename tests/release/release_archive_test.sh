#!/usr/bin/env bash
# The release archive end to end: scripts/package.sh makes it from this build, scripts/check_release.sh
# passes on it (unpacked in its own root, outputs identical to the build tree's, the bundle renders,
# the wheel imports), and the bad cases fail as a user would need: a truncated archive fails its
# checksum, a bundle copied without its libraries names the missing one and leaves the host running.
#   release_archive_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
SRC="$1"
BUILD="$2"
T="$(mktemp -d "$BUILD/release_test.XXXXXX")"
trap 'rm -rf "$T"' EXIT
failures=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1" >&2; failures=$((failures + 1)); }

bash "$SRC/scripts/package.sh" --build "$BUILD" --dist "$T/dist"
ARCHIVE="$(ls "$T"/dist/corridorkey-*-linux-x86_64.tar.gz)"
[ -f "$ARCHIVE.sha256" ] && ok "package.sh wrote $(basename "$ARCHIVE") and its .sha256" || bad "no .sha256"
[ "$(ls -A "$T/dist" | wc -l)" -eq 2 ] && ok "dist/ holds the archive and its checksum, nothing half-made" || bad "dist/: $(ls -A "$T/dist")"
tar -tzf "$ARCHIVE" > "$T/listing"
for want in bin/clip_manager bin/ofx_render lib/libtorch_cpu.so plugins/CorridorKey.ofx.bundle/Contents/Linux-x86-64/CorridorKey.ofx \
  plugins/CorridorKey.ofx.bundle/Contents/Linux-x86-64/lib/libtorch_cpu.so checkpoints/ THIRD_PARTY_LICENSES BASE_SYSTEM.txt README.md; do
  grep -q "^corridorkey-[^/]*/$want$" "$T/listing" && ok "the archive holds $want" || bad "the archive lacks $want"
done
if ls "$BUILD"/dist/corridorkey_native-*.whl > /dev/null 2>&1; then
  grep -q "/python/corridorkey_native-.*\.whl$" "$T/listing" && ok "the archive holds the wheel" || bad "the archive lacks the wheel"
fi
grep -q "^corridorkey-[^/]*/lib/.*\.partial$" "$T/listing" && bad "half-written files in the archive" || ok "no .partial file inside"

if bash "$SRC/scripts/check_release.sh" "$ARCHIVE" --build "$BUILD" > "$T/check.log" 2>&1; then
  ok "check_release.sh passes"
else
  bad "check_release.sh failed:"; cat "$T/check.log" >&2
fi
cat "$T/check.log"

mkdir -p "$T/damaged"
head -c $(($(stat -c %s "$ARCHIVE") / 2)) "$ARCHIVE" > "$T/damaged/$(basename "$ARCHIVE")"
cp "$ARCHIVE.sha256" "$T/damaged/"
code=0
bash "$SRC/scripts/check_release.sh" "$T/damaged/$(basename "$ARCHIVE")" --build "$BUILD" > "$T/damaged.log" 2>&1 || code=$?
[ "$code" -eq 1 ] && grep -q "damaged or truncated" "$T/damaged.log" && ok "a truncated archive fails its checksum" ||
  { bad "a truncated archive: exit $code"; cat "$T/damaged.log" >&2; }
code=0
bash "$SRC/scripts/check_release.sh" "$T/nothing.tar.gz" > /dev/null 2>&1 || code=$?
[ "$code" -eq 1 ] && ok "a missing archive: exit 1" || bad "a missing archive: exit $code"

# The bundle alone, without its lib/ folder, in the test host: no crash, the library named.
mkdir -p "$T/nolibs"
tar -xzf "$ARCHIVE" -C "$T/nolibs" --wildcards '*/plugins/CorridorKey.ofx.bundle/*' --exclude '*/Linux-x86-64/lib/*'
code=0
OFX_PLUGIN_PATH="$(ls -d "$T"/nolibs/*/plugins)" "$BUILD/bin/ofx_render" > "$T/nolibs.log" 2>&1 || code=$?
if [ "$code" -eq 3 ] && grep -qE "couldn't open library .*CorridorKey.ofx because lib[a-z0-9_+.-]+\.so[.0-9]*: cannot open shared object file" "$T/nolibs.log"; then
  ok "a bundle without its libraries: the host goes on (exit 3) and its log names the missing library"
else
  bad "a bundle without its libraries: exit $code"; cat "$T/nolibs.log" >&2
fi

[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "all passed"
