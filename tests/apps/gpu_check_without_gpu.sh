#!/usr/bin/env bash
# scripts/gpu_check.sh on a machine without a CUDA device: it must stop at once, before building,
# with exit code 3 and a message saying why, and create nothing. Skipped (77) where a GPU is visible.
#   gpu_check_without_gpu.sh <source dir> <python with torch>
set -u
ROOT="$1"
export PYTHON="$2"
if "$PYTHON" -c 'import sys, torch; sys.exit(0 if torch.cuda.device_count() > 0 else 1)' 2>/dev/null; then
  echo "a CUDA device is visible: the no-GPU behaviour is not testable here"
  exit 77
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
(cd "$work" && bash "$ROOT/scripts/gpu_check.sh" --out "$work/report" >"$work/stdout" 2>"$work/stderr")
rc=$?
took=$(($(date +%s) - start))
cat "$work/stderr"
[ "$rc" -eq 3 ] || { echo "FAIL: exit code $rc, expected 3"; exit 1; }
grep -q "no CUDA device visible" "$work/stderr" || { echo "FAIL: the message does not say why"; exit 1; }
grep -q "nothing was built" "$work/stderr" || { echo "FAIL: the message does not say nothing was built"; exit 1; }
[ ! -e "$work/report" ] || { echo "FAIL: it created $work/report"; exit 1; }
[ "$took" -lt 30 ] || { echo "FAIL: it took $took s to stop"; exit 1; }
echo "ok: exit 3 in $took s, nothing created"
