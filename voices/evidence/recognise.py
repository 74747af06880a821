"""Transcribe a recording with Whisper base through faster-whisper (CTranslate2, int8 on CPU).

One model per process, loaded on first use and reused: the cloning worker transcribes one short
consent statement per clone.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache

import numpy as np

from voices.evidence.assets import MODEL_NAME, MODEL_SHA256, installed_dir

SAMPLE_RATE = 16_000
_lock = threading.Lock()


@dataclass(frozen=True)
class Transcript:
    text: str
    language: str
    recogniser: str


def recogniser_version() -> str:
    import faster_whisper

    return f"faster-whisper {faster_whisper.__version__}, {MODEL_NAME} {MODEL_SHA256[:12]}"


@cache
def _model():
    from faster_whisper import WhisperModel

    return WhisperModel(str(installed_dir()), device="cpu", compute_type="int8")


def transcribe(audio: np.ndarray, sample_rate: int, *, language: str) -> Transcript:
    """What is said in `audio` (mono float), heard as `language` (an ISO 639-1 code).

    Silence and noise give an empty text: the voice activity filter drops them before the
    decoder, which would otherwise invent words.
    """
    mono = np.asarray(audio, dtype=np.float32)
    if mono.ndim > 1:
        mono = mono.mean(axis=1)
    if sample_rate != SAMPLE_RATE:
        import soxr

        mono = soxr.resample(mono, sample_rate, SAMPLE_RATE).astype(np.float32)
    with _lock:
        segments, _info = _model().transcribe(
            mono, language=language, beam_size=5, temperature=0.0,
            condition_on_previous_text=False, vad_filter=True,
        )  # fmt: skip
        text = " ".join(segment.text.strip() for segment in segments)
    return Transcript(text=text.strip(), language=language, recogniser=recogniser_version())
