"""The professional walk's logic, against a stand-in scorer with a known optimum (no model)."""

from dataclasses import dataclass, replace

import numpy as np

from voices.cloning import professional
from voices.cloning.config import CONFIG
from voices.cloning.professional import time_limit, walk
from voices.cloning.scoring import Candidate
from voices.cloning.texts import BANK_TEXTS

DIMS = 32


@dataclass
class _Basis:
    size: int = DIMS


class QuadraticScorer:
    """Objective = minus the squared distance to ``optimum``, plus noise on probe texts."""

    def __init__(self, optimum: np.ndarray, noise: float) -> None:
        self.basis = _Basis()
        self.optimum = optimum
        self.noise = noise
        self.rng = np.random.default_rng(7)
        self.finalists: list[tuple[np.ndarray, float]] = []

    def surrogate(self):
        return None  # no learned model: the walk's own finalists only

    def true_value(self, cand: Candidate) -> float:
        offset = np.zeros(DIMS) if cand.offset is None else cand.offset
        return -float(np.sum((offset - self.optimum) ** 2))

    def objective(self, cand: Candidate, texts) -> tuple[float, float]:
        value = self.true_value(cand)
        if tuple(texts) == BANK_TEXTS:
            offset = np.zeros(DIMS) if cand.offset is None else cand.offset.copy()
            self.finalists.append((offset, value))
            return value, value
        return value + self.noise * self.rng.normal(), value


def _start() -> Candidate:
    return Candidate(np.ones(3) / 3, np.ones(3) / 3)


def _walk(scorer, budget: float, started: float = 0.0, hard_limit=None, seed=0, config=CONFIG):
    return walk(
        scorer,
        _start(),
        seed=seed,
        budget=budget,
        started=started,
        hard_limit=hard_limit,
        config=config,
    )


def _run(scorer: QuadraticScorer, budget: float = 200.0, seed: int = 0):
    return _walk(scorer, budget, seed=seed)


def test_walk_climbs_towards_the_optimum_and_keeps_the_best_finalist():
    optimum = np.full(DIMS, 0.5)
    scorer = QuadraticScorer(optimum, noise=0.5)

    best, history = _run(scorer)

    assert len(history) > 10
    # Start, end and the mean of the second half are compared on the bank texts.
    assert len(scorer.finalists) == 3
    assert scorer.true_value(best) == max(value for _, value in scorer.finalists)
    assert scorer.true_value(best) > scorer.true_value(_start())


def test_walk_average_of_late_positions_beats_the_noisy_last_step():
    # Noise far larger than the signal near the optimum: the last position jitters around it,
    # the mean of the late positions sits closer.
    optimum = np.full(DIMS, 0.3)
    scorer = QuadraticScorer(optimum, noise=5.0)

    best, _ = _run(scorer, budget=540.0)

    (_, start), (_, end), (_, mean) = scorer.finalists
    assert mean > end
    assert scorer.true_value(best) == mean


def test_walk_is_deterministic_for_a_seed():
    optimum = np.linspace(-1, 1, DIMS)
    a, history_a = _run(QuadraticScorer(optimum, noise=0.5), seed=3)
    b, history_b = _run(QuadraticScorer(optimum, noise=0.5), seed=3)
    c, _ = _run(QuadraticScorer(optimum, noise=0.5), seed=4)

    assert history_a == history_b
    assert np.array_equal(a.offset, b.offset)
    assert not np.array_equal(a.offset, c.offset)


def test_only_the_shipped_professional_plan_gets_the_default_time_limit():
    assert time_limit("professional", None, None) == CONFIG.professional_time_limit
    # The limit includes the final comparison; the rest is room for the final scores.
    assert CONFIG.professional_time_limit <= 585
    assert time_limit("professional", 900.0, None) is None  # the caller chose its time
    assert time_limit("professional", None, 30.0) == 30.0
    assert time_limit("instant", None, None) is None


def test_the_walk_stops_stepping_at_the_time_limit():
    scorer = QuadraticScorer(np.full(DIMS, 0.5), noise=0.5)
    # Started "long ago": the limit is already past, so only the first step's check runs.
    _, history = _walk(scorer, 540.0, started=-1e9, hard_limit=10.0)
    assert history == []
    assert len(scorer.finalists) == 2  # start and end; no average without steps


