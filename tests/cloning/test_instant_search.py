"""The instant search's time keeping, against a stand-in scorer on a fake clock (no model)."""

import importlib

import numpy as np
import pytest

from voices.cloning.clone import _Candidate, _instant_search

# voices.cloning exports a function named clone, which hides the module of that name.
clone_module = importlib.import_module("voices.cloning.clone")


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
    monkeypatch.setattr(clone_module.time, "monotonic", lambda: now[0])
    candidates = [_Candidate(np.ones(2) / 2, np.ones(2) / 2) for _ in range(3)]
    monkeypatch.setattr(clone_module, "_instant_candidates", lambda bank, target: candidates)
    monkeypatch.setattr(
        clone_module,
        "_surrogate_candidates",
        lambda scorer, best, count: [
            _Candidate(best.timbre, best.prosody, offset=np.full(2, i + 1.0)) for i in range(count)
        ],
    )
    monkeypatch.setattr(
        clone_module,
        "_mapped_candidate",
        lambda scorer, best: _Candidate(best.timbre, best.prosody, offset=np.zeros(2)),
    )
    return now


def _search(scorer: SlowScorer, deadline: float) -> _Candidate:
    baseline = _Candidate(np.array([1.0, 0.0]), np.array([1.0, 0.0]), 0.4)
    best, _ = _instant_search(scorer, baseline, None, None, "instant", deadline)
    return best


def test_a_fast_machine_scores_every_candidate_and_the_mapped_step(clock):
    scorer = SlowScorer(clock, seconds=2.0)
    best = _search(scorer, deadline=18.0)
    # Three blends, the surrogate model's two proposals and the mapped step.
    assert scorer.scored == 6
    assert np.array_equal(best.offset, np.zeros(2))  # the mapped step scored highest
    assert clock[0] <= 18.0


def test_the_surrogate_proposals_come_before_the_remaining_blends(clock):
    # 4 s a candidate: the first blend and both proposals fit, the other blends do not.
    scorer = SlowScorer(clock, seconds=4.0)
    best = _search(scorer, deadline=18.0)
    assert scorer.scored == 4
    assert clock[0] <= 18.0
    assert best.offset is not None


def test_a_slow_machine_plans_from_what_a_candidate_really_took(clock):
    # Twice the planning estimate per candidate: with the estimate alone, the search would
    # start a second candidate and then the mapped step, ending at 3 x 7 = 21 s.
    scorer = SlowScorer(clock, seconds=7.0)
    _search(scorer, deadline=18.0)
    assert scorer.scored == 2
    assert clock[0] <= 18.0


def test_the_walk_basis_is_computed_once_per_set_of_stock_voices(monkeypatch):
    built = []
    monkeypatch.setattr(clone_module, "_BASES", {})
    monkeypatch.setattr(clone_module._Basis, "of", classmethod(lambda cls, s, k: built.append(1)))

    class Renderer:
        def __init__(self, identity: str) -> None:
            self.identity = lambda: identity

    class Bank:
        styles = None

    def basis_with(identity: str):
        return clone_module._Scorer(Renderer(identity), Bank(), None).basis

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

    monkeypatch.setattr(clone_module, "embed16", fake_embed16)

    class Renderer:
        def render(self, text, style):
            return np.zeros(160, np.float32)

    class Bank:
        styles = np.zeros((2, 510, 1, 256), np.float32)

    class Target:
        embeddings = {name: np.ones(4) / 2 for name in ("campplus", "resemblyzer")}

    scorer = clone_module._Scorer(Renderer(), Bank(), Target())
    cand = _Candidate(np.array([1.0, 0.0]), np.array([1.0, 0.0]))
    texts = ("one", "two")
    first = scorer.score(cand, texts)
    scorer.embedding(cand, texts)  # the mapped step asks for it again
    assert scorer.score(cand, texts) == first
    assert embedded == ["campplus"]
    scorer.score(cand, texts, "resemblyzer")
    assert embedded == ["campplus", "resemblyzer"]
