#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for N seconds (default 600),
# seeded with the reference fixtures. Findings land in fuzz-artifacts/<target>/.
#   bash scripts/fuzz.sh [seconds] [target...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_EACH="${1:-600}"; shift || true
TARGETS=("$@"); [ ${#TARGETS[@]} -gt 0 ] || TARGETS=(fuzz_safetensors_header fuzz_unpickler fuzz_zip_archive)
BUILD="$ROOT/build-fuzz"
FIX="${CORRIDORKEY_FIXTURES:-$ROOT/../shared/fixtures}"
CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCORRIDORKEY_FUZZ=ON -DCORRIDORKEY_CORE_ONLY=ON -DCORRIDORKEY_CUDA=OFF -DCORRIDORKEY_BUILD_TESTS=OFF \
  -DCMAKE_PREFIX_PATH="$("${CORRIDORKEY_DEPS:-$HOME/.cache/corridorkey}/venv/bin/python" -c 'import torch.utils; print(torch.utils.cmake_prefix_path)')" >/dev/null
cmake --build "$BUILD" --target "${TARGETS[@]}"
for t in "${TARGETS[@]}"; do
  corpus="$BUILD/corpus/$t"; mkdir -p "$corpus" "$ROOT/fuzz-artifacts/$t"
  case "$t" in
    fuzz_safetensors_header) cp "$FIX"/expected/*.safetensors "$FIX"/tiny/CorridorKey.safetensors "$corpus"/ ;;
    fuzz_zip_archive) cp "$FIX"/pth_variants/*.pth "$corpus"/ ;;
    fuzz_unpickler) for f in "$FIX"/pth_variants/*.pth "$FIX"/tiny/CorridorKey.pth; do
                      unzip -p "$f" '*/data.pkl' > "$corpus/$(basename "$f").pkl"; done ;;
  esac
  echo "==> $t for ${SECONDS_EACH}s"
  "$BUILD/bin/$t" -max_total_time="$SECONDS_EACH" -rss_limit_mb=4096 -max_len=1048576 \
    -artifact_prefix="$ROOT/fuzz-artifacts/$t/" "$corpus" 2>&1 | tail -n 4
done
