#!/usr/bin/env bash
# Configure takes every LibTorch library from the chosen LibTorch's prefix, whatever else CMake
# finds first (issue: a Debian libtorch-dev 1.13 beside the pinned wheel was linked with the
# wheel's headers). No extra package needed: decoy libtorch.so / libc10.so are built here and put
# where CMake searches before PyTorch's own PATHS (CMAKE_LIBRARY_PATH, CMAKE_SYSTEM_PREFIX_PATH),
# beside a decoy Caffe2Config.cmake that fails if it is ever read.
#   torch_prefix_test.sh <source dir> <Torch_DIR of the pinned wheel>
set -u
ROOT="$1"
TORCH_DIR="$2"
PREFIX="$(cd "$TORCH_DIR/../../.." && pwd -P)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

# The decoys: real shared libraries with the right names, in a prefix of their own.
decoy="$work/decoy"
mkdir -p "$decoy/lib" "$decoy/share/cmake/Caffe2" "$decoy/share/cmake/Torch"
echo 'int corridorkey_decoy(void) { return 1; }' >"$work/decoy.c"
for name in torch c10 torch_cpu c10_cuda; do
  cc -shared -fPIC -o "$decoy/lib/lib$name.so" "$work/decoy.c" || { echo "cannot build a decoy library"; exit 1; }
done
echo 'message(FATAL_ERROR "the decoy Caffe2Config.cmake was read")' >"$decoy/share/cmake/Caffe2/Caffe2Config.cmake"
cp "$decoy/share/cmake/Caffe2/Caffe2Config.cmake" "$decoy/share/cmake/Torch/TorchConfig.cmake"
DECOY_ARGS=(-DCMAKE_LIBRARY_PATH="$decoy/lib" -DCMAKE_SYSTEM_PREFIX_PATH="$decoy;/usr/local;/usr;/")
# The same find_library call PyTorch's config makes, in a bare project: it must take the decoy,
# or this test proves nothing.
mkdir -p "$work/probe"
cat >"$work/probe/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.25)
project(probe NONE)
find_library(PROBE_LIBRARY torch PATHS "$PREFIX/lib")
message(STATUS "probe: \${PROBE_LIBRARY}")
EOF
if cmake -S "$work/probe" -B "$work/probe/build" "${DECOY_ARGS[@]}" 2>&1 | grep -q "probe: $decoy/lib/libtorch.so"; then
  pass "a plain find_library(torch PATHS <wheel>/lib) takes the decoy"
else
  fail "the decoy is not found first by a plain find_library: the test set-up is ineffective"
fi

configure() {  # configure <build dir> <log> <cmake args...>
  local dir="$1" log="$2"; shift 2
  cmake -S "$ROOT" -B "$dir" -G Ninja -DCORRIDORKEY_CUDA=OFF -DCORRIDORKEY_BUILD_TESTS=OFF "$@" >"$log" 2>&1
}
check_built_from_prefix() {  # check_built_from_prefix <build dir> <configure log> <what>
  local dir="$1" log="$2" what="$3" before=$failures pair var lib value link
  for pair in TORCH_LIBRARY=libtorch.so c10_LIBRARY=libc10.so; do
    var="${pair%%=*}" lib="${pair#*=}"
    value="$(sed -n "s/^$var:FILEPATH=//p" "$dir/CMakeCache.txt")"
    [ "$value" = "$PREFIX/lib/$lib" ] || fail "$what: $var=$value, expected $PREFIX/lib/$lib"
  done
  if grep -q "$decoy" "$dir/build.ninja"; then
    fail "$what: build.ninja names the decoy: $(grep -o "$decoy[^ ]*" "$dir/build.ninja" | sort -u | head -3)"
  fi
  # What the engine links: the wheel's libraries on bench_model's link line.
  link="$(grep -A6 '^build bin/bench_model:' "$dir/build.ninja" | grep 'LINK_LIBRARIES')"
  for lib in libc10.so libtorch.so libtorch_cpu.so; do
    case "$link" in *"$PREFIX/lib/$lib"*) ;; *) fail "$what: bench_model's link line lacks $PREFIX/lib/$lib" ;; esac
  done
  grep -q "LibTorch .* at $PREFIX " "$log" || fail "$what: the configure output does not name the prefix $PREFIX"
  grep -q "CorridorKey .*LibTorch=.*($PREFIX)" "$log" || fail "$what: the configure summary does not name the prefix"
  [ "$failures" -gt "$before" ] || pass "$what: every LibTorch library from $PREFIX, none from the decoy"
}

