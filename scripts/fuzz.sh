#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for N seconds (default 600),
# seeded with the reference fixtures. Findings land in fuzz-artifacts/<target>/.
#   bash scripts/fuzz.sh [seconds] [target...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_EACH="${1:-600}"; shift || true
TARGETS=("$@"); [ ${#TARGETS[@]} -gt 0 ] || TARGETS=(fuzz_legacy_pth fuzz_safetensors_header fuzz_unpickler fuzz_zip_archive)
PY="${CORRIDORKEY_DEPS:-$HOME/.cache/corridorkey}/venv/bin/python"
BUILD="$ROOT/build-fuzz"
FIX="${CORRIDORKEY_FIXTURES:-$ROOT/../shared/fixtures}"
CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCORRIDORKEY_FUZZ=ON -DCORRIDORKEY_CORE_ONLY=ON -DCORRIDORKEY_CUDA=OFF -DCORRIDORKEY_BUILD_TESTS=OFF \
  -DCMAKE_PREFIX_PATH="$("$PY" -c 'import torch.utils; print(torch.utils.cmake_prefix_path)')" >/dev/null
# Seeds the fixtures lack, written by the venv's torch: a legacy (non-zip) file, and pickles with
# _rebuild_tensor_v3 / UntypedStorage and protocol 2's __builtin__ names.
SEEDS="$BUILD/seeds"; mkdir -p "$SEEDS"
"$PY" - "$FIX/tiny/CorridorKey.pth" "$SEEDS" <<'PYEOF'
import sys, os, io, zipfile, torch
src, out = sys.argv[1], sys.argv[2]
sd = torch.load(src, weights_only=True)
torch.save(sd, os.path.join(out, 'legacy.pth'), _use_new_zipfile_serialization=False)
small = {'u16': torch.arange(4, dtype=torch.int32).to(torch.uint16), 'f8': torch.ones(2).to(torch.float8_e4m3fnuz),
         'meta': {'s': {1, 2}, 'c': 1 + 2j, 'b': bytearray(b'ab')}}
torch.save(small, os.path.join(out, 'small_legacy.pth'), _use_new_zipfile_serialization=False)
for proto in (2, 4):
    buf = io.BytesIO(); torch.save(small, buf, pickle_protocol=proto)
    z = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    name = [n for n in z.namelist() if n.endswith('data.pkl')][0]
    open(os.path.join(out, f'v3_p{proto}.pkl'), 'wb').write(z.read(name))
PYEOF
cmake --build "$BUILD" --target "${TARGETS[@]}"
for t in "${TARGETS[@]}"; do
  corpus="$BUILD/corpus/$t"; mkdir -p "$corpus" "$ROOT/fuzz-artifacts/$t"
  case "$t" in
    fuzz_safetensors_header) cp "$FIX"/expected/*.safetensors "$FIX"/tiny/CorridorKey.safetensors "$corpus"/ ;;
    fuzz_zip_archive) cp "$FIX"/pth_variants/*.pth "$corpus"/ ;;
    fuzz_unpickler) for f in "$FIX"/pth_variants/*.pth "$FIX"/tiny/CorridorKey.pth; do
                      unzip -p "$f" '*/data.pkl' > "$corpus/$(basename "$f").pkl"; done
                    cp "$SEEDS"/*.pkl "$corpus"/ ;;
    fuzz_legacy_pth) cp "$SEEDS"/*legacy.pth "$corpus"/ ;;
  esac
  echo "==> $t for ${SECONDS_EACH}s"
  "$BUILD/bin/$t" -max_total_time="$SECONDS_EACH" -rss_limit_mb=4096 -max_len=1048576 \
    -artifact_prefix="$ROOT/fuzz-artifacts/$t/" "$corpus" 2>&1 | tail -n 4
done
