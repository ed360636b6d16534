#!/usr/bin/env bash
# The GPU check: one command for a Linux machine with an NVIDIA GPU, its driver, the CUDA toolkit
# (nvcc), a python3 with PyTorch (a CUDA build, 2.11 or later), CMake >= 3.25 and Ninja, and nothing
# else (no network). It builds the core against that Python's LibTorch in a temporary folder (the
# header-only dependencies and GoogleTest the machine lacks come from third_party/), then:
#   - runs the core's tests: the CUDA kernels against their CPU twins, the network and the whole
#     frame on the GPU against the reference fixtures (float32, TF32 off), float16 and bfloat16
#     against float32, and the CPU parity tests;
#   - runs compute-sanitizer's memcheck on the kernel tests, when it is installed;
#   - benchmarks the model alone and the whole frame (a decoded 1920x1080 plate to the four
#     outputs downloaded) at img_size 512, 1024 and 2048 in float16, bfloat16 and float32: median
#     ms/frame over 10 frames after a warm-up, frames/s, and the GPU allocator's peak memory (whole
#     run, and after the warm-up); and the despeckle alone on opaque and noisy 3840x2160 mattes;
#     float16 again with Hiera's first stage in float32 (--float32-stages 1; the GPU test prints both
#     settings' distance to float32), with the decoder heads' tails as ATen's ops (--aten-decoder),
#     and with the network replayed as a CUDA graph (--cuda-graphs, off by default until measured);
#   - profiles one forward pass per size and precision (the GPU kernels by device time:
#     DIR/profiles/, the largest float16 one inline in the report);
#   - writes report.md and report.json (GPU, driver, CUDA, torch, every result and figure) to DIR.
#
#   bash scripts/gpu_check.sh [--out DIR] [--fixtures DIR] [--quick] [--build-only] [--build-dir DIR]
#
#   --out DIR        where the reports go (default ./gpu-check)
#   --fixtures DIR   the reference fixtures (default ../shared/fixtures beside the checkout)
#   --quick          benchmark 512 and 2048 in float16 only
#   --build-only     no GPU needed: build, run the tests (GPU tests skip) and a tiny CPU benchmark,
#                    write the reports; for checking the kit itself on a machine without a GPU
#   --build-dir DIR  build there and keep it (default: a temporary folder, removed at the end);
#                    a second run into the same folder rebuilds only what changed
#
# Environment: PYTHON (default python3), CUDACXX or nvcc on PATH (else /usr/local/cuda/bin/nvcc),
# GPU_CHECK_CMAKE_ARGS (extra configure arguments), GPU_CHECK_JOBS (default: all cores),
# GPU_CHECK_MEMCHECK_TIMEOUT (seconds memcheck may take, default 300).
# Exit codes: 0 everything passed; 1 a step or test failed (the reports say which); 2 usage or a
# missing tool; 3 no CUDA device visible (nothing was built).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$PWD/gpu-check"
FIXTURES="$ROOT/../shared/fixtures"
QUICK=0
BUILD_ONLY=0
BUILD=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="${2:?--out needs a folder}"; shift 2 ;;
    --fixtures) FIXTURES="${2:?--fixtures needs a folder}"; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --build-only) BUILD_ONLY=1; shift ;;
    --build-dir) BUILD="${2:?--build-dir needs a folder}"; shift 2 ;;
    -h|--help) sed -n '2,/^set -uo pipefail/{/^set/!p}' "$0"; exit 0 ;;
    *) echo "gpu_check: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

