"""The instant tier's step map: the solve, the norm cap and the key check (no model)."""

import numpy as np

from voices.cloning.stepmap import load_step_map, save_step_map, solve_step


def test_solve_step_recovers_the_coordinates_that_explain_the_gap():
    rng = np.random.default_rng(0)
    jacobian = rng.normal(size=(192, 32))
    wanted = rng.normal(scale=0.3, size=32)

    x = solve_step(jacobian, jacobian @ wanted, damping=1e-6, max_norm=10.0)

    np.testing.assert_allclose(x, wanted, atol=1e-4)


def test_solve_step_never_goes_further_than_the_cap():
    rng = np.random.default_rng(1)
    jacobian = rng.normal(size=(192, 32))
    gap = jacobian @ rng.normal(scale=5.0, size=32)

    x = solve_step(jacobian, gap, damping=1e-6, max_norm=2.0)

    assert abs(np.linalg.norm(x) - 2.0) < 1e-9


def test_damping_shortens_the_step():
    rng = np.random.default_rng(2)
    jacobian = rng.normal(size=(192, 32))
    gap = rng.normal(size=192)

    loose = solve_step(jacobian, gap, damping=1e-6, max_norm=100.0)
    damped = solve_step(jacobian, gap, damping=1e3, max_norm=100.0)

    assert np.linalg.norm(damped) < 0.5 * np.linalg.norm(loose)


def test_a_map_fitted_for_other_voices_is_not_used(tmp_path):
    path = tmp_path / "map.npz"
    save_step_map(path, "stepmap-1-bank-2-aaaa-32", np.ones((192, 32), np.float32))

    assert load_step_map("stepmap-1-bank-2-aaaa-32", path).shape == (192, 32)
    assert load_step_map("stepmap-1-bank-2-bbbb-32", path) is None
    assert load_step_map("stepmap-1-bank-2-aaaa-32", tmp_path / "missing.npz") is None


class _Bank:
    embeddings = {"campplus": np.eye(4, 192)}


class _Target:
    def __init__(self, embedding):
        self.embeddings = {"campplus": embedding}


class _StubScorer:
    """Just what the mapped step reads: the map, the bank, the target and an embedding."""

    def __init__(self, jacobian, target):
        self._jacobian = jacobian
        self.bank = _Bank()
        self.target = _Target(target)
        self.basis = type("B", (), {"size": jacobian.shape[1]})()

    def step_map(self):
        return self._jacobian

    def embedding(self, cand, texts):
        return np.zeros(192)


def test_the_mapped_candidate_moves_towards_the_reference():
    from voices.cloning.proposals import mapped_candidate
    from voices.cloning.scoring import Candidate

    rng = np.random.default_rng(3)
    jacobian = rng.normal(scale=0.05, size=(192, 32))
    target = rng.normal(size=192)
    blend = np.full(4, 0.25)

    cand = mapped_candidate(_StubScorer(jacobian, target), Candidate(blend, blend))

    assert cand is not None and np.array_equal(cand.timbre, blend)
    assert 0 < np.linalg.norm(cand.offset) <= 2.0 + 1e-9
    predicted = jacobian @ cand.offset
    assert predicted @ target > 0  # the step closes part of the gap


def test_without_a_map_there_is_no_mapped_candidate():
    from voices.cloning.proposals import mapped_candidate
    from voices.cloning.scoring import Candidate

    scorer = _StubScorer(np.ones((192, 32)), np.ones(192))
    scorer.step_map = lambda: None
    blend = np.full(4, 0.25)

    assert mapped_candidate(scorer, Candidate(blend, blend)) is None
