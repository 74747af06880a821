"""Per-chunk audio clean-up: trim the model's edge silence, fade the cut edges, pauses, gain."""

import numpy as np

SAMPLE_RATE = 24_000
_FRAME = 240  # 10 ms
_SILENCE_DB = -42.0
_KEEP_BEFORE = 480  # keep 20 ms before speech so onsets are not clipped
_KEEP_AFTER = 1200  # and 50 ms after, where releases and breaths trail off
_FADE = 120  # 5 ms: long enough to remove clicks, too short to hear
_KNEE = 0.9  # above this, boosted samples are compressed towards the ceiling
_CEILING = 0.99  # under full scale even where float32 rounds the curve flat


def trim_silence(audio: np.ndarray) -> np.ndarray:
    """Cut leading and trailing silence, judged by frame energy relative to the peak."""
    start, end = speech_bounds(audio)
    return audio[start:end]


def speech_bounds(audio: np.ndarray) -> tuple[int, int]:
    """The [start, end) samples ``trim_silence`` keeps."""
    if audio.size < _FRAME:
        return 0, audio.size
    frames = audio[: audio.size // _FRAME * _FRAME].reshape(-1, _FRAME)
    rms = np.sqrt(np.mean(frames * frames, axis=1) + 1e-12)
    threshold = rms.max() * 10 ** (_SILENCE_DB / 20)
    voiced = np.flatnonzero(rms > threshold)
    if voiced.size == 0:
        return 0, 0
    start = max(0, voiced[0] * _FRAME - _KEEP_BEFORE)
    end = min(audio.size, (voiced[-1] + 1) * _FRAME + _KEEP_AFTER)
    return int(start), int(end)


def fade_edges(audio: np.ndarray) -> np.ndarray:
    """Ramp both ends to zero so consecutive chunks (and silence) join without a click."""
    n = min(_FADE, audio.size // 2)
    if n == 0:
        return audio
    out = audio.copy()
    ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)
    out[:n] *= ramp
    out[-n:] *= ramp[::-1]
    return out


def with_pause(audio: np.ndarray, seconds: float) -> np.ndarray:
    if seconds <= 0:
        return audio
    silence = np.zeros(int(round(seconds * SAMPLE_RATE)), dtype=np.float32)
    return np.concatenate([audio, silence])


def with_gain(audio: np.ndarray, db: float) -> np.ndarray:
    """Scale by ``db`` decibels, peaks kept under full scale (see ``soft_limit``)."""
    if db == 0 or audio.size == 0:
        return audio
    return soft_limit(audio * np.float32(10 ** (db / 20)))


def soft_limit(audio: np.ndarray) -> np.ndarray:
    """Bend the few peaks a boost pushes past the knee softly under full scale.

    Kokoro's peaks are isolated spikes: capping the gain at the highest one would often
    leave no boost at all, and clipping them would crackle."""
    out = audio.astype(np.float32, copy=True)
    over = np.abs(out) > _KNEE
    if over.any():
        excess = (np.abs(out[over]) - _KNEE) / (_CEILING - _KNEE)
        out[over] = np.sign(out[over]) * (_KNEE + (_CEILING - _KNEE) * np.tanh(excess))
    return out


def finish_chunk(audio: np.ndarray, *, pause_after: float) -> np.ndarray:
    return with_pause(fade_edges(trim_silence(audio)), pause_after)
