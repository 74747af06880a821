import pytest

from synthesis.engine.chunking import PARAGRAPH_PAUSE_S
from synthesis.engine.errors import InvalidSSML
from synthesis.engine.prosody import NEUTRAL
from synthesis.engine.ssml import parse_ssml
from synthesis.engine.text import billable_text


def _texts(document: str) -> list[str]:
    return [segment.text for segment in parse_ssml(document)]


def test_it_reads_plain_speak_text():
    assert _texts("<speak>Hello   world.</speak>") == ["Hello world."]


def test_a_break_ends_a_segment_with_its_pause():
    first, second = parse_ssml('<speak>One.<break time="750ms"/>Two.</speak>')
    assert (first.text, first.pause_after) == ("One.", 0.75)
    assert second.text == "Two."


@pytest.mark.parametrize(("strength", "seconds"), [("none", 0.0), ("weak", 0.2), ("x-strong", 1.0)])
def test_break_strengths_map_to_pauses(strength, seconds):
    (segment, _) = parse_ssml(f'<speak>A<break strength="{strength}"/>B</speak>')
    assert segment.pause_after == seconds


def test_paragraphs_pause_longer():
    (segment,) = parse_ssml("<speak><p>First paragraph.</p></speak>")
    assert segment.pause_after == PARAGRAPH_PAUSE_S


@pytest.mark.parametrize(
    ("rate", "value"), [("slow", 0.8), ("150%", 1.5), ("+20%", 1.2), ("0.9", 0.9)]
)
def test_prosody_rate_scales_speed(rate, value):
    (segment,) = parse_ssml(f'<speak><prosody rate="{rate}">Hi</prosody></speak>')
    assert segment.rate == pytest.approx(value)


@pytest.mark.parametrize(
    ("level", "stress", "higher", "louder", "longer"),
    [
        ("strong", 1, True, True, True),
        ("moderate", 1, True, True, True),
        ("none", 0, None, None, None),
        ("reduced", -1, False, False, False),
    ],
)
def test_emphasis_levels_set_stress_pitch_loudness_and_length_not_speed(
    level, stress, higher, louder, longer
):
    _, word, _ = parse_ssml(f'<speak>A <emphasis level="{level}">word</emphasis> here</speak>')
    p = word.prosody
    assert (word.text, word.rate, word.stress) == ("word", 1.0, stress)
    if higher is None:
        assert p == NEUTRAL
        return
    assert (p.pitch > 1, p.pitch_range > 1, p.gain_db > 0, p.duration > 1) == (
        higher,
        higher,
        louder,
        longer,
    )


def test_emphasis_defaults_to_moderate_and_reaches_say_as_inside_it():
    (segment,) = parse_ssml(
        '<speak><emphasis><say-as interpret-as="digits">12</say-as></emphasis></speak>'
    )
    (moderate,) = parse_ssml('<speak><emphasis level="moderate">x</emphasis></speak>')
    assert (segment.text, segment.stress, segment.rate) == ("one two", 1, 1.0)
    assert segment.prosody == moderate.prosody


def test_nested_emphasis_adds_up_and_the_inner_level_sets_stress():
    document = (
        '<speak><prosody rate="slow"><emphasis level="strong">'
        '<emphasis level="reduced">x</emphasis></emphasis></prosody></speak>'
    )
    (segment,) = parse_ssml(document)
    (strong,) = parse_ssml('<speak><emphasis level="strong">x</emphasis></speak>')
    (reduced,) = parse_ssml('<speak><emphasis level="reduced">x</emphasis></speak>')
    assert segment.rate == pytest.approx(0.8)
    assert segment.stress == -1
    assert segment.prosody.gain_db == pytest.approx(
        strong.prosody.gain_db + reduced.prosody.gain_db
    )
    assert segment.prosody.pitch == pytest.approx(strong.prosody.pitch * reduced.prosody.pitch)


@pytest.mark.parametrize(
    ("interpret_as", "content", "spoken"),
    [
        ("characters", "ABC", "A B C"),
        ("spell-out", "hi", "h i"),
        ("cardinal", "1234", "one thousand two hundred thirty four"),
        ("ordinal", "21", "twenty first"),
        ("digits", "1234", "one two three four"),
        ("telephone", "555-0199", "five five five, zero one nine nine"),
        ("time", "3:30 pm", "three thirty PM"),
    ],
)
def test_say_as_speaks_the_content_as_asked(interpret_as, content, spoken):
    document = f'<speak><say-as interpret-as="{interpret_as}">{content}</say-as></speak>'
    (segment,) = parse_ssml(document)
    assert (segment.text, segment.written, segment.normalized) == (spoken, content, True)


def test_say_as_date_follows_its_format():
    document = '<speak><say-as interpret-as="date" format="dmy">25/12/2023</say-as></speak>'
    assert _texts(document) == ["December twenty fifth, twenty twenty three"]


def test_sub_speaks_the_alias():
    assert _texts('<speak><sub alias="World Wide Web">WWW</sub></speak>') == ["World Wide Web"]


def test_phoneme_passes_ipa_mapped_to_kokoro_symbols():
    (segment,) = parse_ssml(
        '<speak><phoneme alphabet="ipa" ph="təˈmeɪtoʊ">tomato</phoneme></speak>'
    )
    assert (segment.text, segment.phonemes) == ("tomato", "təˈmAtO")


def test_voice_and_lang_switch_mid_document():
    document = (
        '<speak>Hi. <voice name="bm_george">Hello.</voice>'
        '<lang xml:lang="fr-FR">Bonjour.</lang></speak>'
    )
    segments = parse_ssml(document)
    assert [(s.text, s.voice, s.lang) for s in segments] == [
        ("Hi.", None, None),
        ("Hello.", "bm_george", None),
        ("Bonjour.", None, "fr-FR"),
    ]


def test_billable_text_strips_markup_and_keeps_what_was_written():
    document = (
        '<speak>\n  <p>Pay <say-as interpret-as="cardinal">12</say-as> now.</p>'
        '<break time="1s"/><sub alias="Doctor">Dr</sub> Who.</speak>'
    )
    assert billable_text(document, ssml=True) == "Pay 12 now. Doctor Who."


@pytest.mark.parametrize(
    ("document", "message", "line", "column"),
    [
        ("<speak>Hi <foo/></speak>", "unsupported element <foo>", 1, 11),
        ("<speak>\n  <break time='soon'/></speak>", "break time", 2, 3),
        ("<speak>\n<p>unclosed</speak>", "mismatched tag", 2, 14),
        ("<p>Hi</p>", "must start with <speak>", 1, 1),
        ('<speak><phoneme alphabet="x-sampa" ph="a">a</phoneme></speak>', "ipa", 1, 8),
        ('<speak><say-as interpret-as="cardinal">lots</say-as></speak>', "cardinal", 1, 8),
        ('<speak><prosody rate="warp">x</prosody></speak>', "prosody rate", 1, 8),
        ('<speak>\n  <emphasis level="loud">x</emphasis></speak>', 'emphasis level "loud"', 2, 3),
        ("<speak><voice>x</voice></speak>", "name attribute", 1, 8),
        ('<!DOCTYPE s [<!ENTITY a "b">]><speak>&a;</speak>', "DTDs", 1, 13),
        ("", "no element found", 1, 1),
    ],
)
def test_invalid_ssml_names_line_and_column(document, message, line, column):
    with pytest.raises(InvalidSSML, match=message) as caught:
        parse_ssml(document)
    assert (caught.value.line, caught.value.column) == (line, column)
