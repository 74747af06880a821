"""A learned model of what the speech of a point in walk space sounds like to CAM++.

The step map is linear and fitted around the stock voices, so it can only suggest one short
step. This model is fitted on renders of many random points of the walk space (blends of one
to three same-gender stock voices, moved at random along the principal components): kernel
ridge regression from a point's coordinates to the CAM++ embedding of its speech, and to the
log pitch of that speech. For a reference embedding, gradient ascent on the predicted cosine
then finds points the model expects to sound like the speaker, within the part of the space the
renders covered and within a few semitones of the speaker's pitch. No speaker's recordings are
involved in fitting it, and every point it proposes is rendered and scored before it is used.

A copy for the stock Kokoro v1.0 voices ships in ``data/`` keyed like the step map, and is used
only when the installed voices and the walk basis match (``scripts/dev/fit_surrogate.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

SURROGATE_VERSION = "surrogate-1"
SHIPPED_SURROGATE = Path(__file__).with_name("data") / "surrogate.npz"
_SEMITONE = np.log(2.0) / 12.0


def surrogate_key(bank_key: str, basis_size: int) -> str:
    return f"{SURROGATE_VERSION}-{bank_key}-{basis_size}"


@dataclass(frozen=True)
class Surrogate:
    points: np.ndarray  # [n, size] coordinates of the rendered points
    weights: np.ndarray  # [n, dim] dual weights of the embedding regression
    offset: np.ndarray  # [dim] mean embedding, added back to the prediction
    pitch_weights: np.ndarray  # [n] dual weights of the log-pitch regression
    pitch_offset: float
    pitches: np.ndarray  # [n] median pitch of each render, Hz (0 when unvoiced)
    low: np.ndarray  # [size] the box the renders covered; proposals stay inside it
    high: np.ndarray
    length: float  # kernel length scale, in walk units
    ridge: float
    targets: np.ndarray  # [n, dim] the measured unit embeddings it was fitted on

    def extended(
        self, points: np.ndarray, embeddings: np.ndarray, pitches: np.ndarray | None = None
    ) -> Surrogate:
        """The model refitted with more renders (their pitch predicted when not given).

        The professional walk renders a few hundred points near where it goes; with them the
        model is sharper exactly where its proposals are made.
        """
        points = np.asarray(points, np.float64)
        return fit_surrogate(
            np.vstack([self.points, points]),
            np.vstack([self.targets, embeddings]),
            np.concatenate(
                [self.pitches, np.exp(self.log_pitch(points)) if pitches is None else pitches]
            ),
            length=self.length,
            ridge=self.ridge,
            box=(self.low, self.high),
        )

    def fitted(self) -> np.ndarray:
        """Predicted unit embeddings at the fitted points, without a kernel matrix.

        (K + ridge I) W = Y - offset gives K W + offset = Y - ridge W.
        """
        pred = self.targets - self.ridge * self.weights
        return pred / np.linalg.norm(pred, axis=1, keepdims=True)

    def kernel(self, coords: np.ndarray) -> np.ndarray:
        """RBF kernel rows between ``coords`` [m, size] and the fitted points."""
        return _rbf(coords, self.points, self.length)

    def embeddings(self, coords: np.ndarray) -> np.ndarray:
        """Predicted unit embeddings [m, dim]."""
        pred = self.kernel(coords) @ self.weights + self.offset
        return pred / np.linalg.norm(pred, axis=1, keepdims=True)

    def log_pitch(self, coords: np.ndarray) -> np.ndarray:
        return self.kernel(coords) @ self.pitch_weights + self.pitch_offset

    def gradients(
        self, coords: np.ndarray, target: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Predicted cosine to ``target`` and log pitch at points [m, size], with gradients.

        Returns cosines [m], their gradients [m, size], log pitches [m] and their gradients.
        All points at once: the proposal search moves several starts in step.
        """
        k = self.kernel(coords)  # [m, n]
        f = k @ self.weights + self.offset
        norm = np.linalg.norm(f, axis=1)
        cos = (f @ target) / norm
        d_cos = target[None] / norm[:, None] - (cos / norm**2)[:, None] * f  # [m, dim]

        def through_kernel(a: np.ndarray) -> np.ndarray:
            # d/dc of sum_n a[m, n] k(c_m, p_n) for the weights a already folded in
            return -(a.sum(axis=1)[:, None] * coords - a @ self.points) / self.length**2

        g_cos = through_kernel(k * (d_cos @ self.weights.T))
        pitch = k @ self.pitch_weights + self.pitch_offset
        g_pitch = through_kernel(k * self.pitch_weights[None])
        return cos, g_cos, pitch, g_pitch


