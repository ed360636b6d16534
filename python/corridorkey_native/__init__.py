"""CorridorKey native engine: the neural green-screen keyer's C++ engine, from Python.

Give it a green- or blue-screen plate and a coarse alpha hint; get back a clean linear alpha and
the un-mixed straight foreground colour::

    import corridorkey_native as ck

    engine = ck.Engine("checkpoints/CorridorKey.safetensors", img_size=1024)
    out = engine.process_frame(image, hint)      # numpy [H, W, 3] uint8, [H, W] float32
    out["alpha"], out["fg"], out["comp"], out["processed"]

Arrays go in and out without copies: numpy in gives numpy out; torch tensors (CPU or CUDA) give
torch tensors on the same device. The GIL is released while frames run. For code written against
the reference engine, ``corridorkey_native.compat.CorridorKeyEngine`` has its constructor and
``process_frame``.

The package uses the LibTorch of the ``torch`` it is installed beside, and must be that exact
torch version: it is imported first and checked.
"""

from __future__ import annotations

import json as _json
import os as _os
from typing import TYPE_CHECKING, Any, Optional, Sequence, Union

import torch as _torch  # loads the LibTorch the extension links against, before the extension

from . import _build_info
from . import errors as _errors
from .errors import (
    CheckpointError,
    CorridorKeyError,
    FrameError,
    HubError,
    IoError,
    ModelError,
    UsageError,
)

_torch_base = _torch.__version__.split("+")[0]
if _torch_base != _build_info.TORCH_VERSION:
    raise ImportError(
        f"corridorkey_native {_build_info.VERSION} was built against torch {_build_info.TORCH_VERSION}, "
        f"but this Python imports torch {_torch.__version__} ({_os.path.dirname(_torch.__file__)}). "
        f"Install torch=={_build_info.TORCH_VERSION}, or rebuild corridorkey_native against this torch "
        f"(pip install --no-build-isolation .)."
    )

from . import _native  # noqa: E402  (after the version check: a mismatched LibTorch must not load)

if TYPE_CHECKING:  # pragma: no cover
    import numpy

    Array = Union["numpy.ndarray", _torch.Tensor]
else:
    Array = Any

__version__: str = _build_info.VERSION
TORCH_VERSION: str = _build_info.TORCH_VERSION
CUDA_BUILD: bool = bool(_build_info.CUDA_BUILD)

__all__ = [
    "Engine",
    "generate_alpha",
    "detect_screen_color",
    "inspect_checkpoint",
    "convert_checkpoint",
    "ensure_checkpoint",
    "set_log_level",
    "limit_cpu_isa",
    "version",
    "__version__",
    *_errors.__all__,
]

_native.set_log_level(_os.environ.get("CORRIDORKEY_LOG_LEVEL", "warn"))


def set_log_level(level: str) -> None:
    """Sets how much the engine logs to stderr: trace, debug, info, warn (the default), error or off.

    The environment variable CORRIDORKEY_LOG_LEVEL sets it at import. ``info`` shows what a user
    should know (the model loaded, a first-run download's progress); ``debug`` the rest.
    """
    _native.set_log_level(level)


def limit_cpu_isa(isa: str) -> None:
    """Caps the CPU instruction sets the network uses, for the same float32 bits on other CPUs.

    ``"native"`` (the default; nothing changes), ``"avx2"`` (AVX2 and AVX-512 machines of one vendor
    agree, at about native speed) or ``"portable"`` (Intel and AMD agree too, about half speed), as
    ``clip_manager --cpu-isa``. Process-wide; call it before the first Engine runs a frame. Raises
    UsageError for another name, on a CPU without AVX2, or when LibTorch has already chosen its
    kernels (then set the variables it names before starting Python).
    """
    _native.limit_cpu_isa(isa)


def version() -> str:
    """The engine's version, the LibTorch it was built against and loaded, CUDA and the visible GPU."""
    return _native.version_text()


