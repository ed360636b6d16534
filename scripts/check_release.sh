#!/usr/bin/env bash
# Checks a release archive (scripts/package.sh) the way a user's machine would meet it.
#
#   bash scripts/check_release.sh dist/corridorkey-<version>-linux-x86_64.tar.gz [--build DIR]
#
# 1. The archive matches its .sha256 (a damaged or truncated download fails here) and unpacks into
#    a fresh folder.
# 2. Every ELF file in it needs only libraries inside it or on the base list (BASE_SYSTEM.txt).
# 3. In a private mount namespace, chrooted into a root that holds the unpacked release, the base
#    system's libraries and nothing else (no build tree, no venv, no Debian packages, no CUDA
#    toolkit): clip_manager --version; clip_manager with no checkpoint names the release's own
#    checkpoints/; a two-frame clip keyed with a random checkpoint gives the same files, byte for byte,
#    as the build tree's clip_manager; the unpacked OpenFX bundle renders in ofx_render and matches
#    the build tree's bundle.
# 4. The wheel (python/) installs into a fresh venv and keys a frame with the build's venv hidden;
#    every library `import corridorkey_native` maps comes from the wheel or from torch.
# Needs root (or unprivileged user namespaces) for the namespace and chroot, ffmpeg for the clip.
# Exit codes: 0 all passed, 1 a check failed (named above it), 2 usage.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${CORRIDORKEY_BUILD_DIR:-$ROOT/build}"
DEPS="${CORRIDORKEY_DEPS:-$HOME/.cache/corridorkey}"
ARCHIVE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build) [ $# -ge 2 ] || { echo "check_release.sh: --build needs a folder" >&2; exit 2; }; BUILD="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "check_release.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) [ -z "$ARCHIVE" ] || { echo "check_release.sh: one archive at a time" >&2; exit 2; }; ARCHIVE="$1"; shift ;;
  esac
done
[ -n "$ARCHIVE" ] || { echo "usage: check_release.sh ARCHIVE.tar.gz [--build DIR] (see --help)" >&2; exit 2; }
fail() { echo "check_release.sh: FAILED: $*" >&2; exit 1; }
step() { printf '==> [%s] %s\n' "$(date +%H:%M:%S)" "$1"; }
[ -f "$ARCHIVE" ] || fail "$ARCHIVE does not exist"
BUILD="$(cd "$BUILD" && pwd)"
ARCHIVE="$(cd "$(dirname "$ARCHIVE")" && pwd)/$(basename "$ARCHIVE")"
NAME="$(basename "$ARCHIVE" .tar.gz)"

step "checksum ($ARCHIVE.sha256)"
[ -f "$ARCHIVE.sha256" ] || fail "$ARCHIVE.sha256 is missing: download it with the archive"
(cd "$(dirname "$ARCHIVE")" && sha256sum --check --status "$ARCHIVE.sha256") ||
  fail "$ARCHIVE does not match $ARCHIVE.sha256: the archive is damaged or truncated; download it again"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ck-release.XXXXXX")"
trap 'umount -R "$WORK/root" 2>/dev/null || true; rm -rf "$WORK"' EXIT
step "unpack into $WORK"
mkdir -p "$WORK/root"
tar -xzf "$ARCHIVE" -C "$WORK/root" || fail "$ARCHIVE does not unpack"
[ -d "$WORK/root/$NAME" ] || fail "$ARCHIVE holds no $NAME/ folder"
mv "$WORK/root/$NAME" "$WORK/root/release"
REL="$WORK/root/release"

step "ELF check"
python3 "$ROOT/scripts/release/relocate.py" check "$REL" || fail "libraries outside the archive (listed above)"

step "a root with the base system only"
R="$WORK/root"
mkdir -p "$R/usr/lib/x86_64-linux-gnu" "$R/lib64" "$R/proc" "$R/dev" "$R/tmp" "$R/work"
ln -s usr/lib "$R/lib"
BASE_LIBS="$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import relocate
print(",".join(relocate.BASE_GLIBC + relocate.BASE_GCC))' "$ROOT/scripts/release")"
for lib in ${BASE_LIBS//,/ }; do
  src="$(ldconfig -p | awk -v n="$lib" '$1 == n && /x86-64/ && !f { print $NF; f = 1 }')"
  [ -n "$src" ] && cp -L "$src" "$R/usr/lib/x86_64-linux-gnu/$lib"
done
cp -L /lib64/ld-linux-x86-64.so.2 "$R/lib64/"
echo "base: $(ls "$R/usr/lib/x86_64-linux-gnu" | tr '\n' ' ')"

step "a two-frame clip and a random checkpoint (build tree)"
make_clip() {  # a green screen with a grey box moving across, and the box as the hint
  mkdir -p "$1/shot/Input" "$1/shot/AlphaHint"
  ffmpeg -v error -f lavfi -i "color=c=0x20b020:s=320x180:d=1,drawbox=x='20+1000*t':y=40:w=120:h=100:c=0x707070:t=fill" \
    -frames:v 2 -start_number 1 "$1/shot/Input/frame_%04d.png"
  ffmpeg -v error -f lavfi -i "color=c=black:s=320x180:d=1,drawbox=x='16+1000*t':y=36:w=128:h=108:c=white:t=fill" \
    -frames:v 2 -start_number 1 -pix_fmt gray "$1/shot/AlphaHint/frame_%04d.png"
}
make_clip "$WORK/clips_build" || fail "ffmpeg could not make the test clip (above)"
cp -r "$WORK/clips_build" "$R/work/clips"
"$BUILD/bin/make_random_checkpoint" --config tiny --seed 7 --output "$R/work/CorridorKey.safetensors" >/dev/null
mkdir -p "$R/work/ofx_checkpoints"  # the plugin's folder, for the build's bundle and, inside the root, the release's
cp "$R/work/CorridorKey.safetensors" "$R/work/ofx_checkpoints/"
KEY_ARGS=(--action run_inference --checkpoint-dir /nonexistent --device cpu --img-size 256 --threads 2
  --screen-color green --exr-compression zip)
export HF_HUB_OFFLINE=1 CORRIDORKEY_OFX_DEVICE=cpu
"$BUILD/bin/clip_manager" "${KEY_ARGS[@]}" --clips-dir "$WORK/clips_build" \
  --checkpoint "$R/work/CorridorKey.safetensors" > "$WORK/build_key.log" 2>&1 || { cat "$WORK/build_key.log"; fail "the build tree's clip_manager failed"; }
OFX_PLUGIN_PATH="$BUILD/plugins" CORRIDORKEY_CHECKPOINT_DIR="$R/work/ofx_checkpoints" \
  "$BUILD/bin/ofx_render" --output "$WORK/ofx_build.raw" > "$WORK/ofx_build.log" 2>&1 || { cat "$WORK/ofx_build.log"; fail "the build tree's bundle did not render"; }

step "the release in its own root: private mount namespace + chroot"
# Inside: only $R (the release, the base libraries, /proc, /dev); the build tree, the venv, /usr,
# /usr/local/cuda and the Debian packages do not exist there.
cat > "$WORK/inside.sh" <<EOF
set -euo pipefail
mount -t proc proc "$R/proc"
mount --rbind /dev "$R/dev"
run() { chroot "$R" "\$@"; }
echo "--- clip_manager --version"
run /release/bin/clip_manager --version
echo "--- clip_manager without a checkpoint (offline)"
set +e
run /release/bin/clip_manager --action run_inference --clips-dir /work/clips --device cpu > "$WORK/nock.log" 2>&1
code=\$?
set -e
[ "\$code" -eq 3 ] || { cat "$WORK/nock.log"; echo "expected exit 3 without a checkpoint, got \$code"; exit 1; }
grep -q "/release/checkpoints" "$WORK/nock.log" || { cat "$WORK/nock.log"; echo "the message does not name /release/checkpoints"; exit 1; }
echo "exit 3, naming /release/checkpoints"
echo "--- the bundled OpenColorIO config (share/corridorkey/ocio)"
run /release/bin/clip_manager --list-colorspaces > "$WORK/spaces.log"
grep -q "bundled ACES 1.3 studio config (/release/share/corridorkey/ocio/" "$WORK/spaces.log" || { head -3 "$WORK/spaces.log"; echo "the release does not read its own ACES config"; exit 1; }
grep -qx "ARRI LogC4" "$WORK/spaces.log" || { echo "ARRI LogC4 missing from the bundled config"; exit 1; }
echo "\$(wc -l < "$WORK/spaces.log") lines, from /release/share/corridorkey/ocio"
echo "--- clip_manager keys the clip"
run /release/bin/clip_manager ${KEY_ARGS[*]} --clips-dir /work/clips --checkpoint /work/CorridorKey.safetensors
echo "--- ofx_render through the unpacked bundle"
OFX_PLUGIN_PATH=/release/plugins CORRIDORKEY_CHECKPOINT_DIR=/work/ofx_checkpoints run /release/bin/ofx_render --output /work/ofx.raw
EOF
if [ "$(id -u)" -eq 0 ]; then NS=(unshare --mount --propagation private); else NS=(unshare --user --map-root-user --mount --propagation private); fi
"${NS[@]}" bash "$WORK/inside.sh" || fail "the unpacked release failed in its own root (above)"

step "the release's files against the build tree's"
n=0
while IFS= read -r -d '' f; do
  rel="${f#"$WORK/clips_build/"}"
  cmp -s "$f" "$R/work/clips/$rel" || fail "$rel differs between the build tree's run and the release's"
  n=$((n + 1))
done < <(find "$WORK/clips_build/shot/Output" -type f -print0)
[ "$n" -ge 8 ] || fail "only $n output files from the build tree's run (expected FG, Matte, Processed, Comp for 2 frames)"
[ "$(find "$R/work/clips/shot/Output" -type f | wc -l)" -eq "$n" ] || fail "the release wrote another number of files than the build tree"
echo "$n files identical"
cmp -s "$WORK/ofx_build.raw" "$R/work/ofx.raw" || fail "the unpacked bundle's render differs from the build tree's"
echo "the OpenFX render identical ($(stat -c %s "$R/work/ofx.raw") bytes)"

shopt -s nullglob
WHEELS=("$REL"/python/*.whl)
shopt -u nullglob
if [ ${#WHEELS[@]} -eq 0 ]; then
  echo "no wheel in the archive: Python check skipped"
else
  step "the wheel in a fresh venv, the build and its venv hidden"
  # torch and numpy as `pip install` would bring them: the deps venv's packages, hard-linked into a
  # folder of this check (no network here), then the venv itself hidden.
  SITE="$(ls -d "$DEPS"/venv/lib/python3*/site-packages)"
  PYBASE="$("$DEPS/venv/bin/python" -c 'import sys; print(sys._base_executable)')"
  mkdir -p "$WORK/pkgs"
  for p in "$SITE"/*; do
    case "$(basename "$p")" in corridorkey_native*|__pycache__|_pytest|pytest*|nanobind*|scikit_build*) continue ;; esac
    cp -al "$p" "$WORK/pkgs/" 2>/dev/null || cp -a "$p" "$WORK/pkgs/"
  done
  "$PYBASE" -m venv "$WORK/venv"
  "$WORK/venv/bin/python" -m pip install -q --no-deps --no-index --disable-pip-version-check "${WHEELS[0]}"
  VSITE="$(ls -d "$WORK"/venv/lib/python3*/site-packages)"
  echo "$WORK/pkgs" > "$VSITE/released_deps.pth"
  cat > "$WORK/wheel_check.py" <<'EOF'
import os, re, sys
import numpy as np
import torch  # noqa: F401  (the package imports it first anyway)
def mapped():
    return {m.group(1) for m in re.finditer(r"\s(/\S+\.so[.\d]*)$", open("/proc/self/maps").read(), re.M)}
before = mapped()
import corridorkey_native as ck
new = sorted(mapped() - before)
pkg = os.path.dirname(ck.__file__)
site = os.path.dirname(pkg)
base = set(sys.argv[4].split(","))  # glibc and the C++ runtime: the base system's, as for the programs
outside = [p for p in new if not (p.startswith(site + "/corridorkey_native") or p.startswith(sys.argv[2])
                                  or os.path.basename(p) in base)]
assert not outside, f"import corridorkey_native mapped libraries from outside the wheel and torch: {outside}"
assert pkg.startswith(sys.argv[1]), f"imported {pkg}, not the fresh venv's"
engine = ck.Engine(sys.argv[3], device="cpu", img_size=256)
h, w = 180, 320
image = np.zeros((h, w, 3), np.float32); image[..., 1] = 0.6
hint = np.zeros((h, w), np.float32); hint[40:140, 20:140] = 1
out = engine.process_frame(image, hint)
alpha = np.asarray(out["alpha"])
assert alpha.shape[:2] == (h, w) and np.isfinite(alpha).all(), alpha.shape
print(f"imported {ck.__file__}; {len(new)} libraries mapped by the import, all from the wheel or torch; "
      f"keyed a frame, mean alpha {alpha.mean():.4f}")
EOF
  cat > "$WORK/inside_py.sh" <<EOF
set -euo pipefail
mount -t tmpfs none "$BUILD"
mount -t tmpfs none "$DEPS"
for hidden in "$BUILD" "$DEPS"; do
  [ -z "\$(ls -A "\$hidden")" ] || { echo "\$hidden is still visible"; exit 1; }
done
echo "hidden: $BUILD, $DEPS"
"$WORK/venv/bin/python" "$WORK/wheel_check.py" "$WORK/venv" "$WORK/pkgs" "$R/work/CorridorKey.safetensors" "$BASE_LIBS"
EOF
  "${NS[@]}" bash "$WORK/inside_py.sh" || fail "the wheel did not import or key a frame from a fresh venv (above)"
fi
step "passed: $ARCHIVE"