START=$(date +%s)
say() { printf '\n==> [%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
fail() { echo "gpu_check: $1" >&2; exit "${2:-2}"; }  # fail <message> [exit code]

# 1. The device, before anything is built.
PY="${PYTHON:-python3}"
command -v "$PY" >/dev/null 2>&1 || fail "no '$PY' on PATH: the check needs a python3 with PyTorch (set PYTHON)"
TORCH_INFO="$("$PY" -c 'import json, torch
print(json.dumps({"torch": torch.__version__, "cuda": torch.version.cuda or "", "devices": torch.cuda.device_count(),
                  "cmake_prefix": torch.utils.cmake_prefix_path}))' 2>/dev/null)" ||
  fail "'$PY' cannot import torch: install PyTorch (a CUDA build, 2.11 or later) or set PYTHON"
field() { "$PY" -c "import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$TORCH_INFO" "$1"; }
DEVICES="$(field devices)"
if [ "$BUILD_ONLY" -eq 0 ] && [ "$DEVICES" -eq 0 ]; then
  SMI="$(nvidia-smi -L 2>/dev/null | head -n 1)"
  fail "no CUDA device visible (torch $(field torch), CUDA '$(field cuda)'; nvidia-smi: ${SMI:-not found or no GPU}); nothing was built. Run it on a machine with an NVIDIA GPU and its driver, or use --build-only." 3
fi
[ -d "$FIXTURES/expected" ] || fail "reference fixtures not found at $FIXTURES (use --fixtures DIR)"
FIXTURES="$(cd "$FIXTURES" && pwd)"

# 2. The tools.
NVCC="${CUDACXX:-$(command -v nvcc || true)}"
[ -n "$NVCC" ] || [ ! -x /usr/local/cuda/bin/nvcc ] || NVCC=/usr/local/cuda/bin/nvcc
[ -n "$NVCC" ] || fail "no nvcc: install the CUDA toolkit (or set CUDACXX)"
command -v cmake >/dev/null || fail "no cmake on PATH (3.25 or later)"
command -v ninja >/dev/null || fail "no ninja on PATH"
mkdir -p "$OUT" || fail "cannot create $OUT"
OUT="$(cd "$OUT" && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/corridorkey-gpu-check.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
if [ -z "$BUILD" ]; then
  BUILD="$WORK/build"
else
  mkdir -p "$BUILD" || fail "cannot create the build folder $BUILD"
  BUILD="$(cd "$BUILD" && pwd)"
fi
LOGS="$OUT/logs"
mkdir -p "$LOGS"
JOBS="${GPU_CHECK_JOBS:-$(nproc)}"
STATUS="$WORK/steps.tsv"  # step <tab> ok|failed|skipped <tab> seconds <tab> note
: >"$STATUS"
step() {  # step <name> <log> <command...>: runs it, records the outcome, never exits
  local name="$1" log="$2"; shift 2
  local t0 rc
  t0=$(date +%s)
  say "$name"
  "$@" >"$log" 2>&1
  rc=$?
  tail -n 5 "$log"
  printf '%s\t%s\t%s\t%s\n' "$name" "$([ $rc -eq 0 ] && echo ok || echo failed)" "$(($(date +%s) - t0))" \
    "$(basename "$log")" >>"$STATUS"
  return $rc
}

# 3. Configure and build the core, its tests and bench_model.
ARCH_ARGS=()
if [ "$DEVICES" -gt 0 ]; then  # only the architecture of this GPU: a faster build
  CC_ARCH="$("$PY" -c 'import torch; m, n = torch.cuda.get_device_capability(0); print(f"{m}.{n}")')"
  ARCH_ARGS=(-DCMAKE_CUDA_ARCHITECTURES="${CC_ARCH/./}" -DTORCH_CUDA_ARCH_LIST="$CC_ARCH")
fi
# shellcheck disable=SC2086
if ! step "Configure (core only, LibTorch of $PY: torch $(field torch))" "$LOGS/configure.log" \
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCORRIDORKEY_CORE_ONLY=ON \
  -DCORRIDORKEY_CUDA=ON -DCMAKE_CUDA_COMPILER="$NVCC" -DTorch_DIR="$(field cmake_prefix)/Torch" \
  -DCORRIDORKEY_TEST_PYTHON="$(command -v "$PY")" "${ARCH_ARGS[@]}" ${GPU_CHECK_CMAKE_ARGS:-} ||
  ! step "Build ($JOBS jobs)" "$LOGS/build.log" cmake --build "$BUILD" -j "$JOBS"; then
  BUILD_FAILED=1
else
  BUILD_FAILED=0
fi

if [ "$BUILD_FAILED" -eq 0 ]; then
  # 4. Tests: every core test; the GPU ones run here (they skip, saying why, without a GPU).
  export CORRIDORKEY_FIXTURES="$FIXTURES"
  step "Tests (ctest: core, parity, GPU kernels and pipeline)" "$LOGS/ctest.log" \
    ctest --test-dir "$BUILD" --output-on-failure -j "$JOBS" --timeout 600 --output-junit "$OUT/logs/ctest.xml"

  # 5. compute-sanitizer memcheck on the kernel tests.
  SANITIZER="$(command -v compute-sanitizer || true)"
  [ -n "$SANITIZER" ] || [ ! -x /usr/local/cuda/bin/compute-sanitizer ] || SANITIZER=/usr/local/cuda/bin/compute-sanitizer
  if [ "$BUILD_ONLY" -eq 0 ] && [ -n "$SANITIZER" ]; then
    # At most 5 minutes: memcheck slows kernels down many times, and the check has a time budget.
    # LibTorch's caching allocator off: each tensor gets its own cudaMalloc, so an access past a
    # tensor's end is caught, and the blocks it would keep cached at exit are not reported as leaks.
    step "compute-sanitizer memcheck on the kernel tests" "$LOGS/memcheck.log" \
      env PYTORCH_NO_CUDA_MEMORY_CACHING=1 timeout "${GPU_CHECK_MEMCHECK_TIMEOUT:-300}" "$SANITIZER" --tool memcheck --error-exitcode 1 --leak-check full "$BUILD/bin/test_kernels_gpu"
  else
    printf '%s\t%s\t0\t%s\n' "compute-sanitizer memcheck on the kernel tests" skipped \
      "$([ "$BUILD_ONLY" -eq 1 ] && echo '--build-only' || echo 'compute-sanitizer not installed')" >>"$STATUS"
  fi

  # 6. Benchmarks.
  # shellcheck disable=SC2054  # the commas separate bench_model's values, not array elements
  if [ "$BUILD_ONLY" -eq 1 ]; then
    BENCH=(--device cpu --sizes 64 --precisions float32 --frames 1)
  elif [ "$QUICK" -eq 1 ]; then
    BENCH=(--device cuda --sizes 512,2048 --precisions float16 --frames 10)
  else
    BENCH=(--device cuda --sizes 512,1024,2048 --precisions float16,bfloat16,float32 --frames 10)
  fi
  step "Benchmarks (bench_model ${BENCH[*]} --whole-frame --despeckle)" "$LOGS/bench.log" \
    "$BUILD/bin/bench_model" "${BENCH[@]}" --whole-frame --despeckle --threads "$JOBS" --json "$OUT/bench.json" \
    --profile "$OUT/profiles"
  # float16 with Hiera's first stage in float32 (--float32-stages 1, bfloat16's default; float16's
  # is 0, as upstream runs it): these rows show what keeping it in float32 costs.
  if [ "$BUILD_ONLY" -eq 0 ]; then
    SIZES="512,1024,2048"
    [ "$QUICK" -eq 0 ] || SIZES="2048"
    step "Benchmarks (bench_model float16, --float32-stages 1)" "$LOGS/bench_float32_stages1.log" \
      "$BUILD/bin/bench_model" --device cuda --sizes "$SIZES" --precisions float16 --float32-stages 1 --frames 10 \
      --whole-frame --threads "$JOBS" --json "$OUT/bench_float32_stages1.json"
    # float16 with the decoder heads' tails as ATen's ops: the fused pass's gain.
    step "Benchmarks (bench_model float16, --aten-decoder)" "$LOGS/bench_aten_decoder.log" \
      "$BUILD/bin/bench_model" --device cuda --sizes "$SIZES" --precisions float16 --aten-decoder --frames 10 \
      --threads "$JOBS" --json "$OUT/bench_aten_decoder.json"
    # float16 with the network replayed as a CUDA graph: these rows decide ModelOptions::cuda_graphs.
    step "Benchmarks (bench_model float16, --cuda-graphs)" "$LOGS/bench_cuda_graphs.log" \
      "$BUILD/bin/bench_model" --device cuda --sizes "$SIZES" --precisions float16 --cuda-graphs --frames 10 \
      --whole-frame --threads "$JOBS" --json "$OUT/bench_cuda_graphs.json"
  fi
fi

# 7. The reports.
say "Reports in $OUT"
"$PY" - "$OUT" "$STATUS" "$TORCH_INFO" "$NVCC" "$ROOT" "$(( $(date +%s) - START ))" "$QUICK" "$BUILD_ONLY" <<'PYEOF'
import json, os, subprocess, sys, datetime, xml.etree.ElementTree as ET
out, status_path, torch_info, nvcc, root, seconds, quick, build_only = sys.argv[1:9]
torch_info = json.loads(torch_info)

def run(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
    except Exception as e:  # a missing tool is reported, not fatal
        return f"unavailable ({e.__class__.__name__})"

gpus = run("nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader")
steps = [dict(zip(("step", "result", "seconds", "log"), line.rstrip("\n").split("\t")))
         for line in open(status_path) if line.strip()]
tests = {"total": 0, "passed": 0, "failed": 0, "skipped": 0, "failures": [], "skipped_reasons": {}}
junit = os.path.join(out, "logs", "ctest.xml")
if os.path.exists(junit):
    for case in ET.parse(junit).getroot().iter("testcase"):
        tests["total"] += 1
        name = case.get("name")
        if case.find("failure") is not None or case.get("status") == "fail":
            tests["failed"] += 1
            tests["failures"].append(name)
        elif case.find("skipped") is not None or case.get("status") in ("notrun", "disabled"):
            tests["skipped"] += 1
            tests["skipped_reasons"][name] = (case.find("skipped").get("message", "")
                                              if case.find("skipped") is not None else "")
        else:
            tests["passed"] += 1
bench = None
bench_path = os.path.join(out, "bench.json")
if os.path.exists(bench_path):
    bench = json.load(open(bench_path))
    for name in ("bench_float32_stages1.json", "bench_aten_decoder.json", "bench_cuda_graphs.json"):
        extra = os.path.join(out, name)
        if os.path.exists(extra):
            bench["results"] += json.load(open(extra))["results"]
report = {
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "commit": run("git", "-C", root, "describe", "--always", "--dirty=+local-changes"),
    "gpu": gpus, "torch": torch_info["torch"], "torch_cuda": torch_info["cuda"],
    "cuda_devices": torch_info["devices"],
    "nvcc": run(nvcc, "--version").splitlines()[-1] if nvcc else "",
    "cpu_cores": os.cpu_count(), "mode": "build-only" if build_only == "1" else ("quick" if quick == "1" else "full"),
    "seconds": int(seconds), "steps": steps, "tests": tests, "benchmarks": bench,
}
report["passed"] = all(s["result"] != "failed" for s in steps) and tests["failed"] == 0 and bool(steps)
json.dump(report, open(os.path.join(out, "report.json"), "w"), indent=2)

md = [f"# CorridorKey GPU check ({report['mode']})", "",
      f"- date: {report['date']}, commit {report['commit']}, {report['seconds']} s in all",
      f"- GPU: {gpus or 'none'}", f"- torch {report['torch']} (CUDA {report['torch_cuda']}), {report['nvcc']}",
      f"- CPU cores: {report['cpu_cores']}", f"- verdict: **{'passed' if report['passed'] else 'FAILED'}**", "",
      "## Steps", "", "| step | result | s | log |", "| --- | --- | --- | --- |"]
md += [f"| {s['step']} | {s['result']} | {s['seconds']} | {s['log']} |" for s in steps]
md += ["", "## Tests", "",
       f"{tests['passed']} passed, {tests['failed']} failed, {tests['skipped']} skipped of {tests['total']}."]
md += [f"- failed: {name}" for name in tests["failures"]]
if bench:
    md += ["", f"## Benchmarks ({bench['device']}, v1.0 random weights, medians of "
               f"{bench['results'][0]['frames'] if bench['results'] else 0} frames after a warm-up)", "",
           "| img_size | precision | float32 stages | decoder tails | CUDA graph | what | ms/frame | frames/s "
           "| GFLOP/s | peak MB | steady MB |",
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    md += [f"| {r['img_size']} | {r['precision']} | {r.get('float32_stages', '')} "
           f"| {'fused' if r.get('fused_decoder', True) else 'ATen'} "
           f"| {'yes' if r.get('cuda_graphs') else 'no'} | {r['what']} | {r['median_ms']:.1f} "
           f"| {r['frames_per_s']:.2f} | {r['gflop_per_frame'] / r['median_ms'] * 1e3:.0f} | {r['peak_mb']:.0f} "
           f"| {r.get('steady_peak_mb', r['peak_mb']):.0f} |"
           for r in bench["results"]]
    if bench.get("despeckle_4k_ms"):
        d = bench["despeckle_4k_ms"]
        md += ["", f"Despeckle alone on a 3840x2160 matte ({bench['device']}; goal under 2 ms on an H100): "
                   f"opaque {d.get('opaque', 0):.2f} ms, noisy {d.get('noisy', 0):.2f} ms."]
    profiles = os.path.join(out, "profiles")
    if os.path.isdir(profiles):
        names = sorted(os.listdir(profiles))
        md += ["", f"Profiles of one forward pass per size and precision (on a GPU the kernels by device "
                   f"time, on the CPU the operators by self time): "
                   f"{', '.join('profiles/' + n for n in names)}."]
        # The largest float16 one inline: where the time of the goal's configuration goes.
        pick = [n for n in names if n.endswith("_float16.txt")]
        if pick:
            pick.sort(key=lambda n: int(n.split("_")[1]))
            md += ["", "```"] + open(os.path.join(profiles, pick[-1])).read().splitlines()[:30] + ["```"]
    md += ["", "model: the network alone on a random input already on the device. whole-frame: a decoded",
           "1920x1080 8-bit plate and hint on the host in (through pinned memory), the four outputs downloaded",
           "as clip_manager downloads them for half-float EXRs (alpha, fg and processed as float16, comp as",
           "float32, into pinned memory on a copy stream). Peak MB: the caching allocator's peak of allocated",
           "bytes on CUDA over the whole run, cuDNN's autotuning in the warm-up included; steady MB: over the",
           "frames after the warm-up. On the CPU both are the process's peak RSS."]
open(os.path.join(out, "report.md"), "w").write("\n".join(md) + "\n")
print("\n".join(md))
sys.exit(0 if report["passed"] else 1)
PYEOF
