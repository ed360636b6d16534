"""The package as installed: its torch version check, its documentation and stubs, and its wheel
in a fresh virtual environment."""

import ast
import glob
import os
import pathlib
import pydoc
import subprocess
import sys
import textwrap

import pytest
import torch

import corridorkey_native as ck

PACKAGE = pathlib.Path(ck.__file__).parent


def test_imported_beside_another_torch_it_fails_naming_both_versions(tmp_path):
    fake = tmp_path / "torch"
    fake.mkdir()
    (fake / "__init__.py").write_text("__version__ = '2.11.0+cu130'\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), str(PACKAGE.parent)]))
    run = subprocess.run([sys.executable, "-c", "import corridorkey_native"], env=env, capture_output=True, text=True)
    assert run.returncode == 1, (run.returncode, run.stderr)  # an exception, not a signal
    assert "ImportError" in run.stderr
    assert "2.11.0+cu130" in run.stderr and ck.TORCH_VERSION in run.stderr


def test_it_runs_on_the_torch_it_was_built_against():
    assert torch.__version__.split("+")[0] == ck.TORCH_VERSION
    text = ck.version()
    assert f"LibTorch: {ck.TORCH_VERSION}" in text
    loaded = [line for line in text.splitlines() if line.startswith("LibTorch loaded: ")]
    assert loaded and pathlib.Path(loaded[0].split(": ", 1)[1]).resolve() == (
        pathlib.Path(torch.__file__).parent / "lib" / "libtorch_cpu.so"
    ).resolve()


def test_help_is_readable():
    text = pydoc.render_doc(ck.Engine, renderer=pydoc.plaintext)
    for words in ("process_frame", "checkpoint", "screen_color", "Raises", "GIL"):
        assert words in text, words
    frame_doc = pydoc.render_doc(ck.Engine.process_frame, renderer=pydoc.plaintext)
    assert "Returns" in frame_doc and "[H, W, 4]" in frame_doc
    for name in ck.__all__:
        assert getattr(ck, name) is not None, name
        if callable(getattr(ck, name)):
            assert getattr(ck, name).__doc__, f"{name} has no docstring"


def test_stubs_cover_the_extension():
    tree = ast.parse((PACKAGE / "_native.pyi").read_text())
    stubbed = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    stubbed |= {t.target.id for t in tree.body if isinstance(t, ast.AnnAssign)}
    stubbed = {n for n in stubbed if not n.startswith("__")}
    exported = {n for n in dir(ck._native) if not n.startswith("__")} - {"errors"}
    assert exported == stubbed, (exported ^ stubbed)
    engine_stub = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Engine")
    members = {n.name for n in engine_stub.body if isinstance(n, ast.FunctionDef)} - {"__init__"}
    assert members == {n for n in dir(ck._native.Engine) if not n.startswith("_")}
    assert (PACKAGE / "py.typed").exists()


def test_wheel_installs_into_a_fresh_venv_and_keys_a_frame(tmp_path, fixtures):
    wheel_dir = os.environ.get("CORRIDORKEY_WHEEL_DIR")
    if not wheel_dir:
        pytest.skip("CORRIDORKEY_WHEEL_DIR not set (ctest sets it to the wheel scripts/setup.sh built)")
    wheels = glob.glob(os.path.join(wheel_dir, "corridorkey_native-*.whl"))
    assert len(wheels) == 1, f"expected one wheel in {wheel_dir}, found {wheels}"
    venv = tmp_path / "venv"
    # No pip of its own: the pinned set below brings the project venv's pip, setuptools, torch, numpy.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    # The pinned torch (and numpy, pip) without downloading 3 GB again: the project venv's packages,
    # linked into a folder of their own; corridorkey_native is not among them.
    pinned = tmp_path / "pinned"
    pinned.mkdir()
    torch_site = pathlib.Path(torch.__file__).parent.parent
    for entry in torch_site.iterdir():
        if not entry.name.lower().startswith(("corridorkey_native", "corridorkey-native")):
            (pinned / entry.name).symlink_to(entry)
    pathlib.Path(site, "pinned_torch.pth").write_text(str(pinned) + "\n")
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-index", "--disable-pip-version-check", wheels[0]],
        capture_output=True, text=True,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    script = textwrap.dedent(
        f"""
        import numpy as np, corridorkey_native as ck
        from safetensors.numpy import load_file
        assert ck.__file__.startswith({site!r}), ck.__file__
        frame = load_file({str(fixtures / 'frame' / 'decoded.safetensors')!r})
        ref = load_file({str(fixtures / 'expected' / 'srgb_128.safetensors')!r})
        engine = ck.Engine({str(fixtures / 'tiny' / 'CorridorKey.safetensors')!r}, device="cpu", img_size=128)
        out = engine.process_frame(frame["plate_srgb_u8"], frame["hint_u8"] / np.float32(255), despill_strength=0.5)
        for key in ("alpha", "fg", "comp", "processed"):
            assert np.abs(out[key] - ref[key]).max() <= 1e-4, key
        print("keyed", out["alpha"].shape)
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run = subprocess.run([str(python), "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "keyed (200, 300, 1)" in run.stdout
