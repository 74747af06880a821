"""A voice's tone: an equaliser that gives a voice's speech the long-term spectrum of a recording.

Kokoro speaks with one clean studio tone. A cloned voice should sound like its recording,
microphone and room included, as users expect of a clone; the cloning search measures how the
recording's long-term spectrum differs from the clone's own speech and hands the engine that
difference as a tone: gains in dB at a few frequencies. The engine turns it into a linear-phase
filter and applies it to every chunk the voice speaks. The filter keeps each chunk's length and
its timing (no delay), so word times and marks are unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from .audio import SAMPLE_RATE
from .errors import UnknownVoice

Tone = tuple[tuple[float, float], ...]  # (frequency in Hz, gain in dB), ascending frequency
MAX_TONE_DB = 12.0
TAPS = 767  # 32 ms at 24 kHz: resolves the tone's bands (about 100 Hz apart at the bottom)


def validate_tone(points: Sequence[Sequence[float]]) -> Tone:
    """``points`` as a Tone; raises UnknownVoice when they are not one."""
    try:
        tone = tuple((float(hz), float(db)) for hz, db in points)
    except (TypeError, ValueError) as e:
        raise UnknownVoice("a voice's tone must be a list of [frequency, gain] pairs") from e
    hz = np.array([p[0] for p in tone])
    db = np.array([p[1] for p in tone])
    if not (np.isfinite(hz).all() and np.isfinite(db).all()):
        raise UnknownVoice("a voice's tone must not contain NaN or infinity")
    if np.any(np.diff(hz) <= 0) or (hz.size and (hz[0] < 0 or hz[-1] > SAMPLE_RATE / 2)):
        raise UnknownVoice("a voice's tone must have ascending frequencies within 0-12 kHz")
    if np.any(np.abs(db) > MAX_TONE_DB):
        raise UnknownVoice(f"a voice's tone must stay within ±{MAX_TONE_DB:g} dB")
    return tone


@lru_cache(maxsize=32)
def tone_filter(tone: Tone) -> np.ndarray:
    """The linear-phase FIR (``TAPS`` long, centred) whose response follows ``tone``: its
    gains interpolated between the points, held beyond them."""
    freqs = np.fft.rfftfreq(TAPS + 1, 1 / SAMPLE_RATE)
    gains = np.interp(freqs, [p[0] for p in tone], [p[1] for p in tone])
    h = np.roll(np.fft.irfft(10 ** (gains / 20)), TAPS // 2)[:TAPS] * np.hanning(TAPS)
    return h.astype(np.float64)


def apply_tone(audio: np.ndarray, tone: Tone) -> np.ndarray:
    """``audio`` through the tone's filter: the same length, timing and loudness (RMS), peaks
    kept below 1.

    A chunk starts and ends in trimmed silence longer than half the filter, so filtering
    chunks one by one sounds as filtering the whole stream would."""
    if not tone or audio.size == 0:
        return audio
    h = tone_filter(tone)
    n = audio.size + h.size - 1
    size = 1 << (n - 1).bit_length()
    full = np.fft.irfft(np.fft.rfft(audio, size) * np.fft.rfft(h, size), size)[:n]
    out = full[h.size // 2 : h.size // 2 + audio.size]
    # The voice keeps its loudness: the tone changes its colour, not its level.
    power = float(np.mean(out * out))
    if power > 0:
        out = out * np.sqrt(float(np.mean(audio.astype(np.float64) ** 2)) / power)
    peak = float(np.max(np.abs(out)))
    if peak > 0.99:
        out = out * (0.99 / peak)
    return out.astype(np.float32)
