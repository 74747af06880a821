"""Domain errors of the cloning library; the voices app turns them into form errors."""

from __future__ import annotations

from collections.abc import Callable


class CloningError(Exception):
    """Base class: anything the cloning library refuses or cannot do."""


class UnsupportedAudio(CloningError):
    """The input is not decodable audio, is truncated, or is unusable (silence, pure noise)."""


class NotEnoughSpeech(CloningError):
    """Decodable audio, but too little speech for the requested operation."""


class CloningCancelled(CloningError):
    """The caller's ``should_cancel`` asked the search to stop."""


class AssetsMissing(CloningError):
    """Encoder weights are not installed; run ``python -m voices.cloning.assets install``."""


class WeightsFormatError(CloningError):
    """A weights file is not the checkpoint we expect (wrong format or disallowed content)."""


class EngineUnavailable(CloningError):
    """The TTS engine needed for rendering cannot be loaded."""


class CloningTimedOut(CloningError):
    """The machine was too slow or too busy to finish the clone within the tier's time limit."""


def raise_if_cancelled(should_cancel: Callable[[], bool] | None) -> None:
    """Polled between renders, so a cancelled job stops within one render."""
    if should_cancel is not None and should_cancel():
        raise CloningCancelled("cloning was cancelled")
