"""The instant search's fixed plan, against a stand-in scorer on a fake clock (no model)."""

from dataclasses import replace

import numpy as np
import pytest

from voices.cloning import instant, scoring
from voices.cloning.config import CONFIG
from voices.cloning.errors import CloningTimedOut
from voices.cloning.instant import instant_search, planned_candidates
from voices.cloning.scoring import Candidate, Scorer

# Every candidate kind: three blends, two proposals, the two read-off points, the mapped step.
FULL = replace(
    CONFIG, instant_blends=3, instant_proposals=2, instant_inverse=True, instant_mapped_step=True
)


class SlowScorer:
    """Each candidate costs ``seconds`` of the fake clock and scores a little higher."""

    bank = target = None

    def __init__(self, clock: list[float], seconds: float) -> None:
        self.clock, self.seconds, self.scored = clock, seconds, 0

    def score(self, cand, texts) -> float:
        self.clock[0] += self.seconds
        self.scored += 1
        return 0.5 + 0.01 * self.scored


@pytest.fixture
def clock(monkeypatch):
    now = [0.0]
    monkeypatch.setattr(instant.time, "monotonic", lambda: now[0])
    candidates = [Candidate(np.ones(2) / 2, np.ones(2) / 2) for _ in range(3)]
    monkeypatch.setattr(instant, "blend_candidates", lambda bank, target, config: candidates)
    monkeypatch.setattr(
        instant,
        "surrogate_candidates",
        lambda scorer, best, count, config: [
            Candidate(best.timbre, best.prosody, offset=np.full(2, i + 1.0)) for i in range(count)
        ],
    )
    monkeypatch.setattr(
        instant,
        "inverse_candidates",
        lambda scorer, anchor, config: [
            Candidate(anchor.timbre, anchor.prosody, offset=np.full(2, 10.0 + i)) for i in range(2)
        ],
    )
    monkeypatch.setattr(
        instant,
        "mapped_candidate",
        lambda scorer, best, config: Candidate(best.timbre, best.prosody, offset=np.zeros(2)),
    )
    return now


def _search(scorer: SlowScorer, deadline: float | None = None, config=CONFIG) -> Candidate:
    start = Candidate(np.array([1.0, 0.0]), np.array([1.0, 0.0]), 0.4)
    return instant_search(scorer, start, tier="instant", deadline=deadline, config=config)


@pytest.mark.parametrize("seconds", [0.5, 2.0, 7.0])
def test_every_candidate_of_the_full_plan_is_scored_however_slow_the_machine(clock, seconds):
    scorer = SlowScorer(clock, seconds=seconds)
    best = _search(scorer, deadline=1000.0, config=FULL)
    # Three blends, the surrogate model's two proposals, the two read-off points and the
    # mapped step, on any machine.
    assert scorer.scored == planned_candidates("instant", FULL) == 8
    assert np.array_equal(best.offset, np.zeros(2))  # the mapped step scored highest


def test_the_shipped_plan_scores_the_two_points_read_off_the_reference(clock):
    scorer = SlowScorer(clock, seconds=7.0)
    best = _search(scorer, deadline=1000.0)
    assert scorer.scored == planned_candidates("instant") == 2
    assert np.array_equal(best.offset, np.full(2, 11.0))  # the second one scored higher
    # Both are offsets from the soft blend, which is not rendered itself.
    assert np.array_equal(best.timbre, np.ones(2) / 2)


def test_the_nearest_stock_voice_is_kept_when_the_read_off_points_score_lower(clock):
    start = Candidate(np.array([1.0, 0.0]), np.array([1.0, 0.0]), 0.9)
    best = instant_search(SlowScorer(clock, seconds=1.0), start, tier="instant")
    assert best is start


def test_without_a_scored_blend_the_proposals_are_anchored_at_the_soft_blend(clock, monkeypatch):
    anchors = []
    original = instant.surrogate_candidates

    def remember(scorer, best, count, config):
        anchors.append(best)
        return original(scorer, best, count=count, config=config)

    monkeypatch.setattr(instant, "surrogate_candidates", remember)
    scorer = SlowScorer(clock, seconds=1.0)
    plan = replace(CONFIG, instant_blends=0, instant_proposals=2, instant_inverse=False)
    _search(scorer, config=plan)
    assert scorer.scored == 2
    assert anchors[0].score == -1.0 and anchors[0].offset is None  # the unscored soft blend


