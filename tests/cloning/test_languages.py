"""A clone speaking another language takes that language's accent and keeps its own timbre."""

import numpy as np
import pytest

from synthesis.engine import SAMPLE_RATE, get_engine
from synthesis.services import _cloned_style
from tests.voices.conftest import make_voice, media, speech  # noqa: F401 - fixtures
from voices.cloning import similarity, speaker_embedding
from voices.cloning.languages import ACCENT_WEIGHT, accent_shift, localise, style_for_language
from voices.cloning.render import PROSODY, TIMBRE
from voices.cloning.texts import HELD_OUT_TEXTS
from voices.services import voice_style_for_tts

FRENCH = (
    "Le médecin a conseillé de marcher un peu chaque jour. "
    "Cet après-midi, nous allons peindre la cuisine en vert."
)


def _style(timbre: float, prosody: float) -> np.ndarray:
    style = np.empty((510, 1, 256), np.float32)
    style[..., TIMBRE], style[..., PROSODY] = timbre, prosody
    return style


@pytest.fixture(scope="module")
def engine():
    return get_engine()


@pytest.fixture(scope="module")
def stock(engine) -> dict[str, np.ndarray]:
    return {v.id: engine.resolve_voice(v.id) for v in engine.voice_catalogue()}


def test_the_accent_is_measured_within_each_gender_both_languages_have():
    stock = {
        "af_one": _style(0, 1),
        "af_two": _style(0, 3),  # American women average 2
        "am_one": _style(0, 10),
        "ff_one": _style(0, 5),  # French has only a woman: 5 - 2
        "ef_one": _style(0, 6),  # Spanish: women 6 - 2, men 20 - 10
        "em_one": _style(0, 20),
    }

    assert np.allclose(accent_shift(stock, "f"), 3)
    assert np.allclose(accent_shift(stock, "e"), 7)
    assert accent_shift(stock, "j") is None
    assert accent_shift(stock, "f").shape == (510, 1, 128)


def test_only_the_prosody_half_moves(stock):
    clone = stock["af_heart"]

    french = style_for_language(clone, "f", stock)

    np.testing.assert_array_equal(french[..., TIMBRE], clone[..., TIMBRE])
    assert np.abs(french[..., PROSODY] - clone[..., PROSODY]).mean() > 0.01
    moved = french[..., PROSODY] - clone[..., PROSODY]
    np.testing.assert_allclose(moved, ACCENT_WEIGHT * accent_shift(stock, "f"), atol=1e-6)


def test_the_weight_scales_the_shift(stock):
    clone = stock["am_michael"]

    half = style_for_language(clone, "j", stock, weight=0.5)
    full = style_for_language(clone, "j", stock, weight=1.0)

    moved_half = half[..., PROSODY] - clone[..., PROSODY]
    moved_full = full[..., PROSODY] - clone[..., PROSODY]
    np.testing.assert_allclose(moved_half, moved_full / 2, atol=1e-6)


@pytest.mark.parametrize("language", ["", "a", "en-US", "en-GB", "xx-unknown"])
def test_english_and_unknown_languages_keep_the_style(stock, language):
    clone = stock["af_heart"]

    assert localise(clone, language) is clone


@pytest.mark.parametrize(("language", "code"), [("fr-FR", "f"), ("ja", "j"), ("h", "h")])
def test_a_job_language_tag_picks_the_language_accent(stock, language, code):
    clone = stock["af_heart"]

    np.testing.assert_array_equal(localise(clone, language), style_for_language(clone, code, stock))


@pytest.mark.django_db
def test_a_cloned_voice_in_a_french_job_gets_the_french_accent(alice, make_voice, stock):  # noqa: F811
    voice = make_voice(alice)
    cloned = voice_style_for_tts(user=alice, public_id=voice.public_id)

    french = _cloned_style(user=alice, voice=voice.public_id, use="", project="", language="fr")
    english = _cloned_style(user=alice, voice=voice.public_id, use="", project="", language="")

    np.testing.assert_array_equal(english, cloned)
    np.testing.assert_array_equal(french, style_for_language(cloned, "f", stock))
    assert not np.array_equal(french, cloned)


@pytest.mark.model
def test_the_clone_speaking_french_is_still_the_speaker(engine, cli_clone):
    clone = np.load(cli_clone)
    english = engine.synthesize(" ".join(HELD_OUT_TEXTS), voice=clone, lang="a")

    french = engine.synthesize(FRENCH, voice=localise(clone, "fr"), lang="f")
    native = engine.synthesize(FRENCH, voice="ff_siwis", lang="f")

    # About as long as the French voice takes, and audible speech.
    assert 0.7 < len(french) / len(native) < 1.4
    assert float(np.sqrt(np.mean(french**2))) > 0.02
    for encoder in ("campplus", "resemblyzer"):
        ours = speaker_embedding(english, SAMPLE_RATE, encoder=encoder)
        shifted = speaker_embedding(french, SAMPLE_RATE, encoder=encoder)
        stock_french = speaker_embedding(native, SAMPLE_RATE, encoder=encoder)
        # The accent changed, not the speaker: nearer the clone's English than France's voice is.
        assert similarity(shifted, ours) > similarity(stock_french, ours) + 0.05, encoder
