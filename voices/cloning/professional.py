"""The professional tier: a walk from the instant voice along the stock voices' principal
components, helped by the surrogate model refitted with everything the walk renders.

Each step probes a few random directions both ways on one sentence (a different one each step)
and moves a fixed distance along the estimated gradient: antithetic pairs cancel most of what
the sentence itself contributes, so steps follow the voice. Every few steps the refitted
surrogate proposes points scored on the bank texts; one that beats the best voice so far
becomes the walk's new position. The walk ends by comparing that best voice, the end, the mean
position over the second half of the steps since the last jump (a fixed step size leaves the
last position jittering around the optimum) and two last proposals, so it can only improve by
its own measure.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .config import CONFIG, CloneConfig, Tier
from .errors import raise_if_cancelled
from .instant import planned_candidates
from .proposals import surrogate_candidates
from .scoring import Candidate, Scorer
from .texts import BANK_TEXTS, SCORING_TEXTS

Progress = Callable[[float, float], None]


def time_limit(
    tier: Tier, budget: float | None, hard_limit: float | None, config: CloneConfig = CONFIG
) -> float | None:
    """The shipped professional plan gets the wall-clock safety net unless one is given.

    A caller who sets its own budget has chosen its own time, so it gets no default limit.
    """
    if hard_limit is None and tier == "professional" and budget is None:
        return config.professional_time_limit
    return hard_limit


@dataclass(frozen=True)
class WalkPlan:
    """Steps and rounds, planned from the budget with a fixed cost per rendered sentence."""

    steps: int
    rounds: tuple[int, ...]  # the steps before which the refitted surrogate proposes points
    step_sentences: int  # renders of one step (both probes of each pair)
    round_sentences: int  # renders of one round (each proposal on the bank texts)
    final_sentences: int  # the end, the average and the final proposals on the bank texts

    @classmethod
    def of(cls, budget: float, config: CloneConfig = CONFIG) -> WalkPlan:
        per_render = config.seconds_per_render
        instant_stage = planned_candidates("professional", config) * 2 * per_render + 3.0
        step_sentences = 2 * config.walk_pairs
        round_sentences = config.round_proposals * len(BANK_TEXTS)
        final_sentences = (2 + config.walk_proposals) * len(BANK_TEXTS)
        # The plan also counts the start's score, taken first.
        final_stage = (final_sentences + len(BANK_TEXTS)) * per_render
        per_step = step_sentences * per_render
        steps = max(1, int((budget - instant_stage - final_stage) // per_step))
        rounds = list(range(config.round_every, steps, config.round_every))
        steps -= int(len(rounds) * round_sentences * per_render // per_step)
        return cls(
            steps=steps,
            rounds=tuple(s for s in rounds if s < steps),
            step_sentences=step_sentences,
            round_sentences=round_sentences,
            final_sentences=final_sentences,
        )


@dataclass
class _Walk:
    scorer: Scorer
    start: Candidate
    plan: WalkPlan
    config: CloneConfig
    started: float
    hard_limit: float | None
    should_cancel: Callable[[], bool] | None
    x: np.ndarray = field(init=False)
    leader: Candidate = field(init=False)  # the best voice scored on the bank texts so far
    positions: list[np.ndarray] = field(default_factory=list)
    history: list[float] = field(default_factory=list)
    # Seconds per rendered sentence, one per step taken. The slowest of a full rotation of the
    # probe texts is used: it covers their longest, and a machine that slows down shows at once.
    paces: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.x = np.zeros(self.scorer.basis.size) if self.start.offset is None else (
            self.start.offset.copy()
        )  # fmt: skip
        self.leader = self.start

    def at(self, coords: np.ndarray) -> Candidate:
        return Candidate(self.start.timbre, self.start.prosody, offset=coords)

    def fits(self, sentences: int) -> bool:
        """Whether ``sentences`` more renders and the final comparison end by the limit."""
        if not self.hard_limit:
            return True
        recent = self.paces[-len(SCORING_TEXTS) :] or [self.config.seconds_per_render]
        owed = max(recent) * (sentences + self.plan.final_sentences)
        return time.monotonic() - self.started + owed <= self.hard_limit

    def round(self) -> None:
        """Score the refitted surrogate's proposals; jump to one that beats the leader."""
        offsets = [self.x] if self.leader.offset is None else [self.x, self.leader.offset]
        before = self.leader
        for cand in surrogate_candidates(
            self.scorer,
            self.start,
            count=self.config.round_proposals,
            offsets=offsets,
            learn=True,
            config=self.config,
        ):
            raise_if_cancelled(self.should_cancel)
            cand.score = self.scorer.objective(cand, BANK_TEXTS)[0]
            if cand.score > self.leader.score:
                self.leader = cand
        if self.leader is not before:
            self.x = self.leader.offset.copy()
            # Averaging across the jump would land between the old place and the new one.
            self.positions.clear()

    def step(self, step: int, rng: np.random.Generator) -> None:
        """Probe random directions both ways on one sentence and move along the gradient."""
        limit, sigma = self.config.walk_max_coord, self.config.walk_sigma
        text = (SCORING_TEXTS[step % len(SCORING_TEXTS)],)
        directions = rng.normal(size=(self.config.walk_pairs, self.x.size))
        gains, similarities = [], []
        for d in directions:
            values = []
            for sign in (1, -1):
                raise_if_cancelled(self.should_cancel)
                probe = np.clip(self.x + sign * sigma * d, -limit, limit)
                value, similarity = self.scorer.objective(self.at(probe), text)
                values.append(value)
                similarities.append(similarity)
            gains.append(values[0] - values[1])
        gradient = np.asarray(gains) @ directions
        norm = float(np.linalg.norm(gradient))
        if norm > 0:
            self.x = np.clip(self.x + self.config.walk_step * gradient / norm, -limit, limit)
        self.positions.append(self.x)
        self.history.append(round(float(np.mean(similarities)), 4))

    def finish(self) -> Candidate:
        """The best of the leader, the end, the late average and the final proposals."""
        finalists = [self.leader, self.at(self.x)]
        # The second half of the steps actually taken: a walk cut short by the time limit on a
        # slow machine still gets its average.
        late = self.positions[len(self.positions) // 2 :]
        if len(late) > 1:
            finalists.append(self.at(sum(late, np.zeros_like(self.x)) / len(late)))
        # The surrogate model, refitted with the walk's own renders, knows the neighbourhood
        # the walk explored better than any one noisy probe did.
        finalists += surrogate_candidates(
            self.scorer,
            self.start,
            count=self.config.walk_proposals,
            offsets=[c.offset for c in finalists[1:]],
            learn=True,
            config=self.config,
        )
        for cand in finalists[1:]:
            raise_if_cancelled(self.should_cancel)
            cand.score = self.scorer.objective(cand, BANK_TEXTS)[0]
        return max(finalists, key=lambda c: c.score)


def walk(
    scorer: Scorer,
    start: Candidate,
    *,
    seed: int,
    budget: float,
    started: float,
    hard_limit: float | None = None,
    should_cancel: Callable[[], bool] | None = None,
    progress: Progress | None = None,
    config: CloneConfig = CONFIG,
) -> tuple[Candidate, list[float]]:
    """Climb from ``start``; returns the best finalist and the mean similarity of each step.

    ``started`` is the ``time.monotonic()`` at which the clone began. With a ``hard_limit``
    (seconds from ``started``) the walk takes no step that, at the pace measured so far, would
    leave the final comparison ending after the limit.
    """
    rng = np.random.default_rng(seed)
    plan = WalkPlan.of(budget, config)
    state = _Walk(scorer, start, plan, config, started, hard_limit, should_cancel)
    # Scored now, while the instant search's render of the start is still in the cache.
    start.score = scorer.objective(start, BANK_TEXTS)[0]
    for step in range(plan.steps):
        owed = plan.step_sentences + (plan.round_sentences if step in plan.rounds else 0)
        if not state.fits(owed):
            break
        stepped = time.monotonic()
        if step in plan.rounds:
            state.round()
        state.step(step, rng)
        state.paces.append((time.monotonic() - stepped) / owed)
        if progress:
            progress(10.0 + 85.0 * (step + 1) / plan.steps, state.history[-1])
    raise_if_cancelled(should_cancel)
    return state.finish(), state.history
