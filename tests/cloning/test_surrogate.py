"""The surrogate model's fitting and proposals, on a synthetic voice space with known answers."""

import numpy as np
import pytest

from voices.cloning.surrogate import (
    fit_surrogate,
    inverse_map,
    load_surrogate,
    neighbour_mean,
    propose,
    save_surrogate,
)

SIZE, DIM = 8, 12


def _space(seed: int = 0):
    """Embedding = unit(A c + b); log pitch rises with the first coordinate (100 Hz at 0)."""
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(DIM, SIZE)), rng.normal(size=DIM)

    def embed(c: np.ndarray) -> np.ndarray:
        e = np.atleast_2d(c) @ a.T + b
        return e / np.linalg.norm(e, axis=1, keepdims=True)

    def pitch(c: np.ndarray) -> np.ndarray:
        return 100.0 * np.exp(0.2 * np.atleast_2d(c)[:, 0])

    points = rng.normal(size=(400, SIZE))
    return embed, pitch, points


def _fitted(seed: int = 0):
    embed, pitch, points = _space(seed)
    model = fit_surrogate(points, embed(points), pitch(points), length=3.0, ridge=1e-3)
    return embed, pitch, points, model


def test_the_fit_predicts_unseen_points():
    embed, pitch, _, model = _fitted()
    unseen = np.random.default_rng(5).normal(scale=0.7, size=(50, SIZE))
    cosines = np.sum(model.embeddings(unseen) * embed(unseen), axis=1)
    assert cosines.mean() > 0.97
    assert np.allclose(np.exp(model.log_pitch(unseen)), pitch(unseen), rtol=0.05)


def test_the_gradients_match_finite_differences():
    embed, _, _, model = _fitted()
    target = embed(np.full(SIZE, 0.5))[0]
    c = np.random.default_rng(2).normal(scale=0.5, size=SIZE)
    points = np.stack([c, -c])  # several points at once, as the proposal search uses it
    cos, grad_cos, pitch, grad_pitch = model.gradients(points, target)
    assert np.allclose(cos, model.embeddings(points) @ target)
    assert np.allclose(pitch, model.log_pitch(points))
    h = 1e-5
    for which, gradient in ((0, grad_cos), (2, grad_pitch)):
        numeric = np.stack(
            [
                (
                    model.gradients(points + h * e, target)[which]
                    - model.gradients(points - h * e, target)[which]
                )
                / (2 * h)
                for e in np.eye(SIZE)
            ],
            axis=1,
        )
        assert np.allclose(gradient, numeric, atol=1e-6)


def test_proposals_sound_more_like_the_target_than_every_fitted_point():
    embed, _, points, model = _fitted()
    goal = np.array([0.8, -0.6, 0.4, 0.0, -0.3, 0.5, 0.2, -0.1])
    target = embed(goal)[0]
    found = propose(model, target, [np.zeros(SIZE)], f0=0.0, count=2)
    assert len(found) == 2
    assert found[0][0] >= found[1][0]
    best_fitted = float(np.max(embed(points) @ target))
    assert float(embed(found[0][1])[0] @ target) > best_fitted


def test_proposals_stay_near_the_speakers_pitch():
    embed, pitch, _, model = _fitted()
    # The target sounds best 2 units up the pitch axis: about 149 Hz, against a speaker at 100.
    target = embed(np.array([2.0, 0, 0, 0, 0, 0, 0, 0]))[0]
    free = propose(model, target, [np.zeros(SIZE)], f0=0.0, count=1)[0][1]
    held = propose(model, target, [np.zeros(SIZE)], f0=100.0, semitones=2.0, count=1)[0][1]
    semitones = lambda c: 12 * np.log2(pitch(c)[0] / 100.0)  # noqa: E731
    assert semitones(free) > 4.0
    assert semitones(held) < 2.5


def test_the_read_off_points_land_near_the_voice_that_made_the_target():
    embed, _, points, model = _fitted()
    goal = np.array([0.5, -0.4, 0.3, 0.0, -0.2, 0.4, 0.1, -0.1])
    target = embed(goal)[0]
    typical = np.linalg.norm(points - points.mean(axis=0), axis=1).mean()
    for found in (inverse_map(model, target, f0=0.0), neighbour_mean(model, target, f0=0.0)):
        # Both stay in the box the renders covered and sound more like the target than the
        # centre of the space does.
        assert np.all(found >= model.low) and np.all(found <= model.high)
        assert float(embed(found)[0] @ target) > float(embed(points.mean(axis=0))[0] @ target)
        assert np.linalg.norm(found - goal) < 0.6 * typical