class Engine:
    """One loaded CorridorKey network and the frame pipeline around it.

    Args:
        checkpoint: a ``.safetensors`` or ``.pth`` file (read by the engine's own safe readers: a
            hostile pickle is refused, never run). ``None`` finds one as ``clip_manager`` does: the
            checkpoint of ``screen_color`` in ``checkpoint_dir`` (default
            ``$CORRIDORKEY_CHECKPOINT_DIR``, else the project's ``checkpoints/``), then the Hugging
            Face cache, then a first-run download from the Hub (``HF_ENDPOINT``, ``HF_TOKEN``,
            ``HF_HUB_OFFLINE=1`` forbids it and raises HubError).
        screen_color: ``"green"`` or ``"blue"``: which checkpoint to find and which channel the
            despill limits.
        device: ``"auto"`` (CUDA when a GPU is visible), ``"cpu"``, ``"cuda"`` or ``"cuda:N"``.
        img_size: the network's resolution, a multiple of 32 (2048 is the training size).
        precision: ``"float32"``, ``"float16"`` or ``"bfloat16"``; ``None``: float32 on the CPU,
            float16 on CUDA.
        threads: CPU threads for the network. LibTorch's thread pool is one per process, so this
            sets it for every engine; ``None`` leaves it as it is (all cores by default).
        use_refiner: ``False`` runs without the refiner (the coarse decoder output), as the
            reference's ``use_refiner=False``.
        checkpoint_dir: where ``checkpoint=None`` looks and downloads to.

    Raises:
        CheckpointError: the file is missing, damaged, hostile or not a CorridorKey checkpoint.
        HubError: no checkpoint found and none could be downloaded (offline, network, disk).
        ModelError: the weights do not fit the network, or the device ran out of memory.
        UsageError: a bad device, precision, screen colour, img_size or thread count.

    One engine runs one frame at a time (calls from several threads take turns); engines in
    several threads run side by side, since the GIL is released while frames run.
    """

    def __init__(
        self,
        checkpoint: Optional[Union[str, _os.PathLike]] = None,
        *,
        screen_color: str = "green",
        device: str = "auto",
        img_size: int = 2048,
        precision: Optional[str] = None,
        threads: Optional[int] = None,
        use_refiner: bool = True,
        checkpoint_dir: Optional[Union[str, _os.PathLike]] = None,
    ) -> None:
        if checkpoint is not None:
            checkpoint = _os.fspath(checkpoint)
            if not _os.path.exists(checkpoint):
                raise CheckpointError(
                    f"checkpoint '{checkpoint}' does not exist; pass the path of a .safetensors or .pth file, "
                    "or checkpoint=None to find or download the official one"
                )
        self._engine = _native.Engine(
            checkpoint,
            screen_color,
            device,
            int(img_size),
            precision,
            threads,
            bool(use_refiner),
            None if checkpoint_dir is None else _os.fspath(checkpoint_dir),
        )

    @property
    def checkpoint(self) -> str:
        """The checkpoint file the network was loaded from."""
        return self._engine.checkpoint

    @property
    def device(self) -> str:
        """Where the network runs: ``"cpu"`` or ``"cuda:N"``."""
        return self._engine.device

    @property
    def img_size(self) -> int:
        """The network's resolution."""
        return self._engine.img_size

    @property
    def precision(self) -> str:
        """``"float32"``, ``"float16"`` or ``"bfloat16"``."""
        return self._engine.precision

    @property
    def screen_color(self) -> str:
        """``"green"`` or ``"blue"``."""
        return self._engine.screen_color

    @property
    def has_refiner(self) -> bool:
        """Whether the refiner runs."""
        return self._engine.has_refiner

    def __repr__(self) -> str:
        return (
            f"Engine(checkpoint={self.checkpoint!r}, screen_color={self.screen_color!r}, device={self.device!r}, "
            f"img_size={self.img_size}, precision={self.precision!r})"
        )

    def process_frame(
        self,
        image: Array,
        mask_linear: Array,
        *,
        input_is_linear: bool = False,
        fg_is_straight: bool = True,
        despill_strength: float = 1.0,
        auto_despeckle: bool = True,
        despeckle_size: int = 400,
        refiner_scale: float = 1.0,
        generate_comp: bool = True,
    ) -> Union[dict, list]:
        """Keys one frame, or a batch of frames, as the reference engine's ``process_frame``.

        Args:
            image: ``[H, W, 3]`` or a batch ``[B, H, W, 3]``, RGB, uint8 (0-255), uint16 (0-65535) or
                float32 (0-1); sRGB unless ``input_is_linear``. A fourth channel is ignored. A numpy
                array or a torch tensor (CPU or CUDA); any strides (negative ones cost a copy).
            mask_linear: the coarse alpha hint, ``[H, W]`` or ``[H, W, 1]`` (``[B, H, W]`` or
                ``[B, H, W, 1]`` with a batch), same types, linear 0-1. A mask of another size than
                the image is resized to it (bilinear), as the reference's resize to the network's
                size amounts to.
            input_is_linear: the plate is linear light (EXR): resized in linear, then to sRGB.
            fg_is_straight: composite ``fg`` as straight colour (False: as premultiplied).
            despill_strength: 0 to 1, on the screen colour's channel.
            auto_despeckle: remove islands smaller than ``despeckle_size`` pixels from the matte.
            despeckle_size: the smallest island kept, in pixels.
            refiner_scale: multiplies the refiner's corrections (0 leaves them out).
            generate_comp: also make ``comp``; ``False`` gives ``comp: None``.

        Returns:
            A dict of float32 arrays at the image's size (a list of dicts for a batch):
            ``alpha`` [H, W, 1] linear raw matte; ``fg`` [H, W, 3] sRGB straight foreground;
            ``comp`` [H, W, 3] sRGB preview over a grey checkerboard; ``processed`` [H, W, 4] linear
            premultiplied RGBA (despilled fg, despeckled alpha). numpy in gives numpy out; a torch
            tensor in gives torch tensors on its device.

        Raises:
            FrameError: a wrong rank, element type, channel count or device; masks that do not
                match the images; NaN or infinite values. Nothing is keyed then.
            ModelError: the device ran out of memory (the message says what to change).
            KeyboardInterrupt: Ctrl-C, once the frame in flight is done.
        """
        return self._engine.process_frame(
            image,
            mask_linear,
            bool(input_is_linear),
            bool(fg_is_straight),
            float(despill_strength),
            bool(auto_despeckle),
            int(despeckle_size),
            float(refiner_scale),
            bool(generate_comp),
        )


