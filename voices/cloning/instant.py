"""The instant tier: a fixed list of candidates, each rendered and scored, best kept.

The candidates the plan can include, in order: a similarity-weighted blend of the stock voices
nearest to the reference (of the speaker's gender when the pitch is clear), the points the
surrogate model expects to sound most like the reference, a sharper blend, a blend with a
pitch-matched prosody half, the two points read off the reference embedding through the
surrogate's renders (an inverse map and the nearest renders' mean), and one step from the best
so far through the step map. The shipped plan renders only the two read-off points: on the dev
speakers they were as close as the surrogate's proposals by CAM++ and closer by the judge
encoder (docs/cloning.md). Each candidate is rendered on the two bank texts and scored with
CAM++ against the nearest stock voice, whose score comes free from the bank. The list is fixed,
so the result depends only on the input and the seed, never on how fast or busy the machine is.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from .bank import StockBank
from .config import CONFIG, OPTIMISED_ENCODER, CloneConfig, Tier, search_plan
from .errors import CloningTimedOut, raise_if_cancelled
from .proposals import inverse_candidates, mapped_candidate, surrogate_candidates
from .scoring import Candidate, Scorer, Target
from .texts import BANK_TEXTS

Progress = Callable[[float, float], None]


def one_hot(n: int, i: int) -> np.ndarray:
    w = np.zeros(n)
    w[i] = 1.0
    return w


def softmax_blend(sims: np.ndarray, *, k: int, temperature: float) -> np.ndarray:
    top = np.argsort(sims)[::-1][:k]
    w = np.zeros_like(sims)
    w[top] = np.exp((sims[top] - sims[top[0]]) / temperature)
    return w / w.sum()


def pitch_matched(
    bank: StockBank, sims: np.ndarray, f0: float, config: CloneConfig = CONFIG
) -> np.ndarray:
    """Prosody weights favouring similar voices whose rendered pitch is close to the speaker's."""
    soft = softmax_blend(sims, k=config.soft_k, temperature=config.soft_temperature)
    if f0 <= 0:
        return soft
    top = np.argsort(sims)[::-1][: config.pitch_pool]
    distance = np.log(np.maximum(bank.f0[top], 50.0) / f0)
    w = np.zeros_like(sims)
    closeness = np.exp(-0.5 * (distance / config.pitch_width) ** 2)
    w[top] = closeness * np.exp((sims[top] - sims[top[0]]) / config.pitch_temperature)
    return w / w.sum() if w.sum() > 0 else soft


def gender_mask(bank: StockBank, f0: float, config: CloneConfig = CONFIG) -> np.ndarray:
    """Stock voices of the speaker's likely gender; all voices when the pitch is ambiguous."""
    genders = np.array(bank.genders)
    if 0 < f0 < config.male_below:
        mask = genders == "male"
    elif f0 > config.female_above:
        mask = genders == "female"
    else:
        mask = np.ones(len(genders), bool)
    return mask if mask.sum() >= 3 else np.ones(len(genders), bool)


def gated_similarities(bank: StockBank, target: Target, config: CloneConfig = CONFIG) -> np.ndarray:
    sims = bank.embeddings[OPTIMISED_ENCODER] @ target.embeddings[OPTIMISED_ENCODER]
    return np.where(gender_mask(bank, target.f0, config), sims, -1.0)


def baseline(bank: StockBank, target: Target, config: CloneConfig = CONFIG) -> Candidate:
    """The nearest stock voice of the speaker's gender, scored from the bank's embeddings.

    CAM++ on synthetic speech sometimes prefers an other-gender voice that the independent
    judge (and a listener) don't, hence the gate.
    """
    gated = gated_similarities(bank, target, config)
    i = int(np.argmax(gated))
    return Candidate(one_hot(len(gated), i), one_hot(len(gated), i), float(gated[i]))


def blend_candidates(
    bank: StockBank, target: Target, config: CloneConfig = CONFIG
) -> list[Candidate]:
    """Closed-form candidates: the soft blend first (it also anchors the surrogate's search),
    then a sharper blend and one with a pitch-matched prosody half."""
    sims = gated_similarities(bank, target, config)
    soft = softmax_blend(sims, k=config.soft_k, temperature=config.soft_temperature)
    sharp = softmax_blend(sims, k=config.sharp_k, temperature=config.sharp_temperature)
    pitch = pitch_matched(bank, sims, target.f0, config)
    return [Candidate(soft, soft), Candidate(sharp, sharp), Candidate(soft, pitch)]


def planned_candidates(tier: Tier, config: CloneConfig = CONFIG) -> int:
    """How many candidates the search scores when both learned models are present."""
    return search_plan(tier, config).candidates


def instant_search(
    scorer: Scorer,
    start: Candidate,
    *,
    tier: Tier,
    config: CloneConfig = CONFIG,
    deadline: float | None = None,
    should_cancel: Callable[[], bool] | None = None,
    progress: Progress | None = None,
) -> Candidate:
    """The best of ``start`` (already scored) and the planned candidates on the bank texts.

    ``deadline`` (a ``time.monotonic()`` value) is a safety net: a candidate due after it makes
    the clone fail with ``CloningTimedOut`` rather than return a voice chosen by the clock.
    """
    best, done = start, 0
    planned = search_plan(tier, config).candidates
    share = 100.0 if tier == "instant" else 10.0
    # The instant tier ranks the voices it rendered by CAM++ and the distance between long-term
    # spectra, so one encoder's taste for a voice that sounds wrong decides less; the nearest
    # stock voice (not rendered, no spectrum) is then compared by CAM++ alone.
    weight = config.instant_ltas_weight if tier == "instant" else 0.0
    rendered: Candidate | None = None
    rendered_value = -np.inf

    def consider(cand: Candidate) -> None:
        nonlocal best, done, rendered, rendered_value
        raise_if_cancelled(should_cancel)
        if deadline is not None and time.monotonic() > deadline:
            raise CloningTimedOut(
                "the server was too busy to finish the clone in time; please try again"
            )
        cand.score = scorer.score(cand, BANK_TEXTS)
        value = cand.score
        if weight > 0:
            value -= weight * scorer.spectral_distance(cand, BANK_TEXTS)
        if value > rendered_value:
            rendered, rendered_value = cand, value
        best = rendered if rendered.score > start.score else start
        done += 1
        if progress:
            progress(share * done / (planned + 1), best.score)

    plan = search_plan(tier, config)
    blends = blend_candidates(scorer.bank, scorer.target, config)
    scored = blends[: plan.blends]
    if scored:
        consider(scored[0])
    # The proposals keep their anchor's part outside the span: the best voice scored so far,
    # or the soft blend when no blend is scored.
    anchor = best if scored else blends[0]
    for cand in surrogate_candidates(scorer, anchor, count=plan.proposals, config=config):
        consider(cand)
    for cand in scored[1:]:
        consider(cand)
    if plan.inverse:
        for cand in inverse_candidates(scorer, blends[0], config=config):
            consider(cand)
    if plan.mapped_step:
        mapped = mapped_candidate(scorer, best, config=config)
        if mapped is not None:
            consider(mapped)
    return best
