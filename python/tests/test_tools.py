"""The package's functions beside the Engine: the coarse alpha, the screen colour, checkpoints."""

import numpy as np
import pytest
import torch
from safetensors.numpy import load_file

import corridorkey_native as ck


def test_generate_alpha_finds_the_subject(frame, hint):
    alpha = ck.generate_alpha(frame["plate_srgb_u8"])
    assert isinstance(alpha, np.ndarray) and alpha.shape == hint.shape and alpha.dtype == np.float32
    assert alpha.min() >= 0 and alpha.max() <= 1
    truth = hint > 0.5
    assert alpha[truth].mean() > 0.8 and alpha[~truth].mean() < 0.2
    as_torch = ck.generate_alpha(torch.from_numpy(frame["plate_srgb_u8"]), "green")
    assert isinstance(as_torch, torch.Tensor)
    np.testing.assert_array_equal(as_torch.numpy(), alpha)


def test_detect_screen_color(frame, hint):
    green = frame["plate_srgb_u8"]
    blue = np.ascontiguousarray(green[..., [0, 2, 1]])  # G and B exchanged: a blue screen
    assert ck.detect_screen_color(green) == "green"
    assert ck.detect_screen_color([blue, blue], [hint, hint]) == "blue"
    details = ck.detect_screen_color([green, blue], details=True)
    assert details["mixed"] and details["verdicts"] == ["green", "blue"]
    with pytest.raises(ck.FrameError, match="both green and blue"):
        ck.detect_screen_color([green, blue])
    assert ck.generate_alpha(blue, "auto").shape == hint.shape


def test_inspect_names_the_format_as_it_is(tiny, tmp_path):
    st = ck.inspect_checkpoint(tiny / "CorridorKey.safetensors")
    assert st["format"] == "safetensors" and st["is_corridorkey"] and st["tensors"] == 151
    zip_pth = ck.inspect_checkpoint(tiny / "CorridorKey.pth")
    assert zip_pth["format"] == "pth (torch.save zip)"
    legacy = tmp_path / "legacy.pth"
    torch.save(torch.load(tiny / "CorridorKey.pth", weights_only=True), legacy, _use_new_zipfile_serialization=False)
    assert ck.inspect_checkpoint(legacy)["format"] == "pth (torch.save legacy, pre-1.6)"


def test_convert_checkpoint_keeps_every_bit(tiny, tmp_path):
    out = tmp_path / "converted.safetensors"
    done = ck.convert_checkpoint(tiny / "CorridorKey.pth", out)
    assert done["tensors"] == 151 and "_orig_mod." in done["normalisation"]
    got, want = load_file(str(out)), load_file(str(tiny / "CorridorKey.safetensors"))
    assert got.keys() == want.keys()
    for name in want:
        np.testing.assert_array_equal(got[name], want[name], err_msg=name)
    half = tmp_path / "half.safetensors"
    ck.convert_checkpoint(tiny / "CorridorKey.safetensors", half, dtype="float16")
    assert load_file(str(half))["encoder.model.pos_embed"].dtype == np.float16
    with pytest.raises(ck.UsageError, match="safetensors"):
        ck.convert_checkpoint(tiny / "CorridorKey.pth", tmp_path / "x.pth")
    with pytest.raises(ck.UsageError, match="dtype"):
        ck.convert_checkpoint(tiny / "CorridorKey.pth", out, dtype="int8")


def test_ensure_checkpoint_finds_the_one_in_the_folder(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    (tmp_path / "CorridorKey.safetensors").write_bytes((tiny / "CorridorKey.safetensors").read_bytes())
    assert ck.ensure_checkpoint(checkpoint_dir=tmp_path) == str(tmp_path / "CorridorKey.safetensors")
    engine = ck.Engine(checkpoint_dir=tmp_path, device="cpu", img_size=64)
    assert engine.checkpoint == str(tmp_path / "CorridorKey.safetensors")
