#!/usr/bin/env bash
# Every CUDA source of the core compiles with nvcc alone: no --expt-relaxed-constexpr, no
# --expt-extended-lambda, none of the flags PyTorch's CMake config may or may not add (a Caffe2
# config from another LibTorch dropped them once, and group_norm.cu stopped compiling). Device code
# may call only __host__ __device__ functions. Skipped (77) where there is no nvcc.
#   cuda_plain_nvcc_test.sh <source dir> <nvcc>
set -u
ROOT="$1"
NVCC="${2:-}"
if [ -z "$NVCC" ] || [ ! -x "$NVCC" ]; then
  echo "no nvcc: nothing to compile"
  exit 77
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0
for src in "$ROOT"/core/kernels/cuda/*.cu; do
  name="$(basename "$src")"
  # One architecture is enough for the front end's rules; sm_90 is the GPU machines'.
  if "$NVCC" -std=c++17 -arch=sm_90 -DCORRIDORKEY_KERNELS_CUDA=1 -I"$ROOT/core/kernels/include" \
    -c "$src" -o "$work/$name.o" >"$work/$name.log" 2>&1; then
    echo "ok: $name"
  else
    echo "FAIL: $name does not compile without PyTorch's nvcc flags:"
    grep -E "error" "$work/$name.log" | head -n 5
    failures=$((failures + 1))
  fi
done
[ "$failures" -eq 0 ] || { echo "$failures source(s) failed"; exit 1; }
echo "all CUDA sources compile with plain nvcc"
