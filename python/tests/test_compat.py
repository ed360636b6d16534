"""corridorkey_native.compat.CorridorKeyEngine: the reference's constructor and process_frame,
loading the checkpoint files the reference's _load_model loads, with the same weights."""

import numpy as np
import pytest
import torch

from corridorkey_native.compat import CorridorKeyEngine
from conftest import assert_matches


def test_reference_call_matches_the_reference_outputs(tiny, frame, hint, expected):
    engine = CorridorKeyEngine(str(tiny / "CorridorKey.pth"), device="cpu", img_size=128, mixed_precision=False)
    out = engine.process_frame(frame["plate_srgb_u8"], hint, despill_strength=0.5, post_process_on_gpu=False)
    assert isinstance(out, dict)
    assert_matches(out, expected["srgb_128"])
    # A batch of one is a dict, as in the reference; of two, a list.
    one = engine.process_frame(frame["plate_srgb_u8"][None], hint[None], despill_strength=0.5)
    assert isinstance(one, dict)
    two = engine.process_frame(np.stack([frame["plate_srgb_u8"]] * 2), np.stack([hint] * 2)[..., None])
    assert isinstance(two, list) and len(two) == 2
    none = engine.process_frame(frame["plate_srgb_u8"], hint, generate_comp=False)
    assert none["comp"] is None


def test_reference_checkpoint_rules(tiny, tmp_path, frame, hint):
    """What the reference's _load_model does with a .pth: checkpoint.get("state_dict", checkpoint),
    "_orig_mod." stripped, pos_embed resized to img_size. Files built here by torch.save."""
    ck = torch.load(tiny / "CorridorKey.pth", weights_only=True)
    sd = ck["state_dict"]
    plain = {k.removeprefix("_orig_mod."): v for k, v in sd.items()}
    variants = {
        "bare.pth": plain,  # a bare state dict
        "compiled.pth": {"_orig_mod." + k: v for k, v in plain.items()},  # torch.compile'd, no wrapper
        "beside.pth": {"state_dict": sd, "step": torch.tensor(3), "ema_scale": torch.ones(2)},  # tensors beside it
    }
    ref = CorridorKeyEngine(str(tiny / "CorridorKey.pth"), img_size=96, mixed_precision=False)
    want = ref.process_frame(frame["plate_srgb_u8"], hint)
    for name, obj in variants.items():
        torch.save(obj, tmp_path / name)
        got = CorridorKeyEngine(str(tmp_path / name), img_size=96, mixed_precision=False).process_frame(
            frame["plate_srgb_u8"], hint
        )
        for key in want:
            np.testing.assert_array_equal(got[key], want[key], err_msg=f"{name}: {key}")
    legacy = tmp_path / "legacy.pth"
    torch.save(ck, legacy, _use_new_zipfile_serialization=False)
    got = CorridorKeyEngine(str(legacy), img_size=96, mixed_precision=False).process_frame(frame["plate_srgb_u8"], hint)
    np.testing.assert_array_equal(got["alpha"], want["alpha"])


def test_use_refiner_false_runs_the_coarse_network(tiny, frame, hint):
    with_refiner = CorridorKeyEngine(str(tiny / "CorridorKey.safetensors"), img_size=128, mixed_precision=False)
    without = CorridorKeyEngine(str(tiny / "CorridorKey.safetensors"), img_size=128, use_refiner=False)
    assert without._engine.has_refiner is False
    a = with_refiner.process_frame(frame["plate_srgb_u8"], hint)["alpha"]
    b = without.process_frame(frame["plate_srgb_u8"], hint)["alpha"]
    assert a.shape == b.shape and np.abs(a - b).max() > 1e-3


def test_missing_checkpoint_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="Checkpoint not found"):
        CorridorKeyEngine(str(tmp_path / "CorridorKey.pth"))


def test_reference_precisions(tiny):
    half = CorridorKeyEngine(str(tiny / "CorridorKey.safetensors"), img_size=64, model_precision=torch.bfloat16)
    assert half._engine.precision == "bfloat16"
    mixed_cpu = CorridorKeyEngine(str(tiny / "CorridorKey.safetensors"), img_size=64, mixed_precision=True)
    assert mixed_cpu._engine.precision == "float32"  # autocast to float16 has no use on the CPU
    with pytest.raises(ValueError, match="model_precision"):
        CorridorKeyEngine(str(tiny / "CorridorKey.safetensors"), model_precision=torch.int8)
