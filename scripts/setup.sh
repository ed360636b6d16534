#!/usr/bin/env bash
# Sets up everything CorridorKey needs on a Debian machine and builds it (Release).
# Idempotent: a second run installs and downloads nothing and rebuilds only what changed.
#
#   bash scripts/setup.sh            # dependencies + build (CUDA ON when nvcc is present)
#   bash scripts/setup.sh --test     # ... then run the whole test suite (ctest)
#   bash scripts/setup.sh --sanitize # ... then build build-asan (ASan+UBSan) and run its unit tests
#   bash scripts/setup.sh --core-only # ... then build build-core, the core alone with OpenCV, curl,
#                                    #     OpenEXR, FFmpeg, zlib and OpenSSL hidden and nlohmann-json,
#                                    #     spdlog and GoogleTest from third_party/, and run its tests
#
# Environment: CORRIDORKEY_DEPS (default ~/.cache/corridorkey) holds the Python venv with the pinned
# torch wheel (LibTorch); CORRIDORKEY_CUDA=AUTO|ON|OFF; CORRIDORKEY_BUILD_DIR (default build);
# CORRIDORKEY_JOBS (default: number of cores); CORRIDORKEY_PIP_NVCC=1 installs nvcc from PyPI even
# where a toolkit or no GPU is found (what a GPU machine without a toolkit gets by itself).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEPS="${CORRIDORKEY_DEPS:-$HOME/.cache/corridorkey}"
BUILD_DIR="${CORRIDORKEY_BUILD_DIR:-$ROOT/build}"
JOBS="${CORRIDORKEY_JOBS:-$(nproc)}"
RUN_TESTS=0
SANITIZE=0
CORE_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --test) RUN_TESTS=1 ;;
    --sanitize) SANITIZE=1 ;;
    --core-only) CORE_ONLY=1 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

STEP=""
step() { STEP="$1"; printf '\n==> [%s] %s\n' "$(date +%H:%M:%S)" "$1"; }
trap 'rc=$?; if [ $rc -ne 0 ]; then printf "\n!! setup failed at step: %s (exit %s). Fix the error above and run scripts/setup.sh again.\n" "$STEP" "$rc" >&2; fi' EXIT

APT_PACKAGES=(build-essential cmake ninja-build pkg-config ccache clang libclang-rt-14-dev
  libopencv-dev libopenexr-dev libopenimageio-dev libopencolorio-dev opencolorio-tools
  libavformat-dev libavcodec-dev libswscale-dev libdeflate-dev nlohmann-json3-dev libspdlog-dev libcurl4-openssl-dev libssl-dev
  libgtest-dev libexpat1-dev ffmpeg python3-venv patchelf pigz qemu-user)

step "System packages (Debian): ${APT_PACKAGES[*]}"
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "all present"
else
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

step "Python venv with LibTorch (pinned torch wheel) in $DEPS/venv"
PY="${PYTHON:-python3}"
REQ="$ROOT/scripts/requirements.txt"
STAMP="$DEPS/venv/.corridorkey-requirements"
if [ -f "$STAMP" ] && cmp -s "$REQ" "$STAMP"; then
  echo "up to date ($(grep -E '^torch==' "$REQ"))"
else
  mkdir -p "$DEPS"
  [ -x "$DEPS/venv/bin/python" ] || "$PY" -m venv "$DEPS/venv"
  "$DEPS/venv/bin/python" -m pip install --disable-pip-version-check --progress-bar off -q -r "$REQ"
  cp "$REQ" "$STAMP"
fi
TORCH_CMAKE="$("$DEPS/venv/bin/python" -c 'import torch.utils; print(torch.utils.cmake_prefix_path)')"
echo "LibTorch CMake config: $TORCH_CMAKE"

