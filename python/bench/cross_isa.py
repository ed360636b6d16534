#!/usr/bin/env python3
"""The network's float32 outputs on one CPU playing nodes of other instruction sets, in one run.

oneDNN's ONEDNN_MAX_CPU_ISA, ATen's ATEN_CPU_CAPABILITY and MKL's MKL_CBWR cap the kernels LibTorch
picks, so one AVX-512 machine can play an AVX2 farm node (and an SSE4.1 one), and shows what
`clip_manager --cpu-isa avx2` and `--cpu-isa portable` cost. Each setting keys the fixtures'
green-screen frame (../shared/fixtures/frame, 300x200) with v1.0 random weights (make_random_checkpoint
--seed 0) in its own process; the outputs are compared with those of the machine's own setting
(alpha and fg: the share of values and of pixels that differ, the share off by more than 1e-6, the
largest difference) and the per-frame times give the cost of capping (median of --frames frames
after a warm-up, the settings alternating --rounds times).

Our own CPU kernels pick their clone from the CPU itself (CPUID), not from these variables: they
run the machine's widest clone in every setting here.

    python/bench/cross_isa.py --build build [--size 512] [--frames 5] [--rounds 2] [--threads 2]
                              [--fixtures ../shared/fixtures] [--json FILE]
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile

SETTINGS = {
    "native": {},
    # what clip_manager --cpu-isa avx2 and --cpu-isa portable set (corridorkey::limit_cpu_isa)
    "avx2": {"ONEDNN_MAX_CPU_ISA": "AVX2", "ATEN_CPU_CAPABILITY": "avx2", "MKL_CBWR": "AVX2"},
    "portable": {"ONEDNN_MAX_CPU_ISA": "AVX2", "ATEN_CPU_CAPABILITY": "avx2", "MKL_CBWR": "COMPATIBLE"},
    # a node of the SSE4.1 era, without the flag
    "sse41": {"ONEDNN_MAX_CPU_ISA": "SSE41", "ATEN_CPU_CAPABILITY": "default"},
}

CHILD = r"""
import json, sys, time, numpy as np
sys.path.insert(0, sys.argv[1])
import torch
import corridorkey_native as ck
from safetensors.numpy import load_file
frame = load_file(sys.argv[2])
plate, hint = frame["plate_srgb_u8"], frame["hint_u8"]
engine = ck.Engine(sys.argv[3], device="cpu", img_size=int(sys.argv[4]), precision="float32", threads=int(sys.argv[5]))
engine.process_frame(plate, hint)
times, first = [], None
for _ in range(int(sys.argv[6])):
    t = time.perf_counter()
    out = engine.process_frame(plate, hint)
    times.append((time.perf_counter() - t) * 1000)
    now = {k: np.array(out[k]) for k in ("alpha", "fg")}
    if first is None:
        first = now
    assert all(np.array_equal(first[k], now[k]) for k in first), "not repeatable within one process"
np.savez(sys.argv[7], **first)
print(json.dumps({"ms": times, "aten": torch.backends.cpu.get_cpu_capability()}))
"""


def compare(a, b):
    d = abs(a.astype("float64") - b.astype("float64"))
    per_pixel = d.reshape(d.shape[0], d.shape[1], -1).max(axis=2)
    return {"values_differ": float((d > 0).mean()), "values_over_1e-6": float((d > 1e-6).mean()),
            "pixels_differ": float((per_pixel > 0).mean()), "pixels_over_1e-6": float((per_pixel > 1e-6).mean()),
            "max_abs": float(d.max())}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--fixtures", default=str(pathlib.Path(__file__).resolve().parents[3] / "shared" / "fixtures"))
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--frames", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--settings", default="native,avx2,portable,sse41")
    ap.add_argument("--json")
    args = ap.parse_args()
    import numpy as np

    build = pathlib.Path(args.build).resolve()
    frame = pathlib.Path(args.fixtures) / "frame" / "decoded.safetensors"
    names = args.settings.split(",")
    times = {n: [] for n in names}
    isa = {}
    with tempfile.TemporaryDirectory() as tmp:
        ckpt = pathlib.Path(tmp) / "v1.safetensors"
        subprocess.run([str(build / "bin" / "make_random_checkpoint"), "--output", str(ckpt), "--seed", "0"],
                       check=True, stdout=subprocess.DEVNULL)
        outputs = {}
        for r in range(args.rounds):
            for n in names:
                out = pathlib.Path(tmp) / f"{n}_{r}.npz"
                env = dict(os.environ, **SETTINGS[n])
                p = subprocess.run([sys.executable, "-c", CHILD, str(build / "python"), str(frame), str(ckpt),
                                    str(args.size), str(args.threads), str(args.frames), str(out)],
                                   env=env, check=True, capture_output=True, text=True)
                res = json.loads(p.stdout.strip().splitlines()[-1])
                times[n].append(statistics.median(res["ms"]))
                isa[n] = res["aten"]
                got = dict(np.load(out))
                if n in outputs:
                    assert all(np.array_equal(outputs[n][k], got[k]) for k in got), f"{n}: runs differ"
                outputs[n] = got
                print(f"round {r + 1} {n:8s} ATen {res['aten']:8s} median {times[n][-1]:9.1f} ms", flush=True)
        base = names[0]
        report = {"size": args.size, "threads": args.threads, "frames": args.frames, "rounds": args.rounds,
                  "cpu_flags": sorted({f for f in open("/proc/cpuinfo").read().split() if f.startswith(("avx", "amx"))}),
                  "settings": {}}
        for n in names:
            row = {"env": SETTINGS[n], "aten_capability": isa[n], "median_ms_per_round": times[n],
                   "ms": statistics.median(times[n]), "ratio_to_" + base: statistics.median(times[n]) / statistics.median(times[base])}
            if n != base:
                row["vs_" + base] = {k: compare(outputs[base][k], outputs[n][k]) for k in ("alpha", "fg")}
            report["settings"][n] = row
    print(json.dumps(report, indent=1))
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