def _rbf(a: np.ndarray, b: np.ndarray, length: float) -> np.ndarray:
    d2 = np.sum(a**2, axis=1)[:, None] + np.sum(b**2, axis=1)[None] - 2 * a @ b.T
    return np.exp(-0.5 * np.maximum(d2, 0.0) / length**2)


def fit_surrogate(
    points: np.ndarray,
    embeddings: np.ndarray,
    pitches: np.ndarray,
    *,
    length: float,
    ridge: float,
    box: tuple[np.ndarray, np.ndarray] | None = None,
) -> Surrogate:
    """Kernel ridge regression of unit embeddings and log pitch on coordinates."""
    points = np.asarray(points, np.float64)
    embeddings = np.asarray(embeddings, np.float64)
    gram = _rbf(points, points, length) + ridge * np.eye(len(points))
    offset = embeddings.mean(axis=0)
    voiced = pitches > 0
    # Unvoiced renders (rare) get the mean log pitch, so they pull the prediction nowhere.
    log_f0 = np.where(voiced, np.log(np.maximum(pitches, 1.0)), 0.0)
    pitch_offset = float(log_f0[voiced].mean())
    log_f0 = np.where(voiced, log_f0, pitch_offset)
    # Both regressions share the kernel matrix: one solve for all their columns.
    weights = np.linalg.solve(gram, np.column_stack([embeddings - offset, log_f0 - pitch_offset]))
    return Surrogate(
        points=points,
        weights=weights[:, :-1],
        offset=offset,
        pitch_weights=weights[:, -1],
        pitch_offset=pitch_offset,
        pitches=np.asarray(pitches, np.float64),
        low=np.percentile(points, 1, axis=0) if box is None else box[0],
        high=np.percentile(points, 99, axis=0) if box is None else box[1],
        length=length,
        ridge=ridge,
        targets=embeddings,
    )


def propose(
    model: Surrogate,
    target: np.ndarray,
    starts: Sequence[np.ndarray],
    *,
    f0: float,
    semitones: float = 3.0,
    radius: float = 4.0,
    count: int = 3,
    seeds: int = 8,
    iterations: int = 300,
    rate: float = 0.05,
    pitch_penalty: float = 0.05,
) -> list[tuple[float, np.ndarray]]:
    """Up to ``count`` points the model expects to sound most like ``target``, best first.

    Gradient ascent (Adam, projected onto the covered box) from each of ``starts`` and from the
    ``seeds`` fitted points the model ranks highest. Each ascent stays within ``radius`` of where
    it began, because the model is only trusted near its data. ``pitch_penalty`` (cosine per
    semitone) applies beyond ``semitones`` from ``f0``: a clone an octave off its speaker
    pleases CAM++ more than it does a listener.
    """
    target = np.asarray(target, np.float64)
    fitted = model.fitted() @ target
    if f0 > 0:
        band = np.abs(np.log(np.maximum(model.pitches, 1.0) / f0)) <= semitones * _SEMITONE
        fitted = np.where(band, fitted, -np.inf)
    order = [i for i in np.argsort(fitted)[::-1][:seeds] if np.isfinite(fitted[i])]
    origins = [np.asarray(s, np.float64) for s in starts] + [model.points[i] for i in order]
    low_f0 = np.log(f0) - semitones * _SEMITONE if f0 > 0 else -np.inf
    high_f0 = np.log(f0) + semitones * _SEMITONE if f0 > 0 else np.inf
    origin = np.stack(origins)
    c = np.clip(origin, model.low, model.high)
    m, v = np.zeros_like(c), np.zeros_like(c)
    for t in range(1, iterations + 1):
        _, g, pitch, g_pitch = model.gradients(c, target)
        push = np.where(pitch < low_f0, 1.0, np.where(pitch > high_f0, -1.0, 0.0))
        g = g + (push * pitch_penalty / _SEMITONE)[:, None] * g_pitch
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        c = c + rate * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        c = np.clip(c, model.low, model.high)
        step = c - origin
        norm = np.linalg.norm(step, axis=1, keepdims=True)
        c = np.where(norm > radius, origin + step * (radius / np.maximum(norm, 1e-12)), c)
    cos, _, pitch, _ = model.gradients(c, target)
    off = np.maximum(0.0, np.maximum(low_f0 - pitch, pitch - high_f0)) / _SEMITONE
    value = cos - pitch_penalty * off
    found = [(float(value[i]), c[i]) for i in np.argsort(value)[::-1]]
    return found[:count]


