"""Quality analysis of reference recordings: what the upload page shows before cloning."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy.signal import lfilter

from .audio import FrameTrack, Sample, decode, frame_track, resample
from .encoders import embed16, normalise
from .errors import NotEnoughSpeech, UnsupportedAudio
from .features import SAMPLE_RATE

Verdict = Literal["ok", "warn", "reject"]

MIN_SPEECH_SECONDS = 3.0  # below this nothing can be measured reliably: an error, not a verdict
INSTANT_MIN_SECONDS = 10.0
PROFESSIONAL_MIN_SECONDS = 60.0
PROFESSIONAL_RECOMMENDED_SECONDS = 120.0
SEGMENT_SECONDS = 3.0
MAX_SEGMENTS = 16


@dataclass(frozen=True)
class Reference:
    """Decoded reference material at 16 kHz: the speech, plus per-frame tracks of it."""

    speech16: np.ndarray  # speech regions of every sample, joined
    total_seconds: float
    tracks: list[FrameTrack]
    clipping_ratio: float
    audio16: list[np.ndarray]  # whole samples, for SNR and loudness

    @property
    def speech_seconds(self) -> float:
        return len(self.speech16) / SAMPLE_RATE

    def f0(self) -> np.ndarray:
        voiced = [t.f0[(t.f0 > 0) & t.speech] for t in self.tracks]
        return np.concatenate(voiced) if voiced else np.zeros(0)


@dataclass(frozen=True)
class Analysis:
    speech_seconds: float
    total_seconds: float
    snr_db: float
    clipping_ratio: float
    loudness_lufs: float
    consistency: float | None  # agreement of the two halves of a 2-way speaker split, 0..1
    verdict: Verdict
    advice: list[str] = field(default_factory=list)
    f0_median_hz: float = 0.0


def load_reference(samples: Sequence[Sample]) -> Reference:
    """Decode every sample and keep its speech; raises if there is too little of it."""
    if not samples:
        raise NotEnoughSpeech("no recording was given")
    speech, tracks, whole, clipped, total, n_total = [], [], [], 0, 0.0, 0
    for sample in samples:
        audio, sr = decode(sample)
        total += len(audio) / sr
        clipped += _clipped_samples(audio)
        n_total += len(audio)
        audio16 = resample(audio, sr, SAMPLE_RATE)
        track = frame_track(audio16)
        mask = np.repeat(track.speech, 160)[: len(audio16)]
        speech.append(audio16[np.pad(mask, (0, len(audio16) - len(mask)))])
        tracks.append(track)
        whole.append(audio16)
    speech16 = np.concatenate(speech)
    if len(speech16) < MIN_SPEECH_SECONDS * SAMPLE_RATE:
        found = len(speech16) / SAMPLE_RATE
        if found < 0.5:
            raise NotEnoughSpeech(
                "no speech was found in the recording (it is silent or only noise)"
            )
        raise NotEnoughSpeech(
            f"only {found:.1f} s of speech was found; record at least {INSTANT_MIN_SECONDS:.0f} s"
        )
    return Reference(speech16, total, tracks, clipped / max(1, n_total), whole)


def _clipped_samples(audio: np.ndarray) -> int:
    """Samples stuck at the waveform's extreme on a run of two or more (flat-topped peaks)."""
    peak = float(np.max(np.abs(audio)))
    if peak < 0.25:
        return 0
    at_rail = np.abs(audio) >= peak * 0.999
    return int(np.sum(at_rail[1:] & at_rail[:-1]))


def snr_db(ref: Reference) -> float:
    energies = np.concatenate([t.energy_db for t in ref.tracks])
    speech = np.concatenate([t.energy_db[t.speech] for t in ref.tracks])
    noise_power = 10 ** (np.percentile(energies, 5) / 10)
    speech_power = np.mean(10 ** (speech / 10))
    return float(10 * np.log10(max(speech_power / noise_power - 1, 1e-3)))


