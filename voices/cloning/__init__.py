"""Voice cloning: from reference recordings of a person to a Kokoro style array.

No Django here: the voices app calls these functions from its jobs and views.
"""

from .analysis import Analysis, analyse
from .clone import CloneResult, clone
from .encoders import similarity, speaker_embedding
from .errors import (
    AssetsMissing,
    CloningCancelled,
    CloningError,
    CloningTimedOut,
    EngineUnavailable,
    NotEnoughSpeech,
    UnsupportedAudio,
)

__all__ = [
    "Analysis",
    "AssetsMissing",
    "CloneResult",
    "CloningCancelled",
    "CloningError",
    "CloningTimedOut",
    "EngineUnavailable",
    "NotEnoughSpeech",
    "UnsupportedAudio",
    "analyse",
    "clone",
    "similarity",
    "speaker_embedding",
]
