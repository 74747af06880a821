"""SSML <prosody rate>: a stretch speaks faster or slower inside its sentence, measured on the
real engine's word times, without becoming a chunk (a model call) of its own."""

import pytest

from benchmarks.bench_ssml import WHOLE_SENTENCES
from synthesis.engine.chunking import Piece, joined_across

PLAIN = "The keeper climbed the stairs every evening, and came down at dawn. He never slept."
STRETCH = "the stairs every evening,"


def _document(rate: str | None) -> str:
    inner = f'<prosody rate="{rate}">{STRETCH}</prosody>' if rate else STRETCH
    return f"<speak>{PLAIN.replace(STRETCH, inner)}</speak>"


def test_a_sentence_split_by_markup_is_packed_as_one_piece():
    runs = [
        [Piece("ðə kˈipəɹ", 0.0)],
        [Piece("ðə stˈɛɹz,", 0.12)],
        [Piece("ænd kˈAm.", 0.3), Piece("hi slˈɛpt.", 0.3)],
        [Piece("bˈI.", 0.5)],
    ]
    assert list(joined_across(runs)) == [
        Piece("ðə kˈipəɹ ðə stˈɛɹz, ænd kˈAm.", 0.3),
        Piece("hi slˈɛpt.", 0.3),
        Piece("bˈI.", 0.5),
    ]


@pytest.mark.parametrize("rate", ["x-slow", "fast", "x-fast", "+30%"])
def test_a_rate_change_keeps_the_chunks_of_the_sentence(engine, rate):
    plain = engine.phonemize(_document(None), ssml=True)
    assert engine.phonemize(_document(rate), ssml=True) == plain
    assert len(engine.phonemize(_document(rate), ssml=True, chunking=WHOLE_SENTENCES)) == 1


def _seconds(engine, document: str) -> tuple[float, float]:
    """How long the stretch's words last, and the words after it."""
    words = [
        w for _, ws in engine.stream_timed(document, ssml=True, chunking=WHOLE_SENTENCES)
        for w in ws
    ]  # fmt: skip
    first, last = 3, 3 + len(STRETCH.split()) - 1
    assert [w.text for w in words[first : last + 1]] == STRETCH.split()
    return words[last].end - words[first].start, words[-1].end - words[last + 1].start


@pytest.mark.model
@pytest.mark.parametrize(("rate", "factor"), [("x-slow", 0.6), ("slow", 0.8), ("fast", 1.25)])
def test_the_stretch_lasts_as_long_as_its_rate_asks_and_the_rest_is_unchanged(engine, rate, factor):
    stretch, rest = _seconds(engine, _document(None))
    slowed, rest_after = _seconds(engine, _document(rate))
    assert slowed / stretch == pytest.approx(1 / factor, rel=0.10)
    assert rest_after == pytest.approx(rest, rel=0.03)
