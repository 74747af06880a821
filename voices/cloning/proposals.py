"""Candidates suggested by the learned models: the surrogate's proposals and the mapped step.

Both models describe the stock voices they were fitted for; with other voices they are absent
and these functions propose nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .config import CONFIG, OPTIMISED_ENCODER, CloneConfig
from .scoring import Candidate, Scorer
from .stepmap import solve_step
from .surrogate import inverse_map, neighbour_mean, propose
from .texts import BANK_TEXTS


def surrogate_candidates(
    scorer: Scorer,
    best: Candidate,
    *,
    count: int,
    offsets: Sequence[np.ndarray] = (),
    learn: bool = False,
    config: CloneConfig = CONFIG,
) -> list[Candidate]:
    """Points the surrogate model expects to sound like the reference, as walk offsets from
    ``best``'s blend (so the blend's part outside the span is kept). The search starts from
    ``best`` and from ``offsets``; with ``learn`` the model is first refitted with everything
    the scorer has rendered so far."""
    model = scorer.surrogate()
    if model is None or count <= 0:
        return []
    if learn and scorer.observed:
        points, embeddings, pitches = zip(*scorer.observed, strict=True)
        model = model.extended(np.stack(points), np.stack(embeddings), np.asarray(pitches))
    basis = scorer.basis
    anchor = basis.coordinates(best.timbre, best.prosody)
    here = anchor if best.offset is None else anchor + best.offset
    starts = [here] + [anchor + o for o in offsets]
    target = scorer.target.embeddings[OPTIMISED_ENCODER]
    found = propose(model, target, starts, f0=scorer.target.f0, count=count)
    limit = config.walk_max_coord
    return [
        Candidate(best.timbre, best.prosody, offset=np.clip(coords - anchor, -limit, limit))
        for _, coords in found
    ]


def mapped_candidate(
    scorer: Scorer, best: Candidate, *, config: CloneConfig = CONFIG
) -> Candidate | None:
    """One step from ``best`` towards the reference, chosen through the step map."""
    jacobian = scorer.step_map()
    if jacobian is None:
        return None
    # A stock voice's speech on the bank texts is already embedded in the bank.
    stock = np.flatnonzero(best.timbre == 1.0)
    if best.offset is None and len(stock) == 1 and np.array_equal(best.timbre, best.prosody):
        current = scorer.bank.embeddings[OPTIMISED_ENCODER][stock[0]]
    else:
        current = scorer.embedding(best, BANK_TEXTS)
    gap = scorer.target.embeddings[OPTIMISED_ENCODER] - current
    gain = float(np.trace(jacobian.T @ jacobian)) / jacobian.shape[1]
    x = solve_step(jacobian, gap, damping=config.map_damping * gain, max_norm=config.map_max_step)
    start = np.zeros(scorer.basis.size) if best.offset is None else best.offset
    offset = np.clip(start + x, -config.walk_max_coord, config.walk_max_coord)
    return Candidate(best.timbre, best.prosody, offset=offset)


def inverse_candidates(
    scorer: Scorer, anchor: Candidate, *, config: CloneConfig = CONFIG
) -> list[Candidate]:
    """Points read straight off the reference embedding, without rendering: the inverse map's
    and the mean of the fitted renders nearest to it, as walk offsets from ``anchor``'s blend
    (whose part outside the span is kept). Empty without the surrogate's renders."""
    model = scorer.surrogate()
    if model is None:
        return []
    target = scorer.target.embeddings[OPTIMISED_ENCODER]
    f0 = scorer.target.f0
    here = scorer.basis.coordinates(anchor.timbre, anchor.prosody)
    limit = config.walk_max_coord
    return [
        Candidate(anchor.timbre, anchor.prosody, offset=np.clip(coords - here, -limit, limit))
        for coords in (inverse_map(model, target, f0=f0), neighbour_mean(model, target, f0=f0))
    ]