step "Configure ($BUILD_DIR, Release)"
CUDA_MODE="${CORRIDORKEY_CUDA:-AUTO}"
NVCC=""
if command -v nvcc >/dev/null 2>&1; then NVCC="$(command -v nvcc)"; elif [ -x /usr/local/cuda/bin/nvcc ]; then NVCC=/usr/local/cuda/bin/nvcc; fi
# A machine with an NVIDIA GPU but no CUDA toolkit: nvcc from PyPI, of the CUDA major.minor the
# torch wheel was built with (it lands beside the wheel's CUDA runtime in site-packages/nvidia/cuXX,
# a complete toolkit layout). CORRIDORKEY_PIP_NVCC=1 does this on any machine; a machine without a
# GPU otherwise builds as before.
gpu_visible() { command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | grep -q '^GPU '; }
if [ "$CUDA_MODE" != "OFF" ] && { [ "${CORRIDORKEY_PIP_NVCC:-0}" = 1 ] || { [ -z "$NVCC" ] && gpu_visible; }; }; then
  TORCH_CUDA="$("$DEPS/venv/bin/python" -c 'import torch; print(torch.version.cuda or "")')"
  if [ -z "$TORCH_CUDA" ]; then
    echo "CUDA: a GPU is visible but the torch wheel is CPU-only: no nvcc installed, building CPU-only"
  else
    echo "CUDA: installing nvcc $TORCH_CUDA from PyPI into $DEPS/venv (a GPU and no toolkit, or CORRIDORKEY_PIP_NVCC=1)"
    "$DEPS/venv/bin/python" -m pip install --disable-pip-version-check --progress-bar off -q \
      "nvidia-cuda-nvcc==$TORCH_CUDA.*" "nvidia-nvvm==$TORCH_CUDA.*" "nvidia-cuda-crt==$TORCH_CUDA.*"
    NVCC="$("$DEPS/venv/bin/python" -c 'import glob, os, site
found = [p for d in site.getsitepackages() for p in glob.glob(os.path.join(d, "nvidia", "cu*", "bin", "nvcc"))]
print(found[0] if found else "")')"
    [ -x "$NVCC" ] || { echo "CUDA: nvcc $TORCH_CUDA from PyPI did not install an nvcc" >&2; exit 1; }
    # Both CMake's CUDAToolkit and LibTorch's own CUDA lookup take the wheel's toolkit.
    PIP_CUDA_ROOT="${NVCC%/bin/nvcc}"
  fi
fi
CUDA_ARGS=(-DCORRIDORKEY_CUDA="$CUDA_MODE")
if [ -n "$NVCC" ]; then
  CUDA_ARGS+=(-DCMAKE_CUDA_COMPILER="$NVCC")
  [ "$CUDA_MODE" = "AUTO" ] && CUDA_ARGS=(-DCORRIDORKEY_CUDA=ON -DCMAKE_CUDA_COMPILER="$NVCC")
  [ -z "${PIP_CUDA_ROOT:-}" ] || CUDA_ARGS+=(-DCUDAToolkit_ROOT="$PIP_CUDA_ROOT" -DCUDA_TOOLKIT_ROOT_DIR="$PIP_CUDA_ROOT")
  echo "CUDA: nvcc at $NVCC -> building the CUDA kernels (CORRIDORKEY_CUDA=${CUDA_ARGS[0]#*=})"
else
  echo "CUDA: no nvcc found -> CORRIDORKEY_CUDA=$CUDA_MODE (CPU-only unless ON, which will fail)"
fi
LAUNCHER=()
if command -v ccache >/dev/null 2>&1; then
  # Paths relative to the checkout, so that a fresh clone elsewhere still hits the cache.
  # (hash_dir off: the -g of the sanitizer build would otherwise tie every object to the clone's path).
  export CCACHE_BASEDIR="$ROOT" CCACHE_DIR="${CCACHE_DIR:-$DEPS/ccache}" CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
  export CCACHE_NOHASHDIR=1
  LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_CUDA_COMPILER_LAUNCHER=ccache)
fi
configure() {  # configure <dir> <extra cmake args...>
  local dir="$1"; shift
  cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$TORCH_CMAKE" \
    "${CUDA_ARGS[@]}" "${LAUNCHER[@]}" -DCORRIDORKEY_TEST_PYTHON="$DEPS/venv/bin/python" "$@" \
    2>&1 | grep -vE "pytorch is not compatible|TORCH_CUDA_ARCH_LIST instead|kineto not found|^Call Stack|^  /|^CMake Warning at|^$" || true
  test -f "$dir/build.ninja"
}
configure "$BUILD_DIR" -DCORRIDORKEY_PYTHON=ON -DPython_EXECUTABLE="$DEPS/venv/bin/python"

