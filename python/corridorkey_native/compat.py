"""The reference engine's interface over the native engine: a one-import switch.

Code written against the reference (``CorridorKeyModule.inference_engine.CorridorKeyEngine``)
switches by changing its import::

    # from CorridorKeyModule.inference_engine import CorridorKeyEngine
    from corridorkey_native.compat import CorridorKeyEngine

    engine = CorridorKeyEngine("CorridorKey.pth", device="cuda", img_size=2048)
    result = engine.process_frame(image, mask_linear)   # numpy in, dict of numpy arrays out

The constructor and ``process_frame`` take the reference's arguments and return what it returns
(numpy arrays; a dict for one frame, a list of dicts for a batch of several). Checkpoints load by
the reference's ``_load_model`` rules, through the engine's safe readers: ``state_dict`` taken
from the file when it has one, ``_orig_mod.`` stripped, ``pos_embed`` resized bicubically to
``img_size``. Where the engines differ:

- no ``torch.compile``: the native engine needs none;
- ``mixed_precision`` runs the network in float16 on CUDA; on the CPU it has no effect (the
  reference's CPU autocast to float16 is slower than float32 there);
- ``post_process_on_gpu`` is accepted: post-processing runs where the network ran;
- missing weights are an error (CheckpointError/ModelError), not a warning that leaves random
  weights in the network.
"""

from __future__ import annotations

import os
from typing import Union

import numpy as np
import torch

from . import Engine

__all__ = ["CorridorKeyEngine"]

_PRECISIONS = {torch.float32: "float32", torch.float16: "float16", torch.bfloat16: "bfloat16"}


class CorridorKeyEngine:
    """The reference's ``CorridorKeyEngine``, on the native engine."""

    def __init__(
        self,
        checkpoint_path: str,
        device: str = "cpu",
        img_size: int = 2048,
        use_refiner: bool = True,
        mixed_precision: bool = True,
        model_precision: torch.dtype = torch.float32,
    ) -> None:
        if model_precision not in _PRECISIONS:
            raise ValueError(f"model_precision={model_precision}: use torch.float32, torch.float16 or torch.bfloat16")
        if not os.path.isfile(checkpoint_path):
            raise FileNotFoundError(f"Checkpoint not found: {checkpoint_path}")
        self.device = torch.device(device)
        self.img_size = img_size
        self.checkpoint_path = checkpoint_path
        self.use_refiner = use_refiner
        self.model_precision = model_precision
        self.mixed_precision = mixed_precision and model_precision != torch.float16
        precision = _PRECISIONS[model_precision]
        if self.mixed_precision and model_precision == torch.float32 and self.device.type == "cuda":
            precision = "float16"
        self._engine = Engine(
            checkpoint_path,
            screen_color="blue" if "blue" in os.path.basename(checkpoint_path).lower() else "green",
            device=str(self.device),
            img_size=img_size,
            precision=precision,
            use_refiner=use_refiner,
        )

    def process_frame(
        self,
        image: np.ndarray,
        mask_linear: np.ndarray,
        refiner_scale: float = 1.0,
        input_is_linear: bool = False,
        fg_is_straight: bool = True,
        despill_strength: float = 1.0,
        auto_despeckle: bool = True,
        despeckle_size: int = 400,
        generate_comp: bool = True,
        post_process_on_gpu: bool = True,
    ) -> Union[dict, list]:
        """Keys a frame [H, W, 3] or a batch [B, H, W, 3] (0-1 float or 0-255 uint8) with its
        mask [H, W], [H, W, 1] (or with B) in 0-1. Returns ``{'alpha', 'fg', 'comp', 'processed'}``
        as numpy float32 arrays, a list of them for a batch of more than one frame (``comp`` is
        None without ``generate_comp``)."""
        del post_process_on_gpu  # post-processing runs where the network ran
        image = np.asarray(image)
        mask_linear = np.asarray(mask_linear)
        batch = image.ndim == 4
        out = self._engine.process_frame(
            image,
            mask_linear,
            input_is_linear=input_is_linear,
            fg_is_straight=fg_is_straight,
            despill_strength=despill_strength,
            auto_despeckle=auto_despeckle,
            despeckle_size=despeckle_size,
            refiner_scale=refiner_scale,
            generate_comp=generate_comp,
        )
        if batch and len(out) == 1:
            return out[0]  # the reference returns a dict whenever the batch holds one frame
        return out