def generate_alpha(image: Array, screen_color: str = "auto", *, input_is_linear: bool = False) -> Array:
    """The built-in coarse alpha hint of one plate, for frames that come without one.

    A chroma key on the screen colour, made coarse on purpose like the hints the network was
    trained with (``clip_manager --action generate_alphas`` makes the same).

    Args:
        image: ``[H, W, 3]`` RGB, uint8, uint16 or float32, numpy or torch.
        screen_color: ``"green"``, ``"blue"`` or ``"auto"`` (decided from the image).
        input_is_linear: the plate is linear light.

    Returns:
        ``[H, W]`` float32 in 0 (screen) to 1 (foreground), numpy or torch as the input.
    """
    return _native.generate_alpha(image, screen_color, bool(input_is_linear))["alpha"]


def detect_screen_color(
    images: Union[Array, Sequence[Array]],
    masks: Optional[Sequence[Array]] = None,
    *,
    input_is_linear: bool = False,
    details: bool = False,
) -> Union[str, dict]:
    """The screen colour of a clip, ``"green"`` or ``"blue"``, from a few of its frames.

    The rules of ``clip_manager --screen-color auto``: each frame's background (where its mask is
    below 0.3, or the whole frame) is judged green, blue or undecided, and the frames decide
    together. Undecided everywhere gives ``"green"``.

    Args:
        images: one ``[H, W, 3]`` image or a sequence of them.
        masks: their coarse hints (optional, one per image).
        input_is_linear: the plates are linear light.
        details: return a dict (``color``, ``ambiguous``, ``mixed``, ``verdicts``, ``evidence``)
            instead of the colour alone.

    Raises:
        FrameError: ``mixed``: some frames are green, some blue (unless ``details``).
    """
    if not isinstance(images, (list, tuple)):
        images = [images]
    decision = _native.detect_screen_color(list(images), None if masks is None else list(masks), bool(input_is_linear))
    if details:
        return decision
    if decision["mixed"]:
        raise FrameError(f"the frames show both green and blue screens ({decision['evidence']}); split the clip")
    return decision["color"]


