"""The Engine through Python: parity with the reference's outputs, the output contract, batches,
torch tensors in and out without copies, threads."""

import threading
import time

import numpy as np
import pytest
import torch

import corridorkey_native as ck
from conftest import assert_matches


@pytest.fixture(scope="module")
def engine128(tiny):
    return ck.Engine(tiny / "CorridorKey.safetensors", device="cpu", img_size=128, precision="float32")


def test_float32_parity_from_numpy(engine128, frame, hint, expected):
    out = engine128.process_frame(frame["plate_srgb_u8"], hint, despill_strength=0.5)
    assert_matches(out, expected["srgb_128"])
    lin = engine128.process_frame(frame["plate_linear_f32"], hint, input_is_linear=True, despill_strength=0.5)
    assert_matches(lin, expected["linear_128"])


def test_float32_parity_from_torch_and_pth(tiny, frame, hint, expected):
    engine = ck.Engine(tiny / "CorridorKey.pth", device="cpu", img_size=256)
    plate = torch.from_numpy(frame["plate_srgb_u8"])
    out = engine.process_frame(
        plate, torch.from_numpy(hint), despill_strength=1.0, auto_despeckle=False, refiner_scale=0.5
    )
    assert all(isinstance(out[k], torch.Tensor) for k in ("alpha", "fg", "comp", "processed"))
    assert out["alpha"].device == plate.device
    assert_matches(out, expected["variant_256"])


def test_output_contract(engine128, frame, hint):
    h, w = hint.shape
    out = engine128.process_frame(frame["plate_srgb_u8"], hint)
    assert set(out) == {"alpha", "fg", "comp", "processed"}
    for key, channels in (("alpha", 1), ("fg", 3), ("comp", 3), ("processed", 4)):
        assert isinstance(out[key], np.ndarray)
        assert out[key].shape == (h, w, channels) and out[key].dtype == np.float32, key
    assert 0.0 <= out["alpha"].min() and out["alpha"].max() <= 1.0
    assert np.array_equal(out["processed"][..., 3:], out["processed"][..., 3:].clip(0, 1))
    none = engine128.process_frame(frame["plate_srgb_u8"], hint, generate_comp=False)
    assert none["comp"] is None
    np.testing.assert_array_equal(none["alpha"], out["alpha"])
    # [H, W, 1] masks and 16-bit images are read as the reference reads them.
    same = engine128.process_frame(frame["plate_srgb_u8"], hint[..., None])
    np.testing.assert_array_equal(same["alpha"], out["alpha"])
    u16 = engine128.process_frame(frame["plate_srgb_u8"].astype(np.uint16) * 257, hint)
    assert np.abs(u16["alpha"] - out["alpha"]).max() < 1e-5


def test_batch_equals_its_frames(engine128, frame, hint):
    plate = frame["plate_srgb_u8"]
    flipped = np.ascontiguousarray(plate[::-1])
    batch = np.stack([plate, flipped])
    masks = np.stack([hint, np.ascontiguousarray(hint[::-1])])
    outs = engine128.process_frame(batch, masks)
    assert isinstance(outs, list) and len(outs) == 2
    for i, (p, m) in enumerate(((plate, hint), (flipped, masks[1]))):
        one = engine128.process_frame(p, m)
        for key in one:
            np.testing.assert_array_equal(outs[i][key], one[key], err_msg=f"frame {i} {key}")
    single = engine128.process_frame(batch[:1], masks[:1])
    assert isinstance(single, list) and len(single) == 1  # a batch stays a list (compat returns a dict)


def test_fg_is_straight_false_composites_premultiplied(engine128, frame, hint):
    straight = engine128.process_frame(frame["plate_srgb_u8"], hint)
    premul = engine128.process_frame(frame["plate_srgb_u8"], hint, fg_is_straight=False)

    def lin(x):
        return np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4)

    a = straight["processed"][..., 3:]
    inside = ((a > 0.05) & (a < 0.95))[..., 0]
    assert inside.sum() > 100
    fg_lin = straight["processed"][..., :3] / np.maximum(a, 1e-6)
    # premultiplied over: fg + bg (1 - a) = straight over + fg (1 - a)
    gap = lin(premul["comp"].astype(np.float64)) - lin(straight["comp"].astype(np.float64))
    want = fg_lin * (1 - a)
    assert np.abs(gap[inside] - want[inside]).max() < 2e-3
    np.testing.assert_array_equal(premul["processed"], straight["processed"])


