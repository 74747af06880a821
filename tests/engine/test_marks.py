"""SSML <mark>: where each mark sits among the words, and when the audio reaches it."""

import pytest

from synthesis.engine.errors import InvalidSSML
from synthesis.engine.lexicon import Lexicon, Rule
from synthesis.engine.ssml import parse_ssml
from synthesis.engine.timestamps import Mark, MarkTime, WordClock, _Span, clock_items


def test_a_mark_sits_before_the_text_after_it_or_after_the_text_before_a_pause():
    segments = parse_ssml(
        '<speak><mark name="start"/>Hello there <mark name="mid"/>world.'
        '<mark name="before-break"/><break time="1s"/><mark name="after-break"/>Bye.'
        '<mark name="end"/></speak>'
    )
    assert [(s.text, s.marks, s.marks_after) for s in segments] == [
        ("Hello there", ("start",), ()),
        ("world.", ("mid",), ("before-break",)),
        ("Bye.", ("after-break",), ("end",)),
    ]
    assert segments[1].pause_after == 1.0


def test_a_mark_at_a_sentence_end_comes_before_the_sentence_pause():
    first, second = parse_ssml('<speak><s>One <mark name="m"/></s><s>Two</s></speak>')
    assert (first.marks_after, second.marks) == (("m",), ())


def test_a_mark_needs_a_name():
    with pytest.raises(InvalidSSML, match="<mark> needs a name"):
        parse_ssml("<speak>a <mark/> b</speak>")


def test_a_dictionary_split_keeps_marks_at_the_segment_edges():
    (segment,) = parse_ssml('<speak><mark name="a"/>Call ACME now<mark name="b"/></speak>')
    lexicon = Lexicon([Rule("ACME", phonemes="ˈækmi")])
    parts = lexicon.apply([segment])
    assert len(parts) == 3
    assert [p.marks for p in parts] == [("a",), (), ()]
    assert [p.marks_after for p in parts] == [(), (), ("b",)]


def _clock(*items):
    return WordClock(items)


def test_the_clock_times_a_mark_at_the_next_word_or_after_the_last_one():
    clock = WordClock(
        clock_items(
            [
                (("start",), [("Hello world.", "həlˈO wˈɜɹld.")], ("pause",)),
                (("next",), [("Bye.", "bˈI.")], ("end",)),
            ]
        )
    )
    words = clock.feed([_Span(2400, 7200), _Span(7200, 12000)])
    assert [w.text for w in words] == ["Hello", "world."]
    # "start" waits for its word; "pause" is reached as "world." ends.
    assert clock.marks == [MarkTime("start", 0.1), MarkTime("pause", 0.5)]
    clock.feed([_Span(36000, 40800)])  # a second of silence before "Bye."
    words = clock.finish()
    assert clock.marks[2:] == [MarkTime("next", 1.5), MarkTime("end", 1.7)]


def test_a_mark_before_unspoken_words_is_reached_where_the_audio_ends():
    clock = _clock((["Hi."], 1), Mark("late"), (["never"], 1))
    clock.feed([_Span(0, 4800)])
    assert clock.marks == []
    clock.finish()
    assert clock.marks == [MarkTime("late", 0.2)]