def inspect_checkpoint(path: Union[str, _os.PathLike]) -> dict:
    """What a checkpoint holds, without loading it into a network.

    Returns a dict: ``format`` (as the file is: ``"safetensors"``, ``"pth (torch.save zip)"``,
    ``"pth (torch.save legacy, pre-1.6)"``...), ``tensors``, ``parameters``, ``bytes``, ``sha256``,
    ``dtypes``, ``metadata``, ``normalisation``, ``is_corridorkey`` and ``description`` (the
    architecture, or why it is not a CorridorKey checkpoint).

    Raises:
        CheckpointError: the file is missing, damaged or hostile.
    """
    return _json.loads(_native.inspect_checkpoint(_os.fspath(path)))


def convert_checkpoint(
    src: Union[str, _os.PathLike], dst: Union[str, _os.PathLike], dtype: Optional[str] = None
) -> dict:
    """Converts any checkpoint the engine reads into a ``.safetensors`` file, then verifies it.

    Args:
        src: a ``.pth`` (zip or legacy), ``.safetensors`` or sharded checkpoint.
        dst: the ``.safetensors`` file to write (atomically; replaced if it exists).
        dtype: ``None`` keeps every tensor's type (bit-identical); ``"float16"`` or ``"bfloat16"``
            casts the floating-point tensors (verified within that format's rounding).

    Returns:
        A dict: ``tensors`` written and ``normalisation`` (wrappers and prefixes removed).

    Raises:
        CheckpointError: ``src`` is unreadable or the written file did not verify.
        UsageError: ``dst`` does not end in .safetensors, or an unknown dtype.
    """
    names = {None: "keep", "keep": "keep", "float16": "fp16", "fp16": "fp16", "bfloat16": "bf16", "bf16": "bf16"}
    if dtype not in names:
        raise UsageError(f"dtype={dtype!r}: use None (keep), 'float16' or 'bfloat16'")
    src, dst = _os.fspath(src), _os.fspath(dst)
    if not _os.path.exists(src):
        raise CheckpointError(f"checkpoint '{src}' does not exist")
    done = _native.convert_checkpoint(src, dst, names[dtype])
    if done["differences"]:
        listed = "; ".join(f"{name}: {what}" for name, what in done["differences"][:5])
        raise CheckpointError(f"'{dst}' did not verify against '{src}': {listed}")
    return {"tensors": done["tensors"], "normalisation": done["normalisation"]}


def ensure_checkpoint(
    screen_color: str = "green",
    *,
    checkpoint_dir: Optional[Union[str, _os.PathLike]] = None,
    allow_download: bool = True,
) -> str:
    """The path of the official checkpoint for ``screen_color``, downloaded first if needed.

    The rules, environment variables and offline behaviour of ``clip_manager``: the checkpoints
    folder, then the Hugging Face cache, then the Hub (``HF_HUB_OFFLINE=1`` or
    ``allow_download=False`` forbid the download and raise HubError saying what to put where).
    """
    path, _how = _native.ensure_checkpoint(
        screen_color, None if checkpoint_dir is None else _os.fspath(checkpoint_dir), bool(allow_download)
    )
    return path
