import numpy as np
import pytest

from synthesis.engine.errors import BadBlend, UnknownVoice
from synthesis.engine.voices import parse_blend, validate_style, voice_info


def test_it_parses_a_weighted_blend_into_normalised_weights():
    assert parse_blend("af_bella(2)+af_sky(1)") == [
        ("af_bella", pytest.approx(2 / 3)),
        ("af_sky", pytest.approx(1 / 3)),
    ]


def test_it_defaults_blend_weights_to_one():
    assert parse_blend("af_bella + am_adam") == [("af_bella", 0.5), ("am_adam", 0.5)]


@pytest.mark.parametrize(
    "spec", ["af_bella(2", "af_bella(-1)", "af_bella(0)", "+", "af bella", "x"]
)
def test_it_rejects_bad_blend_syntax(spec):
    with pytest.raises(BadBlend):
        parse_blend(spec)


def test_it_describes_a_voice_from_its_id():
    info = voice_info("bm_george")
    assert (info.display_name, info.lang, info.language, info.gender) == (
        "George",
        "b",
        "British English",
        "male",
    )


def test_it_accepts_a_style_without_the_singleton_axis():
    style = validate_style(np.zeros((510, 256), dtype=np.float64))
    assert style.shape == (510, 1, 256)
    assert style.dtype == np.float32


@pytest.mark.parametrize(
    "array",
    [np.zeros((256,)), np.zeros((511, 1, 256)), np.zeros((510, 1, 256), dtype=np.int16)],
)
def test_it_rejects_a_malformed_style_array(array):
    with pytest.raises(UnknownVoice):
        validate_style(array)


def test_it_rejects_a_style_with_nan():
    style = np.zeros((510, 1, 256), dtype=np.float32)
    style[3, 0, 7] = np.nan
    with pytest.raises(UnknownVoice, match="NaN"):
        validate_style(style)


def test_the_catalogue_lists_all_stock_voices_with_their_languages(engine):
    catalogue = engine.voice_catalogue()
    assert len(catalogue) == 54
    assert {v.lang for v in catalogue} == set("abefhijpz")
    heart = next(v for v in catalogue if v.id == "af_heart")
    assert (heart.display_name, heart.gender, heart.language) == (
        "Heart",
        "female",
        "American English",
    )


def test_it_resolves_a_blend_as_the_weighted_mean(engine):
    blend = engine.resolve_voice("af_bella(3)+af_sky(1)")
    expected = 0.75 * engine.resolve_voice("af_bella") + 0.25 * engine.resolve_voice("af_sky")
    np.testing.assert_allclose(blend, expected, rtol=1e-6)


def test_it_rejects_an_unknown_voice_in_a_blend(engine):
    with pytest.raises(UnknownVoice, match="af_nobody"):
        engine.resolve_voice("af_bella(1)+af_nobody(1)")