def test_a_machine_too_slow_for_the_safety_net_fails_the_clone_clearly(clock):
    scorer = SlowScorer(clock, seconds=30.0)
    with pytest.raises(CloningTimedOut, match="too busy"):
        _search(scorer, deadline=90.0, config=FULL)
    # It stopped at the limit instead of returning whatever the clock had allowed.
    assert scorer.scored == 4


def test_the_professional_tier_scores_more_proposals(clock):
    scorer = SlowScorer(clock, seconds=1.0)
    start = Candidate(np.array([1.0, 0.0]), np.array([1.0, 0.0]), 0.4)
    instant_search(scorer, start, tier="professional")
    assert scorer.scored == planned_candidates("professional") == 8


def test_the_walk_basis_is_computed_once_per_set_of_stock_voices(monkeypatch):
    built = []
    monkeypatch.setattr(scoring, "_BASES", {})
    monkeypatch.setattr(scoring.Basis, "of", classmethod(lambda cls, s, k: built.append(1)))

    class Renderer:
        def __init__(self, identity: str) -> None:
            self.identity = lambda: identity

    class Bank:
        styles = None

    def basis_with(identity: str):
        return Scorer(Renderer(identity), Bank(), None).basis

    basis_with("voices-a")
    basis_with("voices-a")
    assert len(built) == 1  # a second clone reuses it
    basis_with("voices-b")
    assert len(built) == 2  # other stock voices, other basis


def test_a_candidates_speech_is_embedded_once_per_encoder(monkeypatch):
    embedded = []

    def fake_embed16(audio, encoder):
        embedded.append(encoder)
        return np.ones(4)

    monkeypatch.setattr(scoring, "embed16", fake_embed16)

    class Renderer:
        def render(self, text, style):
            return np.zeros(160, np.float32)

    class Bank:
        styles = np.zeros((2, 510, 1, 256), np.float32)

    class Target:
        embeddings = {name: np.ones(4) / 2 for name in ("campplus", "resemblyzer")}

    scorer = Scorer(Renderer(), Bank(), Target())
    cand = Candidate(np.array([1.0, 0.0]), np.array([1.0, 0.0]))
    texts = ("one", "two")
    first = scorer.score(cand, texts)
    scorer.embedding(cand, texts)  # the mapped step asks for it again
    assert scorer.score(cand, texts) == first
    assert embedded == ["campplus"]
    scorer.score(cand, texts, "resemblyzer")
    assert embedded == ["campplus", "resemblyzer"]


class SpectralScorer:
    """Proposal offsets decide the scores: CAM++ rises with the offset, and so does the
    distance between long-term spectra."""

    bank = target = None

    def score(self, cand, texts) -> float:
        return 0.5 if cand.offset is None else 0.5 + 0.1 * float(cand.offset[0])

    def spectral_distance(self, cand, texts) -> float:
        return 4.0 if cand.offset is None else 4.0 + 2.0 * float(cand.offset[0])


def test_the_instant_tier_can_rank_candidates_by_similarity_and_spectrum(clock):
    # Proposal 1: CAM++ 0.6 at 6 dB; proposal 2: CAM++ 0.7 at 8 dB; the soft blend 0.5 at 4 dB.
    plan = replace(CONFIG, instant_blends=1, instant_proposals=2, instant_inverse=False)
    by_similarity = _search(SpectralScorer(), config=plan)
    assert np.array_equal(by_similarity.offset, np.full(2, 2.0))
    # 0.1 per dB: 0.1, 0.0 and -0.1, so the blend, closest in spectrum, wins.
    weighted = _search(SpectralScorer(), config=replace(plan, instant_ltas_weight=0.1))
    assert weighted.offset is None and weighted.score == 0.5
    # The reported score stays the CAM++ similarity, and the nearest stock voice (no spectrum)
    # is compared by it alone: here its 0.4 loses, at 0.55 it wins.
    start = Candidate(np.array([1.0, 0.0]), np.array([1.0, 0.0]), 0.55)
    kept = instant_search(
        SpectralScorer(), start, tier="instant", config=replace(plan, instant_ltas_weight=0.1)
    )
    assert kept is start


def test_the_spectrum_weight_leaves_the_professional_start_to_cam_alone(clock):
    start = Candidate(np.array([1.0, 0.0]), np.array([1.0, 0.0]), 0.4)
    config = replace(CONFIG, instant_ltas_weight=0.1)
    best = instant_search(SpectralScorer(), start, tier="professional", config=config)
    assert best.offset is not None and best.score == max(0.5 + 0.1 * i for i in range(1, 5))
