"""SSML pitch, range, volume and emphasis: parsed strictly, and heard in the real engine's audio.

The measured tests render a sentence with a stretch in a tag and the same sentence with the
stretch in a neutral ``<prosody>``, and compare the stretch itself (found through the model's
alignment, see ``bench_ssml.render_marked``).
"""

import numpy as np
import pytest

from benchmarks.bench_ssml import (
    WHOLE_SENTENCES,
    median_f0,
    paired_shift,
    render_marked,
    semitones,
    stretch_stats,
    tagged,
)
from synthesis.engine import SAMPLE_RATE
from synthesis.engine.errors import InvalidSSML
from synthesis.engine.prosody import (
    NEUTRAL,
    SILENT_DB,
    Prosody,
    SymbolTrack,
    token_controls,
    with_envelope,
)
from synthesis.engine.ssml import parse_ssml

SENTENCE = "{Several bright red kites} were flying high above the quiet harbour this morning."
TEXT = SENTENCE.replace("{", "").replace("}", "")


def _prosody(attributes: str) -> Prosody:
    (segment,) = parse_ssml(f"<speak><prosody {attributes}>x</prosody></speak>")
    return segment.prosody


# -- parsing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "pitch", "hz"),
    [
        ("+2st", 2 ** (2 / 12), 0.0),
        ("-6st", 2 ** (-6 / 12), 0.0),
        ("-15%", 0.85, 0.0),
        ("+10%", 1.1, 0.0),
        ("high", 2 ** (3 / 12), 0.0),
        ("x-low", 2 ** (-6 / 12), 0.0),
        ("default", 1.0, 0.0),
        ("120Hz", 1.0, 120.0),
    ],
)
def test_pitch_values(value, pitch, hz):
    prosody = _prosody(f'pitch="{value}"')
    assert (prosody.pitch, prosody.pitch_hz) == (pytest.approx(pitch), hz)


def test_a_relative_pitch_inside_an_absolute_one_moves_from_it():
    document = '<speak><prosody pitch="200Hz"><prosody pitch="+2st">x</prosody></prosody></speak>'
    (segment,) = parse_ssml(document)
    assert segment.prosody.pitch_hz == 200
    assert segment.prosody.pitch == pytest.approx(2 ** (2 / 12))


@pytest.mark.parametrize(
    ("value", "gain_db"),
    [("silent", SILENT_DB), ("x-soft", -12), ("soft", -6), ("medium", 0), ("x-loud", 8)]
    + [("+6dB", 6), ("-3.5dB", -3.5), ("+12dB", 12)],
)
def test_volume_values(value, gain_db):
    assert _prosody(f'volume="{value}"').gain_db == gain_db


@pytest.mark.parametrize(("value", "factor"), [("x-high", 1.8), ("low", 0.7), ("+50%", 1.5)])
def test_range_values(value, factor):
    assert _prosody(f'range="{value}"').pitch_range == pytest.approx(factor)


def test_prosody_with_no_attribute_is_neutral():
    assert _prosody("") == NEUTRAL


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ('contour="(0%,+20Hz)"', "<prosody> attribute contour is not supported"),
        ('duration="2s"', "<prosody> attribute duration is not supported"),
        ('pitch="+10Hz"', 'prosody pitch "\\+10Hz" must be'),
        ('pitch="+13st"', "out of range"),
        ('pitch="900Hz"', "out of range"),
        ('pitch="shrill"', 'prosody pitch "shrill"'),
        ('volume="+13dB"', "too loud"),
        ('volume="50%"', 'prosody volume "50%"'),
        ('range="120Hz"', 'prosody range "120Hz"'),
    ],
)
def test_unsupported_prosody_is_refused_naming_the_attribute(attributes, message):
    with pytest.raises(InvalidSSML, match=message):
        parse_ssml(f"<speak><prosody {attributes}>x</prosody></speak>")


@pytest.mark.parametrize(
    ("document", "attribute"),
    [
        (
            '<speak><voice name="af_heart" gender="female">x</voice></speak>',
            "<voice> attribute gender",
        ),
        ('<speak><emphasis strength="x">x</emphasis></speak>', "<emphasis> attribute strength"),
        ('<speak><break time="1s" duration="2s"/>x</speak>', "<break> attribute duration"),
        ('<speak><say-as interpret-as="digits" detail="1">1</say-as></speak>', "detail"),
        ('<speak xml:base="http://x">x</speak>', "<speak> attribute xml:base"),
        ('<speak><p style="x">x</p></speak>', "<p> attribute style"),
        ('<speak><say-as interpret-as="cardinal" format="dmy">1</say-as></speak>', "format"),
        ('<speak>a<break time="1s" strength="weak"/>b</speak>', "not both"),
    ],
)
def test_no_element_accepts_an_attribute_it_would_ignore(document, attribute):
    with pytest.raises(InvalidSSML, match=attribute):
        parse_ssml(document)


def test_speak_metadata_and_sentence_languages_are_accepted():
    document = (
        '<speak version="1.1" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="en-US">'
        '<s xml:lang="fr-FR">Bonjour.</s><p>Hello.</p></speak>'
    )
    assert [(s.text, s.lang) for s in parse_ssml(document)] == [
        ("Bonjour.", "fr-FR"),
        ("Hello.", "en-US"),
    ]


