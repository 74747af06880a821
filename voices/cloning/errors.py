"""Domain errors of the cloning library; the voices app turns them into form errors."""


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
