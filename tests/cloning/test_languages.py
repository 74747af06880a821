"""A clone speaking another language takes that language's accent and keeps its own timbre,
moved only as far as the language needs to be understood."""

import numpy as np
import pytest

from synthesis.engine import SAMPLE_RATE, StylePerLanguage, get_engine
from synthesis.engine.chunking import ChunkPolicy
from synthesis.services import _cloned_voice
from tests.voices.conftest import funded, make_voice, media, speech  # noqa: F401 - fixtures
from voices.cloning import similarity, speaker_embedding
from voices.cloning.languages import (
    ACCENT_WEIGHT,
    TIMBRE_WEIGHTS,
    accent_shift,
    localise,
    style_for_language,
)
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


def test_the_timbre_half_is_measured_the_same_way():
    stock = {
        "af_one": _style(1, 0),
        "af_two": _style(3, 0),
        "am_one": _style(10, 0),
        "ff_one": _style(4, 0),  # 4 - 2; the men's 10 plays no part
    }

    assert np.allclose(accent_shift(stock, "f", half=TIMBRE), 2)
    assert np.allclose(accent_shift(stock, "f"), 0)


def test_a_language_heard_well_enough_moves_only_the_prosody_half(stock):
    clone = stock["af_heart"]
    assert "j" not in TIMBRE_WEIGHTS

    japanese = style_for_language(clone, "j", stock)

    np.testing.assert_array_equal(japanese[..., TIMBRE], clone[..., TIMBRE])
    moved = japanese[..., PROSODY] - clone[..., PROSODY]
    assert np.abs(moved).mean() > 0.01
    np.testing.assert_allclose(moved, ACCENT_WEIGHT * accent_shift(stock, "j"), atol=1e-6)


def test_french_also_moves_the_timbre_half_a_little(stock):
    clone = stock["am_michael"]

    french = style_for_language(clone, "f", stock)

    moved = french[..., PROSODY] - clone[..., PROSODY]
    np.testing.assert_allclose(moved, ACCENT_WEIGHT * accent_shift(stock, "f"), atol=1e-6)
    timbre = french[..., TIMBRE] - clone[..., TIMBRE]
    shift = accent_shift(stock, "f", half=TIMBRE)
    assert 0 < TIMBRE_WEIGHTS["f"] < 0.5
    np.testing.assert_allclose(timbre, TIMBRE_WEIGHTS["f"] * shift, atol=1e-6)
    assert np.abs(timbre).mean() > 0.001
    unmoved = style_for_language(clone, "f", stock, timbre_weight=0.0)
    np.testing.assert_array_equal(unmoved[..., TIMBRE], clone[..., TIMBRE])


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

    spoken = _cloned_voice(user=alice, voice=voice.public_id, use="", project="")
    french = _styles_spoken(spoken, "Bonjour à tous.", lang="fr")
    english = _styles_spoken(spoken, "Hello everyone.", lang=None)

    np.testing.assert_array_equal(english, [cloned])
    np.testing.assert_array_equal(french, [style_for_language(cloned, "f", stock)])
    assert not np.array_equal(french[0], cloned)


MIXED = (
    "<speak>Good morning to all of you. "
    '<lang xml:lang="fr-FR">Bonjour à tous, et bienvenue.</lang> '
    "We start in a minute.</speak>"
)


def _styles_spoken(voice, text: str, lang: str | None, ssml: bool = False) -> list[np.ndarray]:
    """The style of every model call, in order, as the engine would render ``text``.

    Chunks as large as the model takes, so only a change of style or language splits the text.
    """
    engine = get_engine()
    runs = engine._runs(text, voice=voice, speed=1.0, lang=lang, ssml=ssml)
    whole = ChunkPolicy(first=510, first_alone=510, target=510, ramp=False)
    return [chunk.style for chunk in engine._chunks(runs, whole)]