# -- per-symbol controls and the gain envelope ------------------------------------------------


class _Piece:
    def __init__(self, phonemes: str) -> None:
        self.phonemes = phonemes


def test_the_track_gives_each_chunk_symbol_its_stretch_prosody():
    loud = Prosody(gain_db=6.0)
    track = SymbolTrack()
    list(track.follow([_Piece("ab c")], NEUTRAL))
    list(track.follow([_Piece("de")], loud))
    first, second = track.take("ab"), track.take("c de")
    assert first is None  # all neutral
    # the space between a neutral and a loud word is neutral; symbols keep their stretch
    assert second == (NEUTRAL, NEUTRAL, loud, loud)


def test_token_controls_have_a_value_per_token_and_padding():
    loud = Prosody(gain_db=6.0, pitch=1.5)
    controls = token_controls("a?b", (NEUTRAL, loud, loud), known={"a", "b"})
    np.testing.assert_allclose(controls["gain_db"], [0, 0, 6, 6])
    np.testing.assert_allclose(controls["f0_scale"], [1, 1, 1.5, 1.5])


def test_the_envelope_ramps_between_gains_without_steps():
    audio = np.full(6000, 0.1, np.float32)
    out = with_envelope(audio, np.array([0, 0, 0, 12, 12, 12, 0, 0, 0, 0], np.float32))
    np.testing.assert_allclose(out[:1500], 0.1, rtol=1e-5)
    np.testing.assert_allclose(out[2000:3400], 0.1 * 10 ** (12 / 20), rtol=1e-4)
    # the 12 dB change is spread over 10 ms (240 samples) instead of one step, a click
    change = 0.1 * 10 ** (12 / 20) - 0.1
    assert np.abs(np.diff(out)).max() <= 1.05 * change / 240
    assert np.abs(out).max() < 1.0


def test_a_boost_never_clips():
    rng = np.random.default_rng(0)
    audio = (0.5 * rng.standard_normal(24000)).astype(np.float32)
    out = with_envelope(audio, np.full(40, 12.0, np.float32))
    assert np.abs(out).max() < 1.0


# -- measured on the real model ----------------------------------------------------------------


def _stretch(engine, open_tag, close_tag, voice="af_heart"):
    document, stretch = tagged(SENTENCE, open_tag, close_tag)
    return stretch_stats(*render_marked(engine, document, stretch, voice=voice))


@pytest.fixture(scope="module")
def plain_renders(engine):
    document, stretch = tagged(SENTENCE, "<prosody>", "</prosody>")
    return {v: render_marked(engine, document, stretch, voice=v) for v in ("af_heart", "am_adam")}


@pytest.fixture(scope="module")
def plain(plain_renders):
    return {voice: stretch_stats(*render) for voice, render in plain_renders.items()}


@pytest.mark.model
@pytest.mark.parametrize(
    ("voice", "step"),
    [("af_heart", -6), ("af_heart", -3), ("af_heart", 3), ("af_heart", 6)]
    + [("am_adam", -6), ("am_adam", 6)],
)
def test_pitch_of_a_stretch_lands_within_a_semitone(engine, plain_renders, voice, step):
    document, stretch = tagged(SENTENCE, f'<prosody pitch="{step:+d}st">', "</prosody>")
    audio, mask = render_marked(engine, document, stretch, voice=voice)
    base, base_mask = plain_renders[voice]
    assert paired_shift(audio, mask, base, base_mask) == pytest.approx(step, abs=1.0)
    # the pitch moves, the words keep their length and the rest of the sentence its pitch
    assert mask.sum() == pytest.approx(base_mask.sum(), rel=0.02)
    assert abs(paired_shift(audio, ~mask, base, ~base_mask)) < 1.0


@pytest.mark.model
@pytest.mark.parametrize(("voice", "step"), [("af_heart", -6), ("am_adam", 6)])
def test_pitch_of_a_whole_text_lands_within_a_semitone(engine, voice, step):
    plain_audio = engine.synthesize(f"<speak>{TEXT}</speak>", voice=voice, ssml=True)
    moved = engine.synthesize(
        f'<speak><prosody pitch="{step:+d}st">{TEXT}</prosody></speak>', voice=voice, ssml=True
    )
    assert semitones(median_f0(moved), median_f0(plain_audio)) == pytest.approx(step, abs=1.0)


@pytest.mark.model
@pytest.mark.parametrize(("voice", "hz"), [("af_heart", 150), ("af_heart", 260), ("am_adam", 95)])
def test_an_absolute_pitch_is_met_within_a_semitone(engine, voice, hz):
    audio = engine.synthesize(
        f'<speak><prosody pitch="{hz}Hz">{TEXT}</prosody></speak>', voice=voice, ssml=True
    )
    assert abs(semitones(median_f0(audio), hz)) < 1.0


