"""Word timestamps from Kokoro's own durations: exact placement, same audio, sensible words."""

import numpy as np
import pytest

from synthesis.engine import config, fastgraph
from synthesis.engine.engine import model_inputs
from synthesis.engine.model import KokoroModel
from synthesis.engine.timestamps import (
    FRAME_SAMPLES,
    LEAD_SAMPLES,
    ONSET_LEAD_SAMPLES,
    Group,
    WordClock,
    WordTime,
    _Span,
    character_alignment,
    pauses,
    phoneme_word_spans,
    snap_to_pauses,
    spoken_groups,
)

TEXT = (
    "Hello world, this is a test of word timestamps. "
    "On Tuesday, Doctor Okafor paid for fourteen crates of apples!\n\n"
    "A new paragraph starts here; it is short."
)


def test_the_durations_add_up_to_the_audio(engine):
    model = KokoroModel(fastgraph.configured_graph(config.model_path()), threads=2)
    assert model.has_durations
    tokens, style = model_inputs(engine.phonemize(TEXT)[0], engine.resolve_voice("af_heart"))
    audio, durations = model.infer_timed(tokens, style, 1.0)
    assert durations.dtype == np.int64 and len(durations) == len(tokens) + 2
    assert durations.min() >= 1
    assert len(audio) == durations.sum() * FRAME_SAMPLES


@pytest.mark.parametrize("voice", ["af_heart", "bm_george"])
def test_timestamps_change_no_sample(engine, voice):
    plain = np.concatenate(list(engine.stream(TEXT, voice=voice)))
    timed = list(engine.stream_timed(TEXT, voice=voice))
    np.testing.assert_array_equal(np.concatenate([audio for audio, _ in timed]), plain)


def test_every_word_is_timed_in_order_within_the_audio(engine):
    timed = list(engine.stream_timed(TEXT))
    words = [w for _, ws in timed for w in ws]
    total = sum(len(a) for a, _ in timed) / 24000
    assert [w.text for w in words] == TEXT.split()
    starts = [w.start for w in words]
    assert starts == sorted(starts)
    assert all(0 <= w.start < w.end <= total + 1e-3 for w in words)
    # The pause after a sentence (0.3 s) sits between "apples!" and "A"; inside a sentence
    # words follow each other closely.
    apples, a = words[TEXT.split().index("apples!")], words[TEXT.split().index("apples!") + 1]
    assert a.start - apples.end >= 0.25
    assert words[1].start - words[0].end < 0.2


def test_speed_scales_the_times(engine):
    slow = [w for _, ws in engine.stream_timed("Read this slowly, please.", speed=0.5) for w in ws]
    fast = [w for _, ws in engine.stream_timed("Read this slowly, please.", speed=1.0) for w in ws]
    assert slow[-1].end > 1.6 * fast[-1].end


