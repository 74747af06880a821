"""Audio fingerprints that survive re-encoding, resampling and trimming (Haitsma and Kalker).

Each 10 ms frame gets 32 bits: the signs of the energy differences between neighbouring mel bands,
compared with the previous frame. Two recordings share audio when, at some alignment, at least
`MIN_SHARED_SECONDS` of their voiced frames agree on almost all bits; unrelated speech, even the
same person saying the same words in another take, agrees on about half.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLE_RATE = 16_000
HOP = 160  # 10 ms
WINDOW = 1024  # 64 ms: long windows make neighbouring frames alike, so alignment is forgiving
BANDS = 33
MIN_SHARED_SECONDS = 1.5
MAX_BIT_ERRORS = 0.3
_ACTIVE_DB = 35.0  # frames this far below the loudest are silence, whose bits mean nothing


@dataclass(frozen=True)
class Fingerprint:
    bits: np.ndarray  # uint32 per frame
    active: np.ndarray  # bool per frame

    @property
    def frames(self) -> int:
        return len(self.bits)


def fingerprint(audio: np.ndarray, sample_rate: int) -> Fingerprint:
    mono = np.asarray(audio, dtype=np.float32)
    if mono.ndim > 1:
        mono = mono.mean(axis=1)
    if sample_rate != SAMPLE_RATE:
        import soxr

        mono = soxr.resample(mono, sample_rate, SAMPLE_RATE).astype(np.float32)
    if len(mono) < WINDOW + HOP:
        return Fingerprint(np.zeros(0, np.uint32), np.zeros(0, bool))
    frames = np.lib.stride_tricks.sliding_window_view(mono, WINDOW)[::HOP] * np.hanning(WINDOW)
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    energy = np.log(power @ _band_matrix().T + 1e-10)
    diff = energy[:, :-1] - energy[:, 1:]
    bits = (diff[1:] - diff[:-1]) > 0
    weights = (1 << np.arange(BANDS - 1, dtype=np.uint64)).astype(np.uint64)
    packed = (bits.astype(np.uint64) * weights).sum(axis=1).astype(np.uint32)
    loudness = 10 * np.log10(power.sum(axis=1) + 1e-10)[1:]
    return Fingerprint(packed, loudness > loudness.max() - _ACTIVE_DB)


def _band_matrix() -> np.ndarray:
    """Triangular mel bands from 100 Hz to 4 kHz, where speech carries its energy."""
    freqs = np.fft.rfftfreq(WINDOW, 1 / SAMPLE_RATE)
    mel = np.linspace(_mel(100.0), _mel(4000.0), BANDS + 2)
    edges = 700.0 * (10 ** (mel / 2595.0) - 1)
    matrix = np.zeros((BANDS, len(freqs)))
    for b in range(BANDS):
        low, mid, high = edges[b : b + 3]
        rising = (freqs - low) / (mid - low)
        falling = (high - freqs) / (high - mid)
        matrix[b] = np.clip(np.minimum(rising, falling), 0, None)
    return matrix


def _mel(hz: float) -> float:
    return 2595.0 * np.log10(1 + hz / 700.0)


def shared_seconds(a: Fingerprint, b: Fingerprint) -> float:
    """How much voiced audio `a` and `b` share at their best alignment, in seconds.

    Only alignments where some voiced frames agree exactly on their first 16 bits are tried (a
    few hundred instead of every one); at each, a window of MIN_SHARED_SECONDS slides along the
    overlap, and the voiced frames of windows whose bits mostly agree count as shared.
    """
    window = int(MIN_SHARED_SECONDS * SAMPLE_RATE / HOP)
    best = 0
    for shift in _candidate_shifts(a, b):
        start_a, start_b = max(0, -shift), max(0, shift)
        length = min(a.frames - start_a, b.frames - start_b)
        if length < window:
            continue
        best = max(best, _shared_frames(
            a.bits[start_a : start_a + length], b.bits[start_b : start_b + length],
            a.active[start_a : start_a + length] & b.active[start_b : start_b + length], window,
        ))  # fmt: skip
    return best * HOP / SAMPLE_RATE


def _candidate_shifts(a: Fingerprint, b: Fingerprint) -> list[int]:
    where: dict[int, list[int]] = {}
    for index in np.flatnonzero(a.active):
        where.setdefault(int(a.bits[index]) & 0xFFFF, []).append(int(index))
    shifts = set()
    for index in np.flatnonzero(b.active):
        for match in where.get(int(b.bits[index]) & 0xFFFF, ()):
            shift = int(index) - match
            shifts.update((shift - 1, shift, shift + 1))
    return sorted(shifts)


def _shared_frames(bits_a: np.ndarray, bits_b: np.ndarray, voiced: np.ndarray, window: int) -> int:
    errors = np.where(voiced, np.bitwise_count(bits_a ^ bits_b), 0).astype(np.int64)
    error_sums = np.convolve(errors, np.ones(window, np.int64), mode="valid")
    voiced_sums = np.convolve(voiced.astype(np.int64), np.ones(window, np.int64), mode="valid")
    matching = (voiced_sums >= window // 2) & (error_sums <= MAX_BIT_ERRORS * 32 * voiced_sums)
    if not matching.any():
        return 0
    covered = np.convolve(matching.astype(np.int64), np.ones(window, np.int64))[: len(voiced)]
    return int(((covered > 0) & voiced).sum())


def overlaps(a: Fingerprint, b: Fingerprint) -> bool:
    return shared_seconds(a, b) >= MIN_SHARED_SECONDS