def _k_weighting(sr: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """ITU-R BS.1770 pre-filter (high shelf + high pass) designed for any sample rate."""
    filters = []
    for kind, fc, q, gain_db in (("shelf", 1681.97, 0.7072, 3.99984), ("hp", 38.135, 0.5003, 0)):
        k = np.tan(np.pi * fc / sr)
        if kind == "shelf":
            vh, vb = 10 ** (gain_db / 20), 10 ** (gain_db / 20) ** 0.4996667741545416
            a0 = 1 + k / q + k * k
            b = np.array([vh + vb * k / q + k * k, 2 * (k * k - vh), vh - vb * k / q + k * k]) / a0
            a = np.array([1, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0])
        else:
            a0 = 1 + k / q + k * k
            b = np.array([1, -2, 1]) / a0 * 1.0
            a = np.array([1, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0])
        filters.append((b, a))
    return filters


def loudness_lufs(audio16: list[np.ndarray]) -> float:
    """Gated integrated loudness (BS.1770 style, mono, 400 ms blocks)."""
    blocks = []
    for audio in audio16:
        y = audio.astype(np.float64)
        for b, a in _k_weighting(SAMPLE_RATE):
            y = lfilter(b, a, y)
        size, hop = int(0.4 * SAMPLE_RATE), int(0.1 * SAMPLE_RATE)
        if len(y) < size:
            continue
        windows = np.lib.stride_tricks.sliding_window_view(y, size)[::hop]
        blocks.append(np.mean(windows**2, axis=1))
    if not blocks:
        return -70.0
    power = np.concatenate(blocks)
    power = power[-0.691 + 10 * np.log10(power + 1e-12) > -70]
    if power.size == 0:
        return -70.0
    relative = -0.691 + 10 * np.log10(power.mean()) - 10
    gated = power[-0.691 + 10 * np.log10(power) > relative]
    return float(-0.691 + 10 * np.log10(gated.mean()))


def segment_embeddings(speech16: np.ndarray, encoder: str = "campplus") -> np.ndarray:
    """Embeddings of up to ``MAX_SEGMENTS`` evenly spread 3 s pieces of speech."""
    seg = int(SEGMENT_SECONDS * SAMPLE_RATE)
    n = len(speech16) // seg
    if n < 2:
        return np.zeros((0, 0), np.float32)
    picks = np.unique(np.linspace(0, n - 1, min(n, MAX_SEGMENTS)).round().astype(int))
    return np.stack([normalise(embed16(speech16[i * seg : (i + 1) * seg], encoder)) for i in picks])


def consistency(speech16: np.ndarray) -> float | None:
    """Cosine between the centroids of a two-way split of 3 s speech segments (CAM++).

    One speaker splits into two near-identical halves (about 0.9); two voices split along the
    speaker boundary and their centroids disagree (about 0.5 or less).
    """
    emb = segment_embeddings(speech16)
    # With fewer than four pieces the split is forced and says little about a second voice.
    if len(emb) < 4:
        return None
    sims = emb @ emb.T
    a, b = np.unravel_index(np.argmin(sims), sims.shape)
    centroids = emb[[a, b]]
    for _ in range(10):
        labels = np.argmax(emb @ centroids.T, axis=1)
        if labels.min() == labels.max():
            break
        centroids = np.stack([normalise(emb[labels == k].mean(axis=0)) for k in (0, 1)])
    return float(centroids[0] @ centroids[1])


def analyse(samples: Sequence[Sample]) -> Analysis:
    """Measure reference recordings and judge whether they are good enough to clone from.

    Raises ``UnsupportedAudio`` for undecodable or truncated input and ``NotEnoughSpeech`` when
    less than ``MIN_SPEECH_SECONDS`` of speech (or none: silence, noise) is found.
    """
    if isinstance(samples, (str, bytes, tuple)) or hasattr(samples, "__fspath__"):
        samples = [samples]
    ref = load_reference(samples)
    snr = snr_db(ref)
    loud = loudness_lufs(ref.audio16)
    cons = consistency(ref.speech16)
    f0 = ref.f0()
    verdict, advice = _judge(ref.speech_seconds, snr, ref.clipping_ratio, loud, cons)
    return Analysis(
        speech_seconds=round(ref.speech_seconds, 2),
        total_seconds=round(ref.total_seconds, 2),
        snr_db=round(snr, 1),
        clipping_ratio=float(ref.clipping_ratio),
        loudness_lufs=round(loud, 1),
        consistency=None if cons is None else round(cons, 3),
        verdict=verdict,
        advice=advice,
        f0_median_hz=float(np.median(f0)) if f0.size else 0.0,
    )


_SEVERITY = {"ok": 0, "warn": 1, "reject": 2}


def _judge(
    speech: float, snr: float, clipping: float, loud: float, cons: float | None
) -> tuple[Verdict, list[str]]:
    verdict: Verdict = "ok"
    advice: list[str] = []

    def flag(level: Verdict, text: str) -> None:
        nonlocal verdict
        advice.append(text)
        if _SEVERITY[level] > _SEVERITY[verdict]:
            verdict = level

    if speech < INSTANT_MIN_SECONDS:
        flag("reject", f"Only {speech:.0f} s of speech: record at least 10 s (30 s is better).")
    elif speech < PROFESSIONAL_RECOMMENDED_SECONDS:
        advice.append(
            f"{speech:.0f} s of speech is enough for an instant voice; the professional tier "
            "needs at least 1 minute and works best with 2 to 5 minutes."
        )
    if snr < 9:
        flag("reject", "The background is very noisy: record in a quiet room, close to the mic.")
    elif snr < 15:
        flag("warn", "Some background noise is audible: a quieter room will give a cleaner voice.")
    if clipping > 0.01:
        flag("reject", "The recording is heavily distorted (clipping): lower the input gain.")
    elif clipping > 0.001:
        flag("warn", "Some peaks are clipped: lower the input gain a little.")
    if loud < -40:
        flag("warn", "The recording is very quiet: speak closer to the microphone.")
    if cons is not None and cons < 0.7:
        flag("reject", "More than one voice seems to be speaking: upload one speaker only.")
    elif cons is not None and cons < 0.8:
        flag("warn", "The voice varies a lot between parts: check only one person speaks.")
    if verdict == "ok" and not advice:
        advice.append("Good recording: clean, single speaker, enough speech.")
    return verdict, advice


__all__ = ["Analysis", "Reference", "analyse", "load_reference", "UnsupportedAudio"]
