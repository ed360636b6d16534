"""Bad input of every kind: a Python exception of the engine's domain that names the argument and
what was expected; no crash, no partial output."""

import os
import pathlib
import zipfile

import numpy as np
import pytest
import torch

import corridorkey_native as ck


@pytest.fixture(scope="module")
def engine(tiny):
    return ck.Engine(tiny / "CorridorKey.safetensors", device="cpu", img_size=64)


@pytest.fixture(scope="module")
def plate(frame):
    return frame["plate_srgb_u8"]


@pytest.mark.parametrize(
    "image, mask, words",
    [
        (lambda p, m: p[..., 0], lambda p, m: m, ["image", "[H, W, 3]", "[200, 300]"]),
        (lambda p, m: p[None, None], lambda p, m: m, ["image", "[H, W, 3]"]),
        (lambda p, m: p[..., :2], lambda p, m: m, ["image", "3 channels"]),
        (lambda p, m: p.astype(np.int32), lambda p, m: m, ["image", "int32", "uint8"]),
        (lambda p, m: p.astype(np.float16), lambda p, m: m, ["image", "float16"]),
        (lambda p, m: p.tolist(), lambda p, m: m, ["image", "numpy array or a torch tensor", "list"]),
        (lambda p, m: None, lambda p, m: m, ["image", "None"]),
        (lambda p, m: p, lambda p, m: m[None, None], ["mask_linear", "[H, W] or [H, W, 1]"]),
        (lambda p, m: p, lambda p, m: np.stack([m, m, m], -1), ["mask_linear", "[H, W] or [H, W, 1]"]),
        (lambda p, m: np.stack([p, p]), lambda p, m: np.stack([m, m, m]), ["mask_linear", "3 masks for 2 images"]),
        (lambda p, m: p.astype(np.float32) / 255, lambda p, m: np.where(m > 0.5, np.nan, m), ["mask_linear", "NaN"]),
        (lambda p, m: np.where(p > 200, np.inf, p / 255).astype(np.float32), lambda p, m: m, ["image", "infinite"]),
        (lambda p, m: p, lambda p, m: m.astype(np.int64), ["mask_linear", "int64"]),
    ],
)
def test_bad_arrays_raise_frame_error_naming_the_argument(engine, plate, hint, image, mask, words):
    with pytest.raises(ck.FrameError) as info:
        engine.process_frame(image(plate, hint), mask(plate, hint))
    for word in words:
        assert word in str(info.value), (word, str(info.value))
    assert isinstance(info.value, ValueError) and isinstance(info.value, ck.CorridorKeyError)


def test_a_mask_of_another_size_is_resized_to_the_image(engine, plate, hint):
    small = np.ascontiguousarray(hint[::2, ::2])
    out = engine.process_frame(plate, small)
    assert out["alpha"].shape == (200, 300, 1)


def test_devices_that_do_not_exist(tiny):
    for device in ("tpu", "cuda:7" if torch.cuda.is_available() else "cuda"):
        with pytest.raises(ck.UsageError) as info:
            ck.Engine(tiny / "CorridorKey.safetensors", device=device, img_size=64)
        assert device in str(info.value)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"img_size": 100}, ["img_size=100", "multiple of 32"]),
        ({"precision": "float8"}, ["float8"]),
        ({"screen_color": "magenta"}, ["magenta"]),
        ({"threads": 0}, ["threads=0"]),
    ],
)
def test_bad_settings_raise_usage_error(tiny, kwargs, words):
    with pytest.raises(ck.UsageError) as info:
        ck.Engine(tiny / "CorridorKey.safetensors", **{"device": "cpu", "img_size": 64, **kwargs})
    for word in words:
        assert word in str(info.value)


def test_missing_damaged_and_hostile_checkpoints(tmp_path):
    with pytest.raises(ck.CheckpointError, match="does not exist"):
        ck.Engine(tmp_path / "nope.safetensors", device="cpu")
    damaged = tmp_path / "damaged.safetensors"
    damaged.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all")
    with pytest.raises(ck.CheckpointError) as info:
        ck.Engine(damaged, device="cpu")
    assert "damaged.safetensors" in str(info.value)
    # A .pth whose pickle would run a shell command: refused, and the command never runs.
    marker = tmp_path / "pwned"
    payload = (
        b"\x80\x02cposix\nsystem\nq\x00X" + len(f"touch {marker}").to_bytes(4, "little") + f"touch {marker}".encode()
        + b"q\x01\x85q\x02Rq\x03."
    )
    hostile = tmp_path / "hostile.pth"
    with zipfile.ZipFile(hostile, "w") as z:
        z.writestr("hostile/data.pkl", payload)
        z.writestr("hostile/version", "3\n")
    with pytest.raises(ck.CheckpointError) as info:
        ck.Engine(hostile, device="cpu")
    assert "system" in str(info.value)
    assert not marker.exists()
    truncated = tmp_path / "truncated.safetensors"
    truncated.write_bytes(b"\x00" * 3)
    with pytest.raises(ck.CheckpointError):
        ck.inspect_checkpoint(truncated)


def test_offline_with_no_checkpoint_raises_hub_error(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    monkeypatch.setenv("CORRIDORKEY_CHECKPOINT_DIR", str(tmp_path / "empty"))
    with pytest.raises(ck.HubError) as info:
        ck.Engine(device="cpu", img_size=64)
    assert "HF_HUB_OFFLINE=1" in str(info.value) and str(tmp_path / "empty") in str(info.value)
    with pytest.raises(ck.HubError):
        ck.ensure_checkpoint("blue")
    with pytest.raises(ck.HubError, match="no green-screen checkpoint"):
        ck.ensure_checkpoint(checkpoint_dir=tmp_path / "empty2", allow_download=False)


def test_errors_are_one_family():
    for cls in (ck.CheckpointError, ck.HubError, ck.FrameError, ck.ModelError, ck.IoError, ck.UsageError):
        assert issubclass(cls, ck.CorridorKeyError)
    assert issubclass(ck.IoError, OSError) and issubclass(ck.UsageError, ValueError)