@pytest.mark.model
def test_pitch_works_in_another_language_and_for_a_blend(engine):
    for voice, lang, text in [
        ("ef_dora", "e", "El perro marrón corre muy rápido por el parque."),
        ("af_heart(2)+am_adam(1)", "a", TEXT),
    ]:
        plain_audio = engine.synthesize(f"<speak>{text}</speak>", voice=voice, lang=lang, ssml=True)
        high = engine.synthesize(
            f'<speak><prosody pitch="+4st">{text}</prosody></speak>',
            voice=voice,
            lang=lang,
            ssml=True,
        )
        assert semitones(median_f0(high), median_f0(plain_audio)) == pytest.approx(4, abs=1.0)


@pytest.mark.model
def test_a_wider_range_widens_the_pitch_movement(engine, plain):
    got = _stretch(engine, '<prosody range="x-high">', "</prosody>")
    assert got.f0_range_st > plain["af_heart"].f0_range_st + 1.0


@pytest.mark.model
@pytest.mark.parametrize(("value", "expected"), [("x-soft", -12), ("+6dB", 6), ("x-loud", 8)])
def test_volume_of_a_stretch_is_met_within_a_decibel_without_clipping(
    engine, plain, value, expected
):
    got = _stretch(engine, f'<prosody volume="{value}">', "</prosody>")
    assert got.lufs - plain["af_heart"].lufs == pytest.approx(expected, abs=1.0)
    assert got.seconds == pytest.approx(plain["af_heart"].seconds, rel=0.02)
    assert got.peak < 1.0


@pytest.mark.model
def test_a_silent_stretch_keeps_its_time(engine, plain):
    got = _stretch(engine, '<prosody volume="silent">', "</prosody>")
    # nothing left but the 10 ms ramps at its edges: far below speech, under the loudness gate
    assert got.rms_db < plain["af_heart"].rms_db - 45
    assert got.lufs <= -70
    assert got.seconds == pytest.approx(plain["af_heart"].seconds, rel=0.02)
    whole = engine.synthesize(
        f'<speak><prosody volume="silent">{TEXT}</prosody></speak>', ssml=True
    )
    spoken = engine.synthesize(f"<speak>{TEXT}</speak>", ssml=True)
    assert len(whole) == pytest.approx(len(spoken), rel=0.02)


@pytest.mark.model
@pytest.mark.parametrize(
    ("voice", "level"), [("af_heart", "moderate"), ("af_heart", "strong"), ("am_adam", "strong")]
)
def test_emphasis_marks_the_words_as_people_do(engine, plain, voice, level):
    got = _stretch(engine, f'<emphasis level="{level}">', "</emphasis>", voice)
    base = plain[voice]
    # Higher: a third of the 1.5 semitones "moderate" asks for. The median of a stretch whose
    # frames were lengthened moves with which frames got the extra time; the pitch control's
    # own accuracy is checked frame by frame above.
    assert semitones(got.f0_hz, base.f0_hz) > 0.5
    assert got.f0_range_st > base.f0_range_st + 1.0  # wider
    assert got.rms_db - base.rms_db > 1.5  # more energy
    assert got.seconds > 1.04 * base.seconds  # a little longer
    assert got.seconds < 1.3 * base.seconds  # not merely slowed down
    assert got.peak < 1.0


@pytest.mark.model
@pytest.mark.parametrize("voice", ["am_adam"])
def test_reduced_emphasis_is_lower_quieter_and_shorter(engine, plain, voice):
    got = _stretch(engine, '<emphasis level="reduced">', "</emphasis>", voice)
    base = plain[voice]
    assert semitones(got.f0_hz, base.f0_hz) < 0
    assert got.f0_range_st < base.f0_range_st
    assert got.rms_db - base.rms_db < -1.5
    assert got.seconds < base.seconds


@pytest.mark.model
def test_neutral_controls_leave_the_audio_as_it_was(engine):
    from synthesis.engine import config
    from synthesis.engine.engine import model_inputs
    from synthesis.engine.model import KokoroModel

    controlled, _ = engine._session()
    original = KokoroModel(config.model_path(), threads=1)
    (phonemes,) = engine.phonemize(TEXT, chunking=WHOLE_SENTENCES)
    tokens, style = model_inputs(phonemes, engine.resolve_voice("af_heart"))
    # Bit for bit: stored renders of stock voices (the cloning bank) must stay valid.
    np.testing.assert_array_equal(
        original.infer(tokens, style, 1.0), controlled.infer(tokens, style, 1.0)
    )
    assert SAMPLE_RATE == 24_000


@pytest.mark.model
def test_a_model_file_without_controls_speaks_but_refuses_prosody(monkeypatch):
    from synthesis.engine import config, prosodygraph
    from synthesis.engine.engine import Engine
    from synthesis.engine.errors import UnsupportedProsody

    monkeypatch.setattr(prosodygraph, "configured_graph", lambda src: src)
    engine = Engine(model_path=config.model_path(), threads=1)
    assert engine.synthesize("Hello there.").size > 0
    with pytest.raises(UnsupportedProsody, match="no pitch"):
        engine.synthesize('<speak><prosody pitch="+2st">Hello</prosody></speak>', ssml=True)