def inverse_map(
    model: Surrogate,
    target: np.ndarray,
    *,
    f0: float,
    semitones: float = 3.0,
    ridge: float = 1.0,
    min_points: int = 50,
) -> np.ndarray:
    """Walk coordinates read straight off a reference embedding: a ridge regression from the
    fitted renders' embeddings back to their coordinates, fitted on the renders within
    ``semitones`` of the speaker's pitch (all of them when fewer than ``min_points`` are).

    The forward model's ascent chases one encoder's cosine and can end where that encoder is
    pleased but a listener is not; the regression averages over many renders, so it lands on
    the part of the space whose voices as a whole sound like the speaker.
    """
    x, y = _pitch_band(model, f0, semitones, min_points)
    mx, my = x.mean(axis=0), y.mean(axis=0)
    xc = x - mx
    w = np.linalg.solve(xc.T @ xc + ridge * np.eye(xc.shape[1]), xc.T @ (y - my))
    return np.clip(my + (np.asarray(target, np.float64) - mx) @ w, model.low, model.high)


def neighbour_mean(
    model: Surrogate,
    target: np.ndarray,
    *,
    f0: float,
    semitones: float = 3.0,
    k: int = 10,
    temperature: float = 0.02,
    min_points: int = 50,
) -> np.ndarray:
    """Walk coordinates of the ``k`` fitted renders that sound most like ``target`` (within
    ``semitones`` of the speaker's pitch), averaged with weights that favour the closest."""
    x, y = _pitch_band(model, f0, semitones, min_points)
    sims = x @ np.asarray(target, np.float64)
    top = np.argsort(sims)[::-1][:k]
    weights = np.exp((sims[top] - sims[top[0]]) / temperature)
    return (weights[:, None] * y[top]).sum(axis=0) / weights.sum()


def _pitch_band(
    model: Surrogate, f0: float, semitones: float, min_points: int
) -> tuple[np.ndarray, np.ndarray]:
    """The fitted renders' embeddings and coordinates within ``semitones`` of ``f0`` (all of
    them when the pitch is unknown or fewer than ``min_points`` are that close)."""
    band = np.ones(len(model.points), bool)
    if f0 > 0:
        band = np.abs(np.log(np.maximum(model.pitches, 1.0) / f0)) <= semitones * _SEMITONE
        if band.sum() < min_points:
            band = np.ones(len(model.points), bool)
    return model.targets[band].astype(np.float64), model.points[band].astype(np.float64)


def save_surrogate(path: Path, key: str, model: Surrogate) -> None:
    """The renders' coordinates, embeddings and pitch; the model is refitted on loading."""
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        path,
        key=np.array(key),
        points=model.points.astype(np.float32),
        embeddings=model.targets.astype(np.float16),
        pitches=model.pitches.astype(np.float32),
        length=np.array(model.length),
        ridge=np.array(model.ridge),
    )


@cache
def _read(path: Path, mtime: float) -> tuple[str, Surrogate]:
    with np.load(path) as npz:
        model = fit_surrogate(
            npz["points"],
            npz["embeddings"].astype(np.float64),
            npz["pitches"].astype(np.float64),
            length=float(npz["length"]),
            ridge=float(npz["ridge"]),
        )
        return str(npz["key"]), model


def load_surrogate(key: str, path: Path = SHIPPED_SURROGATE) -> Surrogate | None:
    """The shipped model if it was fitted for these voices and this basis, else None.

    Read and fitted once per process (0.2 s); every clone asks for it.
    """
    if not path.is_file():
        return None
    found, model = _read(path, path.stat().st_mtime)
    return model if found == key else None
