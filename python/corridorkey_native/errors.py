"""The exceptions corridorkey_native raises: one base, one class per domain.

Each carries the engine's message, which says what went wrong, where (file, argument) and how to
fix it.
"""

__all__ = [
    "CorridorKeyError",
    "CheckpointError",
    "HubError",
    "FrameError",
    "ModelError",
    "IoError",
    "UsageError",
]


class CorridorKeyError(Exception):
    """Base of every error the engine raises on purpose."""


class CheckpointError(CorridorKeyError):
    """A checkpoint file is missing, unreadable, malformed, hostile or not what it claims to be."""


class HubError(CorridorKeyError):
    """Finding or downloading the checkpoint failed (offline with none at hand, network, disk)."""


class FrameError(CorridorKeyError, ValueError):
    """An image or mask cannot be keyed: wrong rank, type, size or device, NaN or infinite values."""


class ModelError(CorridorKeyError):
    """The network cannot be built or run with these weights or settings (out of memory among them)."""


class IoError(CorridorKeyError, OSError):
    """Reading or writing a file failed (permissions, full disk)."""


class UsageError(CorridorKeyError, ValueError):
    """An argument has a value the engine does not accept (device, precision, screen colour...)."""
