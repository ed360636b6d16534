"""Shared fixtures of the corridorkey_native tests: the reference's golden outputs and the tiny
random-weight checkpoints (../shared/fixtures, or $CORRIDORKEY_FIXTURES)."""

import os
import pathlib

import numpy as np
import pytest
from safetensors.numpy import load_file

ROOT = pathlib.Path(__file__).resolve().parents[2]


def fixtures_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("CORRIDORKEY_FIXTURES", ROOT.parent / "shared" / "fixtures"))


@pytest.fixture(scope="session")
def fixtures() -> pathlib.Path:
    d = fixtures_dir()
    assert (d / "expected").is_dir(), f"reference fixtures not found at {d} (set CORRIDORKEY_FIXTURES)"
    return d


@pytest.fixture(scope="session")
def frame(fixtures):
    """The 300x200 synthetic green-screen frame, decoded (RGB)."""
    return load_file(str(fixtures / "frame" / "decoded.safetensors"))


@pytest.fixture(scope="session")
def expected(fixtures):
    return {name: load_file(str(fixtures / "expected" / f"{name}.safetensors")) for name in ("srgb_128", "linear_128", "variant_256")}


@pytest.fixture(scope="session")
def tiny(fixtures):
    return fixtures / "tiny"


@pytest.fixture(scope="session")
def hint(frame):
    return frame["hint_u8"].astype(np.float32) / 255.0


def assert_matches(out: dict, ref: dict, tol: float = 1e-4) -> None:
    for key in ("alpha", "fg", "comp", "processed"):
        got = out[key]
        got = got.cpu().numpy() if hasattr(got, "cpu") else got
        assert got.shape == ref[key].shape, (key, got.shape, ref[key].shape)
        diff = float(np.abs(got - ref[key]).max())
        assert diff <= tol, f"{key}: max |diff| {diff} > {tol}"
