"""The engine bench's ``edges`` part: what shortening the silence at chunk edges saves and
what it changes in the speech (see ``prosody.short_edges``)."""

import time

import numpy as np

from .audio import speech_bounds
from .engine import Engine, model_inputs
from .g2p import vocab
from .prosody import short_edges, token_controls
from .prosodygraph import SAMPLES_PER_FRAME

_FFT = 512
_HOP = 256
_INNER_S = 0.25


def log_spectral_distance(a: np.ndarray, b: np.ndarray, *, floor_db: float = -60.0) -> float:
    """Mean over frames of the RMS difference of two signals' log power spectra, in dB.

    Only frames where ``a`` is within 40 dB of its loudest frame count: silence has no
    spectrum worth comparing. Both are compared over their common length.
    """
    n = min(a.size, b.size)
    if n < _FFT:
        return 0.0
    window = np.hanning(_FFT).astype(np.float32)
    starts = range(0, n - _FFT + 1, _HOP)
    fa = np.stack([a[i : i + _FFT] * window for i in starts])
    fb = np.stack([b[i : i + _FFT] * window for i in starts])
    pa, pb = np.abs(np.fft.rfft(fa)) ** 2, np.abs(np.fft.rfft(fb)) ** 2
    top = 10 * np.log10(pa.sum(axis=1).max() + 1e-20)
    loud = 10 * np.log10(pa.sum(axis=1) + 1e-20) > top - 40
    la = 10 * np.log10(np.maximum(pa[loud], 1e-20))
    lb = 10 * np.log10(np.maximum(pb[loud], 1e-20))
    # Spectral floor relative to the loudest bin, so inaudible bins cannot dominate.
    lo = la.max() + floor_db
    la, lb = np.maximum(la, lo), np.maximum(lb, lo)
    return float(np.mean(np.sqrt(np.mean((la - lb) ** 2, axis=1))))


def bench_edges(engine: Engine, text: str, *, voice: str) -> dict[str, float]:
    """Each streaming chunk of ``text`` rendered with full and with short edges, alternately.

    Returns the frames and compute time of both, the speech's duration in both after
    trimming, the log-spectral distance of the speech regions (aligned by the frames the
    leading padding id lost) and the largest sample difference inside them, more than
    ``_INNER_S`` from either end (are the changes confined to the edges?).
    """
    model, _ = engine._session()
    if not model.has_controls:
        return {"controls": 0.0}
    known = set(vocab())
    styles = engine.resolve_voice(voice)
    totals = dict.fromkeys(("frames_full", "frames_short", "s_full", "s_short"), 0.0)
    totals.update(speech_full=0.0, speech_short=0.0)
    distances, inner_diffs = [], []
    for phonemes in engine.phonemize(text):
        tokens, style = model_inputs(phonemes, styles)
        controls = token_controls(phonemes, None, known)
        short = {name: values.copy() for name, values in controls.items()}
        short_edges(short)
        start = time.perf_counter()
        full_audio, full_frames, _ = model.run(tokens, style, 1.0, controls)
        middle = time.perf_counter()
        short_audio, short_frames, _ = model.run(tokens, style, 1.0, short)
        totals["s_full"] += middle - start
        totals["s_short"] += time.perf_counter() - middle
        totals["frames_full"] += float(full_frames.sum())
        totals["frames_short"] += float(short_frames.sum())
        s0, e0 = speech_bounds(full_audio)
        s1, e1 = speech_bounds(short_audio)
        totals["speech_full"] += (e0 - s0) / 24_000
        totals["speech_short"] += (e1 - s1) / 24_000
        shift = int(full_frames[0] - short_frames[0]) * SAMPLES_PER_FRAME
        s0 = max(s0, shift)  # the short render has no samples before its own start
        distances.append(
            log_spectral_distance(full_audio[s0:e0], short_audio[s0 - shift : e0 - shift])
        )
        inner = int(_INNER_S * 24_000)
        if e0 - s0 > 2 * inner:
            a, b = full_audio[s0 + inner : e0 - inner], short_audio[s0 + inner - shift :]
            n = min(a.size, b.size)
            inner_diffs.append(float(np.max(np.abs(a[:n] - b[:n]))))
    return {
        "controls": 1.0,
        "chunks": float(len(distances)),
        **totals,
        "lsd_db": float(np.mean(distances)),
        "lsd_db_max": float(np.max(distances)),
        "inner_max_abs_diff": max(inner_diffs, default=0.0),
        "inner_median_max_abs_diff": float(np.median(inner_diffs)) if inner_diffs else 0.0,
    }
