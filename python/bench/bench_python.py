#!/usr/bin/env python3
"""Per-frame time through Python against the C++ API, at the same settings, in one run.

The C++ side is bench_model --whole-frame (Engine::process_frame on a decoded 1920x1080 plate in
host memory, outputs on the host); the Python side is corridorkey_native.Engine.process_frame on
the same plate and hint (the same random values: torch's generator, seed 0), with the same v1.0
random weights (make_random_checkpoint --seed 0, which bench_model builds in memory). The two
alternate, `--rounds` times each, so that the machine's drift falls on both; each round gives a
median over `--frames` frames after a warm-up.

    python/bench/bench_python.py --build build [--size 512] [--precisions float32,bfloat16]
                                 [--frames 5] [--rounds 2] [--threads 2] [--json FILE]
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build", help="the build folder (bin/bench_model, python/)")
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--precisions", default="float32,bfloat16")
    ap.add_argument("--frames", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", help="write every figure here")
    args = ap.parse_args()
    build = pathlib.Path(args.build).resolve()
    sys.path.insert(0, str(build / "python"))
    import torch

    import corridorkey_native as ck

    torch.manual_seed(0)  # bench_model's plate and hint: at::randint after at::manual_seed(0)
    plate = torch.randint(0, 256, (1080, 1920, 3), dtype=torch.uint8).numpy()
    hint = torch.randint(0, 256, (1080, 1920), dtype=torch.uint8).numpy()
    results = {"size": args.size, "threads": args.threads, "frames": args.frames, "rounds": args.rounds, "rows": []}
    with tempfile.TemporaryDirectory() as tmp:
        ckpt = pathlib.Path(tmp) / "v1.safetensors"
        subprocess.run([str(build / "bin" / "make_random_checkpoint"), "--output", str(ckpt), "--seed", "0"],
                       check=True, stdout=subprocess.DEVNULL)
        for precision in args.precisions.split(","):
            cpp, py = [], []
            engine = ck.Engine(ckpt, device="cpu", img_size=args.size, precision=precision, threads=args.threads)
            for _ in range(args.rounds):
                out = pathlib.Path(tmp) / "cpp.json"
                subprocess.run(
                    [str(build / "bin" / "bench_model"), "--device", "cpu", "--sizes", str(args.size), "--precisions",
                     precision, "--frames", str(args.frames), "--threads", str(args.threads), "--whole-frame",
                     "--json", str(out)], check=True, stdout=subprocess.DEVNULL)
                rows = json.loads(out.read_text())["results"]
                cpp.append(next(r["median_ms"] for r in rows if r["what"] == "whole-frame"))
                engine.process_frame(plate, hint)  # warm-up
                times = []
                for _ in range(args.frames):
                    t0 = time.perf_counter()
                    engine.process_frame(plate, hint)
                    times.append((time.perf_counter() - t0) * 1e3)
                py.append(statistics.median(times))
            row = {"precision": precision, "cpp_ms": cpp, "python_ms": py,
                   "cpp_median_ms": statistics.median(cpp), "python_median_ms": statistics.median(py)}
            row["ratio"] = row["python_median_ms"] / row["cpp_median_ms"]
            results["rows"].append(row)
            print(f"{args.size} px {precision:9s}: C++ {row['cpp_median_ms']:8.1f} ms  Python {row['python_median_ms']:8.1f} ms"
                  f"  ratio {row['ratio']:.3f}  (rounds C++ {['%.1f' % v for v in cpp]}, Python {['%.1f' % v for v in py]})")
            del engine
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