@pytest.mark.django_db
def test_a_clone_speaks_an_ssml_lang_stretch_with_that_language_accent(alice, make_voice, stock):  # noqa: F811
    voice = make_voice(alice)
    cloned = voice_style_for_tts(user=alice, public_id=voice.public_id)
    spoken = _cloned_voice(user=alice, voice=voice.public_id, use="", project="")

    styles = _styles_spoken(spoken, MIXED, lang=None, ssml=True)

    assert len(styles) == 3
    np.testing.assert_array_equal(styles[0], cloned)
    np.testing.assert_array_equal(styles[1], style_for_language(cloned, "f", stock))
    np.testing.assert_array_equal(styles[2], cloned)


@pytest.mark.django_db
def test_an_english_stretch_in_a_french_job_drops_the_french_accent(alice, make_voice, stock):  # noqa: F811
    voice = make_voice(alice)
    cloned = voice_style_for_tts(user=alice, public_id=voice.public_id)
    spoken = _cloned_voice(user=alice, voice=voice.public_id, use="", project="")
    text = '<speak>Bonjour à tous. <lang xml:lang="en-US">Good morning.</lang></speak>'

    styles = _styles_spoken(spoken, text, lang="fr", ssml=True)

    np.testing.assert_array_equal(styles[0], style_for_language(cloned, "f", stock))
    np.testing.assert_array_equal(styles[-1], cloned)


def test_stock_voices_and_blends_keep_their_style_in_a_lang_stretch(engine, stock):
    for voice in ("af_heart", "af_heart(2)+am_michael(1)"):
        styles = _styles_spoken(voice, MIXED, lang=None, ssml=True)
        for style in styles:
            np.testing.assert_array_equal(style, engine.resolve_voice(voice))


def test_a_voice_element_inside_a_clone_text_keeps_the_stock_voice(engine, stock):
    clone = stock["am_michael"]
    spoken = StylePerLanguage(clone, localise)
    text = (
        '<speak>Hello. <voice name="ff_siwis"><lang xml:lang="fr-FR">Bonjour.</lang></voice> '
        '<lang xml:lang="fr-FR">Au revoir.</lang></speak>'
    )

    styles = _styles_spoken(spoken, text, lang=None, ssml=True)

    assert len(styles) == 3
    np.testing.assert_array_equal(styles[0], clone)
    np.testing.assert_array_equal(styles[1], stock["ff_siwis"])
    np.testing.assert_array_equal(styles[2], style_for_language(clone, "f", stock))


def test_each_language_style_is_computed_once_per_text(stock):
    asked = []

    def counting(style, code):
        asked.append(code)
        return localise(style, code)

    spoken = StylePerLanguage(stock["af_heart"], counting)
    text = (
        '<speak>One. <lang xml:lang="fr-FR">Un.</lang> Two. <lang xml:lang="fr-FR">Deux.</lang> '
        "Three.</speak>"
    )

    styles = _styles_spoken(spoken, text, lang=None, ssml=True)

    assert sorted(asked) == ["a", "f"]
    assert styles[1] is styles[3] and styles[0] is styles[2]


@pytest.mark.model
@pytest.mark.django_db
def test_a_clone_job_renders_its_french_stretch_with_the_french_accent(
    alice,
    funded,  # noqa: F811
    make_voice,  # noqa: F811
    media,  # noqa: F811
    stock,
    monkeypatch,
):
    from synthesis import services
    from synthesis.engine import engine as engine_module
    from synthesis.models import Job

    funded(alice)
    voice = make_voice(alice)
    cloned = voice_style_for_tts(user=alice, public_id=voice.public_id)
    rendered, infer = [], engine_module._infer

    def spy(model, chunk):
        rendered.append(chunk.style)
        return infer(model, chunk)

    monkeypatch.setattr(engine_module, "_infer", spy)
    job = services.job_submit(user=alice, text=MIXED, voice=voice.public_id, fmt="wav", ssml=True)
    services.job_run(public_id=str(job.public_id))

    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error_message
    french = style_for_language(cloned, "f", stock)
    assert [np.array_equal(s, french) for s in rendered].count(True) >= 1
    assert [np.array_equal(s, cloned) for s in rendered].count(True) >= 2
    assert all(np.array_equal(s, french) or np.array_equal(s, cloned) for s in rendered)


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
