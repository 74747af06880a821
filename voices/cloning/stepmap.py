"""A linear map from walk coordinates to CAM++ embedding change, fitted on renders.

The professional walk learns which way to move by rendering probes; the instant tier has no
time for that. This map, fitted once on antithetic probe pairs around the stock voices, lets it
take one informed step instead: the coordinates whose predicted embedding change best explains
the gap between a candidate's speech and the reference (a ridge least-squares solve).

A copy for the stock Kokoro v1.0 voices ships in ``data/`` (a few KB), keyed like the stock bank:
it is used only when the installed voices and the walk basis match, otherwise the instant tier
simply does without it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from .encoders import embed16, normalise
from .render import Renderer
from .texts import SCORING_TEXTS

MAP_VERSION = "stepmap-1"
SHIPPED_MAP = Path(__file__).with_name("data") / "step-map.npz"
# Probe offsets in stock-voice spreads: large enough that the embedding change is well above
# the render-to-render noise, small enough that the response stays roughly linear.
_PROBE_SIGMA = 0.8
_FIT_RIDGE = 1.0


def map_key(bank_key: str, basis_size: int) -> str:
    return f"{MAP_VERSION}-{bank_key}-{basis_size}"


def probe_pairs(
    renderer: Renderer,
    styles: np.ndarray,
    apply: Callable[[np.ndarray, np.ndarray], np.ndarray],
    size: int,
    *,
    pairs: int,
    seed: int = 0,
    log: Callable[[str], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Coordinate moves [pairs, size] and the embedding changes they caused [pairs, dim].

    Each pair renders one stock voice moved by ``+x`` and by ``-x`` on the same sentence: the
    difference cancels the sentence and the voice's own position, leaving about ``2 J x``.
    """
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for i in range(pairs):
        start = styles[rng.integers(len(styles))]
        x = rng.normal(scale=_PROBE_SIGMA, size=size)
        text = SCORING_TEXTS[i % len(SCORING_TEXTS)]
        up = normalise(embed16(renderer.render(text, apply(start, x)), "campplus"))
        down = normalise(embed16(renderer.render(text, apply(start, -x)), "campplus"))
        xs.append(2 * x)
        ys.append(up - down)
        if log:
            log(f"step map: {i + 1}/{pairs} probe pairs")
    return np.asarray(xs), np.asarray(ys)


def fit_step_map(moves: np.ndarray, changes: np.ndarray) -> np.ndarray:
    """``J`` [dim, size] with ``embedding(start + x) - embedding(start) ~ J @ x`` (ridge)."""
    size = moves.shape[1]
    jt = np.linalg.solve(moves.T @ moves + _FIT_RIDGE * np.eye(size), moves.T @ changes)
    return jt.T.astype(np.float32)


def explained(jacobian: np.ndarray, moves: np.ndarray, changes: np.ndarray) -> float:
    """Share of the embedding changes on ``moves`` that the map predicts (R^2, <= 1)."""
    residual = changes - moves @ jacobian.T
    return 1.0 - float(np.sum(residual**2)) / float(np.sum(changes**2))


def load_step_map(key: str, path: Path = SHIPPED_MAP) -> np.ndarray | None:
    if not path.is_file():
        return None
    with np.load(path) as npz:
        if "key" not in npz.files or str(npz["key"]) != key:
            return None
        return npz["jacobian"]


def save_step_map(path: Path, key: str, jacobian: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, key=np.array(key), jacobian=jacobian)


def solve_step(
    jacobian: np.ndarray, gap: np.ndarray, *, damping: float, max_norm: float
) -> np.ndarray:
    """The coordinates whose predicted embedding change best matches ``gap`` (damped)."""
    jt = jacobian.T.astype(np.float64)
    x = np.linalg.solve(jt @ jt.T + damping * np.eye(len(jt)), jt @ gap)
    norm = float(np.linalg.norm(x))
    return x * (max_norm / norm) if norm > max_norm else x
