"""limit_cpu_isa: the same caps as clip_manager --cpu-isa, from Python. Each case runs in a fresh
interpreter, since the caps are process-wide and fixed once LibTorch has chosen its kernels."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import corridorkey_native as ck

HAS_AVX2 = "avx2" in open("/proc/cpuinfo").read().split()
HAS_AVX512 = "avx512f" in open("/proc/cpuinfo").read().split()
CAPS = {
    "avx2": {"ONEDNN_MAX_CPU_ISA": "AVX2", "ATEN_CPU_CAPABILITY": "avx2", "MKL_CBWR": "AVX2"},
    "portable": {"ONEDNN_MAX_CPU_ISA": "AVX2", "ATEN_CPU_CAPABILITY": "avx2", "MKL_CBWR": "COMPATIBLE"},
}

KEY = """
import sys, numpy as np
import corridorkey_native as ck
from safetensors.numpy import load_file
isa, checkpoint, frame, out = sys.argv[1:5]
if isa != "-":
    ck.limit_cpu_isa(isa)
f = load_file(frame)
engine = ck.Engine(checkpoint, device="cpu", img_size=128, threads=2)
r = engine.process_frame(f["plate_srgb_u8"], f["hint_u8"])
np.savez(out, alpha=r["alpha"], fg=r["fg"])
"""


def key(tmp_path, fixtures, isa, env_extra=None):
    out = tmp_path / f"{isa}_{len(env_extra or {})}.npz"
    env = dict(os.environ)
    for name in ("ONEDNN_MAX_CPU_ISA", "ATEN_CPU_CAPABILITY", "MKL_CBWR"):
        env.pop(name, None)
    env.update(env_extra or {})
    run = subprocess.run([sys.executable, "-c", KEY, isa, str(fixtures / "tiny" / "CorridorKey.safetensors"),
                          str(fixtures / "frame" / "decoded.safetensors"), str(out)], env=env, capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr
    return dict(np.load(out))


@pytest.mark.skipif(not HAS_AVX2, reason="this CPU has no AVX2")
@pytest.mark.parametrize("isa", ["avx2", "portable"])
def test_it_keys_as_the_library_variables_do(tmp_path, fixtures, isa):
    called = key(tmp_path, fixtures, isa)
    by_environment = key(tmp_path, fixtures, "-", CAPS[isa])
    for name in ("alpha", "fg"):
        assert np.array_equal(called[name], by_environment[name]), name


@pytest.mark.skipif(not HAS_AVX512, reason="needs an AVX-512 CPU, where native and avx2 differ")
def test_after_a_frame_it_refuses_naming_the_variables(fixtures):
    code = f"""
import corridorkey_native as ck
from safetensors.numpy import load_file
f = load_file({str(fixtures / "frame" / "decoded.safetensors")!r})
ck.Engine({str(fixtures / "tiny" / "CorridorKey.safetensors")!r}, device="cpu", img_size=128).process_frame(
    f["plate_srgb_u8"], f["hint_u8"])
try:
    ck.limit_cpu_isa("avx2")
except ck.UsageError as e:
    print(e)
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "already chosen AVX512" in run.stdout and "ATEN_CPU_CAPABILITY=avx2" in run.stdout, run.stdout


def test_an_unknown_name_is_a_usage_error():
    with pytest.raises(ck.UsageError, match="use native, avx2 or portable"):
        ck.limit_cpu_isa("avx512")
    ck.limit_cpu_isa("native")  # changes nothing