# 1. The full build, found as scripts/setup.sh finds it: the wheel's config on CMAKE_PREFIX_PATH
#    (no Torch_DIR, no venv to fall back on), the decoy in the system's folders.
if CORRIDORKEY_DEPS="$work/no-venv" configure "$work/full" "$work/full.log" "${DECOY_ARGS[@]}" \
  -DCMAKE_PREFIX_PATH="$TORCH_DIR/.." -DCORRIDORKEY_OFX=OFF; then
  check_built_from_prefix "$work/full" "$work/full.log" "full build"
else
  fail "full build: configure failed with the decoy present"; tail -n 20 "$work/full.log"
fi

# 2. The core-only build, as scripts/gpu_check.sh configures it (-DTorch_DIR).
if configure "$work/core" "$work/core.log" "${DECOY_ARGS[@]}" -DCORRIDORKEY_CORE_ONLY=ON -DTorch_DIR="$TORCH_DIR"; then
  check_built_from_prefix "$work/core" "$work/core.log" "core-only build"
else
  fail "core-only build: configure failed with the decoy present"; tail -n 20 "$work/core.log"
fi

# 3. The decoy forced into the cache: configure must stop and name it.
expect_failure() {  # expect_failure <what> <log> <pattern...> -- <cmake args...>
  local what="$1" log="$2"; shift 2
  local patterns=()
  while [ "$1" != "--" ]; do patterns+=("$1"); shift; done
  shift
  if configure "$work/bad" "$log" "$@"; then
    fail "$what: configure succeeded"
  else
    local ok=1 p text
    text="$(tr -s ' \n' '  ' <"$log")"  # CMake wraps its messages
    for p in "${patterns[@]}"; do grep -qF -- "$p" <<<"$text" || { fail "$what: the message lacks '$p'"; ok=0; }; done
    [ $ok -eq 0 ] && sed -n '/CMake Error/,/^$/p' "$log" | head -n 20
    [ $ok -eq 0 ] || pass "$what: configure stops and says so"
  fi
  rm -rf "$work/bad"
}
expect_failure "forced decoy TORCH_LIBRARY" "$work/forced1.log" \
  "$decoy/lib/libtorch.so (TORCH_LIBRARY)" "the chosen LibTorch is $PREFIX" "mix two LibTorch versions" -- \
  -DCORRIDORKEY_CORE_ONLY=ON -DTorch_DIR="$TORCH_DIR" -DTORCH_LIBRARY="$decoy/lib/libtorch.so"
expect_failure "forced decoy c10_LIBRARY" "$work/forced2.log" \
  "$decoy/lib/libc10.so" "resolve elsewhere" -- \
  -DCORRIDORKEY_CORE_ONLY=ON -DTorch_DIR="$TORCH_DIR" -Dc10_LIBRARY="$decoy/lib/libc10.so"

expect_failure "forced decoy Caffe2_DIR" "$work/forced3.log" \
  "Caffe2_DIR=$decoy/share/cmake/Caffe2 is another one's" -- \
  -DCORRIDORKEY_CORE_ONLY=ON -DTorch_DIR="$TORCH_DIR" -DCaffe2_DIR="$decoy/share/cmake/Caffe2"
if grep -q "the decoy Caffe2Config.cmake was read" "$work/forced3.log"; then
  fail "forced decoy Caffe2_DIR: the decoy config was read before the check"
fi

# 4. Bad Torch_DIR: a LibTorch's config without its libraries, and an unsupported version.
nolibs="$work/nolibs"
mkdir -p "$nolibs/share/cmake"
cp -r "$TORCH_DIR" "$nolibs/share/cmake/Torch"
expect_failure "Torch_DIR without libraries" "$work/nolibs.log" \
  "without its libraries" "$nolibs/lib/libtorch.so does not exist" -- \
  -DCORRIDORKEY_CORE_ONLY=ON -DTorch_DIR="$nolibs/share/cmake/Torch"
old="$work/old"
mkdir -p "$old/share/cmake/Torch" "$old/lib"
cp "$decoy"/lib/*.so "$old/lib/"
cp "$decoy/share/cmake/Torch/TorchConfig.cmake" "$old/share/cmake/Torch/"
echo 'set(PACKAGE_VERSION "1.13.1")' >"$old/share/cmake/Torch/TorchConfigVersion.cmake"
expect_failure "LibTorch 1.13" "$work/old.log" "found version 1.13.1" "needs 2.11 or later" -- \
  -DCORRIDORKEY_CORE_ONLY=ON -DTorch_DIR="$old/share/cmake/Torch"

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