def test_a_walk_cut_short_by_the_time_limit_still_averages_its_late_positions(monkeypatch):
    clock = [0.0]

    class SlowScorer(QuadraticScorer):
        def objective(self, cand, texts):
            clock[0] += 1.0  # every render costs a "second" of the fake clock
            return super().objective(cand, texts)

    monkeypatch.setattr(professional.time, "monotonic", lambda: clock[0])
    scorer = SlowScorer(np.full(DIMS, 0.3), noise=5.0)
    _, history = _walk(scorer, 540.0, hard_limit=40.0)

    planned = len(_run(QuadraticScorer(np.full(DIMS, 0.3), noise=5.0))[1])
    assert 2 < len(history) < planned
    # Start, end and the mean of the second half of the steps that were taken.
    assert len(scorer.finalists) == 3
    # The walk kept room for that comparison: it ends by the limit, not one step after it.
    assert clock[0] <= 40.0


def test_a_machine_that_slows_down_mid_walk_still_ends_by_the_limit(monkeypatch):
    clock, calls = [0.0], [0]

    class SlowingScorer(QuadraticScorer):
        def objective(self, cand, texts):
            calls[0] += 1
            clock[0] += 1.0 if calls[0] <= 20 else 3.0  # renders triple in cost after 20
            return super().objective(cand, texts)

    monkeypatch.setattr(professional.time, "monotonic", lambda: clock[0])
    scorer = SlowingScorer(np.full(DIMS, 0.3), noise=5.0)
    _, history = _walk(scorer, 540.0, hard_limit=100.0)

    assert len(history) > 3  # it went on stepping at the slower pace
    assert clock[0] <= 100.0


def test_the_refitted_surrogate_proposals_compete_with_the_walks_finalists(monkeypatch):
    optimum = np.full(DIMS, 0.5)
    asked = []

    def proposals(scorer, best, count, offsets=(), learn=False, config=CONFIG):
        asked.append((count, len(offsets), learn))
        return [Candidate(best.timbre, best.prosody, offset=optimum.copy())]

    monkeypatch.setattr(professional, "surrogate_candidates", proposals)
    scorer = QuadraticScorer(optimum, noise=0.5)
    best, _ = _run(scorer)

    # One round mid-walk (from where the walk is), then the final proposals, searched from the
    # end and the average as well; every time refitted on the walk's renders.
    assert asked == [
        (CONFIG.round_proposals, 1, True),
        (CONFIG.walk_proposals, 2, True),
    ]
    # The start, the round's proposal, then the end, the average and the final proposal.
    assert len(scorer.finalists) == 5
    assert np.array_equal(best.offset, optimum)


def test_the_walk_jumps_to_a_round_proposal_that_beats_the_best_so_far(monkeypatch):
    optimum = np.full(DIMS, 2.0)
    near = np.full(DIMS, 1.8)  # better than the start, still short of the optimum
    far = np.full(DIMS, -2.0)  # worse than the start: must not move the walk
    offered = iter([[far], [near], [far]])
    probed = []

    def proposals(scorer, best, count, offsets=(), learn=False, config=CONFIG):
        probed.append([o.copy() for o in offsets])
        # Three rounds, then the final proposals: none.
        return [Candidate(best.timbre, best.prosody, offset=o.copy()) for o in next(offered, [])]

    monkeypatch.setattr(professional, "surrogate_candidates", proposals)
    scorer = QuadraticScorer(optimum, noise=0.0)
    _walk(scorer, 160.0, config=replace(CONFIG, round_every=3))

    first, second, third, _ = probed
    assert len(first) == 1  # the start has no offset: only the walk's own position
    # After the jump the walk stands at the proposal, and the proposal leads.
    assert len(third) == 2
    assert np.array_equal(third[1], near)
    # Three steps of 0.4 from the jump: the walk went on from there, not from its old place.
    assert np.linalg.norm(third[0] - near) <= 3 * CONFIG.walk_step + 1e-9
    assert not np.array_equal(third[0], near)