def test_the_nearest_renders_are_taken_near_the_speakers_pitch():
    embed, pitch, _, model = _fitted()
    # A target made at 100 Hz, read for a speaker at 100 Hz and for one at 130 Hz: the
    # renders averaged for the second are all within two semitones of 130 Hz.
    target = embed(np.zeros(SIZE))[0]
    low = neighbour_mean(model, target, f0=100.0, semitones=2.0)
    high = neighbour_mean(model, target, f0=130.0, semitones=2.0)
    assert 100.0 * 2 ** (-2 / 12) < pitch(low)[0] < 100.0 * 2 ** (2 / 12)
    assert pitch(high)[0] > 130.0 * 2 ** (-2 / 12)


def test_a_model_is_used_only_for_the_voices_and_basis_it_was_fitted_for(tmp_path):
    _, _, points, model = _fitted()
    path = tmp_path / "surrogate.npz"
    save_surrogate(path, "surrogate-1-bank-2-abc-8", model)
    loaded = load_surrogate("surrogate-1-bank-2-abc-8", path)
    assert loaded is not None
    assert np.allclose(loaded.embeddings(points[:5]), model.embeddings(points[:5]), atol=1e-3)
    assert load_surrogate("surrogate-1-bank-2-other-8", path) is None
    assert load_surrogate("surrogate-1-bank-2-abc-8", tmp_path / "missing.npz") is None


def test_renders_added_near_a_point_sharpen_the_model_there():
    embed, pitch, points, _ = _fitted()
    far = points[np.linalg.norm(points - 2.0, axis=1) > 4.5]
    model = fit_surrogate(far, embed(far), pitch(far), length=3.0, ridge=1e-3)
    nearby = np.random.default_rng(9).normal(loc=2.0, scale=0.5, size=(60, SIZE))
    probe = np.random.default_rng(10).normal(loc=2.0, scale=0.3, size=(20, SIZE))
    before = np.sum(model.embeddings(probe) * embed(probe), axis=1).mean()
    extended = model.extended(nearby, embed(nearby))
    after = np.sum(extended.embeddings(probe) * embed(probe), axis=1).mean()
    assert len(extended.points) == len(far) + 60
    assert after > before + 0.05


def test_measured_pitches_of_added_renders_replace_the_predicted_ones():
    embed, pitch, points, model = _fitted()
    nearby = np.random.default_rng(11).normal(loc=1.0, scale=0.3, size=(30, SIZE))
    predicted = model.extended(nearby, embed(nearby))
    # What a render really measured (here a fifth higher than the model thinks) is kept.
    measured = model.extended(nearby, embed(nearby), pitch(nearby) * 1.5)
    assert np.allclose(predicted.pitches[-30:], np.exp(model.log_pitch(nearby)))
    assert np.allclose(measured.pitches[-30:], pitch(nearby) * 1.5)
    assert np.all(measured.log_pitch(nearby) > predicted.log_pitch(nearby) + 0.2)


@pytest.mark.model
def test_the_shipped_model_is_in_use_and_knows_the_stock_voices():
    from voices.cloning.bank import load_bank
    from voices.cloning.render import get_renderer
    from voices.cloning.scoring import models_key, walk_basis
    from voices.cloning.surrogate import surrogate_key

    renderer = get_renderer()
    bank = load_bank(renderer)
    basis = walk_basis(renderer, bank)
    model = load_surrogate(surrogate_key(models_key(renderer), basis.size))
    assert model is not None  # fitted for these voices and this basis
    # The stock voices were never fitted as such (the renders are random blends, moved), yet
    # where a stock voice lies the model should predict roughly what the bank measured, and
    # prefer the right voice among all 54 for most of them.
    predicted = model.embeddings(basis.stock)
    measured = bank.embeddings["campplus"]
    assert float(np.mean(np.sum(predicted * measured, axis=1))) > 0.85
    assert float(np.mean(np.argmax(predicted @ measured.T, axis=1) == np.arange(54))) > 0.8