def test_torch_input_is_read_in_place(engine128, frame, hint):
    plate = torch.from_numpy(frame["plate_srgb_u8"])
    # The engine's view of a torch tensor (and of a strided crop of one) is the caller's memory; the
    # pipeline then reads a contiguous frame in place (a strided crop it packs once, as for C++).
    assert ck._native.input_address(plate, "image") == plate.data_ptr()
    big = torch.zeros(400, 500, 3, dtype=torch.uint8)
    crop = big[50:250, 100:400]
    crop.copy_(plate)
    assert not crop.is_contiguous()
    assert ck._native.input_address(crop, "image") == crop.data_ptr()
    before = ck._native.input_copies()
    a = engine128.process_frame(crop, torch.from_numpy(hint))
    b = engine128.process_frame(plate, torch.from_numpy(hint))
    assert ck._native.input_copies() == before
    torch.testing.assert_close(a["alpha"], b["alpha"], rtol=0, atol=0)
    # Outputs are the engine's own tensors, handed over without a copy: writable, owned by Python.
    a["alpha"].add_(0)
    # A negative-stride numpy view is the one layout that must be copied; it is counted.
    flipped = frame["plate_srgb_u8"][:, ::-1]
    out = engine128.process_frame(flipped, np.ascontiguousarray(hint[:, ::-1]))
    assert ck._native.input_copies() == before + 1
    ref = engine128.process_frame(np.ascontiguousarray(flipped), np.ascontiguousarray(hint[:, ::-1]))
    np.testing.assert_array_equal(out["alpha"], ref["alpha"])


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_tensors_in_and_out_without_copies(tiny, frame, hint, expected):
    engine = ck.Engine(tiny / "CorridorKey.safetensors", device="cuda", img_size=128, precision="float32")
    plate = torch.from_numpy(frame["plate_srgb_u8"]).cuda()
    mask = torch.from_numpy(hint).cuda()
    assert ck._native.input_address(plate, "image") == plate.data_ptr()
    out = engine.process_frame(plate, mask, despill_strength=0.5)
    assert out["alpha"].is_cuda
    torch.testing.assert_close(out["alpha"].cpu(), torch.from_numpy(expected["srgb_128"]["alpha"]), atol=1e-3, rtol=0)


def test_two_engines_in_two_threads_overlap(tiny, frame, hint):
    engines = [ck.Engine(tiny / "CorridorKey.safetensors", device="cpu", img_size=256, threads=1) for _ in range(2)]
    plate = frame["plate_srgb_u8"]
    serial = [e.process_frame(plate, hint)["alpha"] for e in engines]
    spans, results, errors = {}, {}, []

    def run(i):
        try:
            t0 = time.perf_counter()
            results[i] = [engines[i].process_frame(plate, hint)["alpha"] for _ in range(3)]
            spans[i] = (t0, time.perf_counter())
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    ticks = []
    stop = threading.Event()

    def ticker():  # pure Python: runs only while the GIL is free
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    tick = threading.Thread(target=ticker)
    tick.start()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    tick.join()
    assert not errors, errors
    (a0, a1), (b0, b1) = spans[0], spans[1]
    assert a0 < b1 and b0 < a1, f"the two calls did not overlap: {spans}"
    during = [t for t in ticks if max(a0, b0) < t < min(a1, b1)]
    assert len(during) >= 5, f"Python ran only {len(during)} times while frames ran: the GIL was held"
    for i in range(2):
        for alpha in results[i]:
            np.testing.assert_array_equal(alpha, serial[i])


def test_properties_and_repr(engine128, tiny):
    assert engine128.device == "cpu" and engine128.img_size == 128 and engine128.precision == "float32"
    assert engine128.screen_color == "green" and engine128.has_refiner
    assert engine128.checkpoint == str(tiny / "CorridorKey.safetensors")
    assert "img_size=128" in repr(engine128)


def test_ctrl_c_raises_keyboard_interrupt_after_the_frame_in_flight(tiny, frame, hint):
    import os
    import signal

    engine = ck.Engine(tiny / "CorridorKey.safetensors", device="cpu", img_size=256)
    plate = frame["plate_srgb_u8"]
    engine.process_frame(plate, hint)
    t0 = time.perf_counter()
    engine.process_frame(plate, hint)
    one = time.perf_counter() - t0
    frames = 8
    batch, masks = np.stack([plate] * frames), np.stack([hint] * frames)
    timer = threading.Timer(one * 1.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    t0 = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        engine.process_frame(batch, masks)
    took = time.perf_counter() - t0
    timer.join()
    assert took < one * (frames - 2), f"the batch ran on after Ctrl-C: {took:.2f} s, {one:.2f} s a frame"
    # The engine is fine afterwards.
    assert engine.process_frame(plate, hint)["alpha"].shape == (200, 300, 1)