step "Build ($JOBS jobs)"
cmake --build "$BUILD_DIR" -j "$JOBS"
echo "clip_manager: $BUILD_DIR/bin/clip_manager"
"$BUILD_DIR/bin/clip_manager" --version

step "Python package corridorkey_native: wheel ($BUILD_DIR/dist) and install into $DEPS/venv"
# scikit-build-core over the build folder above: the extension is built already, so this only
# reconfigures and lays the package out (pyproject.toml); the wheel then goes into the venv.
rm -rf "$BUILD_DIR/dist"
CMAKE_GENERATOR=Ninja "$DEPS/venv/bin/python" -m pip wheel --disable-pip-version-check --no-build-isolation --no-deps \
  -q -w "$BUILD_DIR/dist" -C build-dir="$BUILD_DIR" "$ROOT"
"$DEPS/venv/bin/python" -m pip install --disable-pip-version-check --no-deps --force-reinstall -q "$BUILD_DIR"/dist/corridorkey_native-*.whl
"$DEPS/venv/bin/python" -c 'import corridorkey_native as ck; print("corridorkey_native", ck.__version__, "in", ck.__file__)'

if [ "$SANITIZE" -eq 1 ]; then
  step "Sanitizer build (ASan + UBSan) in $BUILD_DIR-asan: unit tests"
  configure "$BUILD_DIR-asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCORRIDORKEY_SANITIZE=ON -DCORRIDORKEY_CUDA=OFF
  # The unit tests (the parsers of untrusted bytes and the core utilities) run sanitized; the
  # integration tests spend their time inside LibTorch kernels, which are not instrumented anyway.
  UNIT_TARGETS=$(sed -n 's/^ *ck_test(\([a-z_0-9]*\) unit .*/\1/p' "$ROOT/tests/CMakeLists.txt")
  cmake --build "$BUILD_DIR-asan" -j "$JOBS" --target $UNIT_TARGETS
  (cd "$BUILD_DIR-asan" && ASAN_OPTIONS=detect_leaks=0:protect_shadow_gap=0 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest --output-on-failure -j "$JOBS" -L unit --timeout 600)
fi

if [ "$CORE_ONLY" -eq 1 ]; then
  step "Core-only build in $BUILD_DIR-core (no OpenCV, curl, OpenEXR, FFmpeg, zlib, OpenSSL; third_party/ deps): core tests"
  # Each library above the core is hidden from CMake, so any use of one by the core fails here;
  # so are the system's nlohmann-json, spdlog and GoogleTest, so the copies in third_party/ (what
  # scripts/gpu_check.sh builds with on a bare GPU machine) are built and tested on every run.
  HIDDEN=()
  for pkg in OpenCV CURL OpenEXR FFMPEG PkgConfig ZLIB OpenSSL nlohmann_json spdlog GTest; do
    HIDDEN+=("-DCMAKE_DISABLE_FIND_PACKAGE_$pkg=ON")
  done
  configure "$BUILD_DIR-core" -DCORRIDORKEY_CORE_ONLY=ON "${HIDDEN[@]}"
  start=$(date +%s)
  cmake --build "$BUILD_DIR-core" -j "$JOBS"
  echo "core-only build: $(( $(date +%s) - start )) s; $(du -h "$BUILD_DIR-core/core/libcorridorkey_core.a" | cut -f1) libcorridorkey_core.a"
  (cd "$BUILD_DIR-core" && ctest --output-on-failure -j "$JOBS" --timeout 900)
fi

if [ "$RUN_TESTS" -eq 1 ]; then
  step "Test suite (ctest: unit, integration; gpu tests skip without a CUDA device)"
  (cd "$BUILD_DIR" && ctest --output-on-failure -j "$JOBS" --timeout 900)
else
  step "Done"
fi
