#!/usr/bin/env bash
# Makes the release archive from a build (scripts/setup.sh): a folder that runs wherever it is
# unpacked, as dist/corridorkey-<version>-linux-x86_64.tar.gz and its .sha256.
#
#   bash scripts/package.sh                  # from build/ into dist/
#   bash scripts/package.sh --build DIR --dist DIR
#
# Inside: bin/ (clip_manager, convert_pth_to_safetensors, make_random_checkpoint, ofx_render), lib/
# (every library they load beyond the base system: LibTorch, the NVIDIA libraries, OpenCV, OpenEXR,
# FFmpeg, curl...), plugins/CorridorKey.ofx.bundle (self-contained: its libraries in
# Contents/Linux-x86-64/lib, hard links to lib/'s inside the archive), python/ (the wheel, its own
# libraries inside), checkpoints/ (empty: the first run downloads into it), share/corridorkey/ocio/
# (the bundled ACES 1.3 OpenColorIO config), README.md, BASE_SYSTEM.txt and THIRD_PARTY_LICENSES. Every program finds its libraries through a $ORIGIN-relative RUNPATH;
# scripts/release/relocate.py check proves it before the archive is written.
# Check an archive with scripts/check_release.sh. Exit codes: 0 written, 1 failed (nothing left
# half-written in DIST), 2 usage.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${CORRIDORKEY_BUILD_DIR:-$ROOT/build}"
DIST="$ROOT/dist"
while [ $# -gt 0 ]; do
  case "$1" in
    --build) [ $# -ge 2 ] || { echo "package.sh: --build needs a folder" >&2; exit 2; }; BUILD="$2"; shift 2 ;;
    --dist) [ $# -ge 2 ] || { echo "package.sh: --dist needs a folder" >&2; exit 2; }; DIST="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "package.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
BUILD="$(cd "$BUILD" 2>/dev/null && pwd)" || { echo "package.sh: no build folder: run 'bash scripts/setup.sh' first" >&2; exit 1; }
for tool in patchelf readelf pigz sha256sum; do
  command -v "$tool" >/dev/null || { echo "package.sh: needs $tool (scripts/setup.sh installs it)" >&2; exit 1; }
done
RELOCATE=(python3 "$ROOT/scripts/release/relocate.py")

VERSION="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$BUILD/CMakeCache.txt")"
[ -n "$VERSION" ] || { echo "package.sh: $BUILD/CMakeCache.txt names no project version: is it a CorridorKey build?" >&2; exit 1; }
NAME="corridorkey-$VERSION-linux-x86_64"
PROGRAMS=(clip_manager convert_pth_to_safetensors make_random_checkpoint ofx_render)
BUNDLE_SRC="$BUILD/plugins/CorridorKey.ofx.bundle"
for p in "${PROGRAMS[@]}"; do
  [ -x "$BUILD/bin/$p" ] || { echo "package.sh: $BUILD/bin/$p is missing: run 'bash scripts/setup.sh' (it builds everything)" >&2; exit 1; }
done
[ -f "$BUNDLE_SRC/Contents/Linux-x86-64/CorridorKey.ofx" ] || { echo "package.sh: the OpenFX bundle is missing in $BUILD/plugins" >&2; exit 1; }
shopt -s nullglob
WHEELS=("$BUILD"/dist/corridorkey_native-*.whl)
shopt -u nullglob

mkdir -p "$DIST"
WORK="$(mktemp -d "$DIST/.package.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
STAGE="$WORK/$NAME"
mkdir -p "$STAGE/bin" "$STAGE/lib" "$STAGE/plugins" "$STAGE/python" "$STAGE/checkpoints" "$STAGE/share/corridorkey"
step() { printf '==> [%s] %s\n' "$(date +%H:%M:%S)" "$1"; }

step "programs and libraries ($BUILD -> $NAME)"
for p in "${PROGRAMS[@]}"; do cp "$BUILD/bin/$p" "$STAGE/bin/$p"; done
"${RELOCATE[@]}" bundle --lib "$STAGE/lib" "${PROGRAMS[@]/#/$STAGE/bin/}" > "$WORK/libs.txt"
echo "$(wc -l < "$WORK/libs.txt") libraries in lib/"

step "the bundled OpenColorIO config"
[ -f "$BUILD/share/corridorkey/ocio/LICENSE" ] || { echo "package.sh: $BUILD/share/corridorkey/ocio is missing: configure the build again" >&2; exit 1; }
cp -r "$BUILD/share/corridorkey/ocio" "$STAGE/share/corridorkey/"

step "the OpenFX bundle, self-contained"
cp -r "$BUNDLE_SRC" "$STAGE/plugins/"
OFX_DIR="$STAGE/plugins/CorridorKey.ofx.bundle/Contents/Linux-x86-64"
"${RELOCATE[@]}" bundle --lib "$OFX_DIR/lib" --link-from "$STAGE/lib" "$OFX_DIR/CorridorKey.ofx" >> "$WORK/libs.txt"
echo "$(ls "$OFX_DIR/lib" | wc -l) libraries in the bundle (hard links into lib/)"

if [ ${#WHEELS[@]} -gt 0 ]; then
  step "the Python wheel, its libraries inside"
  TORCH_LIB="$(dirname "$(sed -n 's/^TORCH_LIBRARY:FILEPATH=//p' "$BUILD/CMakeCache.txt")")"
  for w in "${WHEELS[@]}"; do "${RELOCATE[@]}" wheel "$w" "$STAGE/python" "$TORCH_LIB" >> "$WORK/libs.txt"; done
else
  echo "no wheel in $BUILD/dist (a build without CORRIDORKEY_PYTHON): python/ stays empty"
fi

step "licences, README, base system"
sort -u "$WORK/libs.txt" > "$WORK/libs.sorted"
mapfile -t LIBS < "$WORK/libs.sorted"
"${RELOCATE[@]}" licenses "$STAGE/THIRD_PARTY_LICENSES" \
  "OpenFX API headers and HostSupport (BSD-3-Clause; the plugin and ofx_render)=$ROOT/third_party/openfx/LICENSE.md" \
  "ACES 1.3 studio config for OpenColorIO (BSD-3-Clause; share/corridorkey/ocio)=$BUILD/share/corridorkey/ocio/LICENSE" \
  "${LIBS[@]}"
cp "$ROOT/README.md" "$STAGE/README.md"
"${RELOCATE[@]}" base > "$STAGE/BASE_SYSTEM.txt"

step "check: every ELF file's libraries inside the archive or on the base list"
"${RELOCATE[@]}" check "$STAGE"

step "archive"
ARCHIVE="$DIST/$NAME.tar.gz"
tar -C "$WORK" --owner=0 --group=0 --numeric-owner -cf - "$NAME" | pigz -6 > "$WORK/archive.tar.gz"
(cd "$WORK" && sha256sum archive.tar.gz | sed "s/archive.tar.gz/$NAME.tar.gz/" > archive.sha256)
mv -f "$WORK/archive.tar.gz" "$ARCHIVE"
mv -f "$WORK/archive.sha256" "$ARCHIVE.sha256"
echo "wrote $ARCHIVE ($(du -h "$ARCHIVE" | cut -f1), unpacked $(du -sh "$STAGE" | cut -f1)) and $ARCHIVE.sha256"
