"""Resemblyzer's GE2E speaker encoder (3-layer LSTM over 40 mel bands) as plain numpy."""

from __future__ import annotations

import numpy as np

from .features import SAMPLE_RATE, mel_power_spectrogram

EMBEDDING_SIZE = 256
_PARTIAL_FRAMES = 160  # 1.6 s windows, the length GE2E was trained on
_HOP_SAMPLES = 160
_LAYERS = 3


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # tanh form: same value, no overflow warning for large negative inputs
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def partial_slices(n_samples: int, rate: float = 1.3, min_coverage: float = 0.75) -> list[slice]:
    """Mel-frame windows Resemblyzer averages over (``compute_partial_slices``)."""
    n_frames = int(np.ceil((n_samples + 1) / _HOP_SAMPLES))
    frame_step = int(np.round((SAMPLE_RATE / rate) / _HOP_SAMPLES))
    steps = max(1, n_frames - _PARTIAL_FRAMES + frame_step + 1)
    slices = [slice(i, i + _PARTIAL_FRAMES) for i in range(0, steps, frame_step)]
    last = slices[-1]
    coverage = (n_samples - last.start * _HOP_SAMPLES) / (_PARTIAL_FRAMES * _HOP_SAMPLES)
    if coverage < min_coverage and len(slices) > 1:
        slices = slices[:-1]
    return slices


class GE2E:
    """Embeds 16 kHz audio into a 256-dim, non-negative, unit-length speaker vector."""

    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        w = {k.removeprefix("model_state."): v.astype(np.float32) for k, v in weights.items()}
        self.layers = [
            (
                w[f"lstm.weight_ih_l{i}"].T.copy(),
                w[f"lstm.weight_hh_l{i}"].T.copy(),
                w[f"lstm.bias_ih_l{i}"] + w[f"lstm.bias_hh_l{i}"],
            )
            for i in range(_LAYERS)
        ]
        self.linear_w = w["linear.weight"].T.copy()
        self.linear_b = w["linear.bias"]

    def embed_mels(self, mels: np.ndarray) -> np.ndarray:
        """L2-normalised embeddings of a batch of partial mel windows [batch, frames, 40]."""
        x = mels.astype(np.float32)
        for w_ih, w_hh, bias in self.layers:
            x = self._lstm_layer(x, w_ih, w_hh, bias)
        raw = np.maximum(x[:, -1] @ self.linear_w + self.linear_b, 0)
        return raw / np.linalg.norm(raw, axis=1, keepdims=True)

    @staticmethod
    def _lstm_layer(x: np.ndarray, w_ih, w_hh, bias) -> np.ndarray:
        batch, steps, _ = x.shape
        hidden = w_hh.shape[0]
        # Input projections for every step at once; only the recurrence is sequential.
        gates_in = x @ w_ih + bias
        h = np.zeros((batch, hidden), np.float32)
        c = np.zeros((batch, hidden), np.float32)
        out = np.empty((batch, steps, hidden), np.float32)
        for t in range(steps):
            g = gates_in[:, t] + h @ w_hh
            i, f = _sigmoid(g[:, :hidden]), _sigmoid(g[:, hidden : 2 * hidden])
            cell, o = np.tanh(g[:, 2 * hidden : 3 * hidden]), _sigmoid(g[:, 3 * hidden :])
            c = f * c + i * cell
            h = o * np.tanh(c)
            out[:, t] = h
        return out

    def embed(self, wav: np.ndarray) -> np.ndarray:
        """Utterance embedding as ``VoiceEncoder.embed_utterance`` computes it."""
        slices = partial_slices(len(wav))
        needed = slices[-1].stop * _HOP_SAMPLES
        if needed >= len(wav):
            wav = np.pad(wav, (0, needed - len(wav)))
        mel = mel_power_spectrogram(wav)
        partials = self.embed_mels(np.stack([mel[s] for s in slices]))
        mean = partials.mean(axis=0)
        return (mean / np.linalg.norm(mean)).astype(np.float32)