def test_a_word_s_span_is_its_phonemes_frames_shifted_by_trim_and_offset():
    symbols = "ab cd."
    durations = np.array([4, 1, 2, 1, 3, 1, 1, 5])  # pad, a, b, space, c, d, ".", pad
    spans = phoneme_word_spans(symbols, durations, offset=1000, trim_start=600, length=99999)
    f, lead = FRAME_SAMPLES, LEAD_SAMPLES
    # The two words meet in the middle of the space's frame (frames 7 to 8); the last one
    # ends with its last letter, before the full stop.
    assert spans == [
        _Span(1000 + 4 * f - lead - 600, 1000 + 7 * f + f // 2 - lead - 600),
        _Span(1000 + 7 * f + f // 2 - lead - 600, 1000 + 12 * f - lead - 600),
    ]
    # Each word knows where its sounds begin (c at frame 8, d at 11).
    assert spans[1].sounds == (1000 + 8 * f - lead - 600, 1000 + 11 * f - lead - 600)
    # A stress mark is a token with frames but not a sound of its own.
    marked = phoneme_word_spans("ˈab", np.array([4, 1, 2, 3, 5]), offset=0, trim_start=0,
                                length=99999)  # fmt: skip
    assert marked[0].sounds == (5 * f - lead, 7 * f - lead)
    # Punctuation between words is part of the move from one to the next.
    spans = phoneme_word_spans("ab, cd", np.array([4, 1, 2, 5, 1, 3, 1, 5]), offset=0,
                               trim_start=0, length=99999)  # fmt: skip
    assert spans[0].end == spans[1].start == 7 * f + 3 * f - lead
    # The lead comes out of the opening padding only, never out of the first word.
    short = phoneme_word_spans("a", np.array([1, 2, 1]), offset=50, trim_start=0, length=9000)
    assert short == [_Span(50, 50 + 2 * f)]


def _pairs(groups):
    return [(g.words, g.count) for g in groups]


def test_words_are_matched_one_to_one_or_by_length():
    groups = spoken_groups("Hello world.", "həlˈO wˈɜɹld.")
    assert _pairs(groups) == [(["Hello"], 1), (["world."], 1)]
    # g2p spoke "On the" as one phoneme word.
    groups = spoken_groups("On the third of May,", "ɔnðə θˈɜɹd ʌv mˈA,")
    assert _pairs(groups) == [(["On", "the"], 1), (["third"], 1), (["of"], 1), (["May,"], 1)]
    # A language written without spaces: one text word over several phoneme words.
    assert _pairs(spoken_groups("今日は", "kʲoː wa")) == [(["今日は"], 2)]


def test_joined_words_are_found_by_their_sounds_when_g2p_is_given():
    text, phonemes = "The history of the lighthouse", "ðə hˈɪstəɹɹi ʌvðə lˈIthWs"
    alone = {"The": "ðə", "history": "hˈɪstəɹɹi", "of": "ʌv", "the": "ðə", "lighthouse": "lˈIthWs"}
    # Counted in letters (stress marks included), "history of" looks like "hˈɪstəɹɹi".
    assert _pairs(spoken_groups(text, phonemes))[1] == (["history", "of"], 1)
    groups = spoken_groups(text, phonemes, alone.__getitem__)
    assert _pairs(groups) == [
        (["The"], 1), (["history"], 1), (["of", "the"], 1), (["lighthouse"], 1)
    ]  # fmt: skip
    # Sizes are sounds: stress marks and the like are not counted.
    assert groups[2].sizes == (2, 2) and groups[1].sizes == (8,)
    # When the counts agree g2p is not asked at all.
    assert _pairs(spoken_groups("of it", "ʌv ɪt", lambda word: 1 / 0)) == [(["of"], 1), (["it"], 1)]


def test_the_clock_carries_a_word_across_chunks_and_splits_joined_words():
    clock = WordClock([(["On", "the"], 1), (["history"], 2)])
    first = clock.feed([_Span(0, 2400), _Span(4800, 7200)])
    assert first == [WordTime("On", 0.0, 0.04), WordTime("the", 0.04, 0.1)]
    assert clock.feed([_Span(12000, 24000)]) == [WordTime("history", 0.2, 1.0)]
    assert clock.finish() == []


def test_words_in_one_phoneme_word_are_cut_between_its_sounds():
    # "no more" spoken as nˈOmˌɔɹ: five sounds, "no" is the first two of them.
    sounds = (0, 1200, 3600, 4800, 6000)
    clock = WordClock([Group(["no", "more"], 1, (2, 3))])
    words = clock.feed([_Span(0, 9600, sounds)])
    assert words == [WordTime("no", 0.0, 0.15), WordTime("more", 0.15, 0.4)]
    # Without the sounds the words share the time by their sizes.
    clock = WordClock([Group(["no", "more"], 1, (2, 3))])
    assert clock.feed([_Span(0, 9600)])[0] == WordTime("no", 0.0, 0.16)


def test_character_alignment_is_elevenlabs_shaped():
    alignment = character_alignment([WordTime("Hi", 0.0, 0.2), WordTime("you", 0.3, 0.6)])
    assert alignment["characters"] == ["H", "i", " ", "y", "o", "u"]
    assert alignment["character_start_times_seconds"] == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
    assert alignment["character_end_times_seconds"] == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]


def test_the_first_timed_chunk_comes_out_before_the_second_is_made(engine, monkeypatch):
    """Word times must not cost first-sound latency: a listener gets the first chunk after
    one model call, not after two (as a generator holding one chunk back would do)."""
    model, _ = engine._session()
    calls = []
    run = model.run
    monkeypatch.setattr(model, "run", lambda *a, **k: calls.append(1) or run(*a, **k))
    monkeypatch.setattr(engine, "_workers", 1)
    timed = engine.stream_timed(TEXT)
    audio, words = next(timed)
    assert len(calls) == 1
    assert len(audio) > 2400 and [w.text for w in words] == ["Hello", "world,"]
    rest = list(timed)
    assert len(calls) == len(engine.phonemize(TEXT)) == 1 + len(rest)


def test_a_stream_in_parts_aligns_like_the_whole():
    words = [WordTime("Hi", 0.0, 0.2), WordTime("you", 0.3, 0.6), WordTime("two", 0.7, 0.9)]
    whole = character_alignment(words)
    first = character_alignment(words[:1])
    rest = character_alignment(words[1:], after=words[0])
    for key, values in whole.items():
        assert first[key] + rest[key] == values
    assert rest["characters"][0] == " " and rest["character_start_times_seconds"][0] == 0.2


def _tone(seconds):
    return (0.5 * np.sin(np.arange(int(seconds * 24000)) * 0.07)).astype(np.float32)


def _silence(seconds):
    return np.zeros(int(seconds * 24000), np.float32)


def test_pauses_are_long_silences_or_silence_at_the_edges():
    audio = np.concatenate([
        _silence(0.05), _tone(0.3), _silence(0.1), _tone(0.2), _silence(0.04), _tone(0.2),
        _silence(0.03),
    ])  # fmt: skip
    at = 24000
    # The 40 ms gap (a stop's closure) is no pause; the edges are, however short.
    assert pauses(audio) == [
        (0, int(0.05 * at)), (int(0.35 * at), int(0.45 * at)),
        (int(0.89 * at), audio.size),
    ]  # fmt: skip


def test_word_edges_inside_a_pause_move_to_its_edge():
    silent = [(0, 1000), (5000, 9000)]
    lead = ONSET_LEAD_SAMPLES
    spans = [_Span(100 + 500, 6000 + 500), _Span(8000 + 500, 12000 + 500), _Span(5600, 8600)]
    assert snap_to_pauses(spans, silent, offset=500) == [
        # starts at most the onset's lead before the sound, ends where the pause begins
        _Span(1500 - lead, 5500),
        _Span(9500 - lead, 12500),
        _Span(5600, 8600),  # wholly inside a pause: too soft to place, kept
    ]
    # A start the phonemes put inside the lead keeps its place.
    assert snap_to_pauses([_Span(9200, 12500)], silent, offset=500)[0] == _Span(9200, 12500)
    # The sounds inside a span go with it.
    moved = snap_to_pauses([_Span(600, 6500, (600, 3000))], silent, offset=500)[0]
    assert moved.sounds == (600, 3000)


def test_words_meet_the_pauses_where_the_sound_starts_and_stops(engine):
    from synthesis.engine.bench_timestamps import pause_errors

    timed = list(engine.stream_timed(TEXT, voice="am_michael"))
    audio = np.concatenate([chunk for chunk, _ in timed])
    starts, ends = pause_errors([w for _, ws in timed for w in ws], audio)
    errors = np.asarray(starts + ends)
    assert len(starts) >= 6 and len(ends) >= 6
    # The model's durations alone end a word before a pause 40-250 ms late.
    assert np.mean(np.abs(errors) <= 50) >= 0.85, np.round(errors)
    assert abs(np.median(ends)) <= 10, np.round(errors)
    # A word after a pause may begin up to the onset's lead before the sound passes -40 dB.
    lead_ms = ONSET_LEAD_SAMPLES / 24
    assert -lead_ms <= np.median(starts) <= 10, np.round(errors)
