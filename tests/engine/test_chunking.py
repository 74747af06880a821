from synthesis.engine.chunking import (
    CLAUSE_PAUSE_S,
    SENTENCE_PAUSE_S,
    Piece,
    natural_pause,
    pack,
    split_long,
    split_sentences,
)


def _words(text: str) -> list[str]:
    return text.split()


def test_it_splits_sentences_and_paragraphs():
    text = "First one. Second one?\u201d Third!\n\nA paragraph without a stop\n\nLast."
    assert split_sentences(text) == [
        "First one.",
        "Second one?\u201d",
        "Third!",
        "A paragraph without a stop",
        "Last.",
    ]


def test_it_splits_long_phonemes_at_clauses_without_losing_any():
    phonemes = ", ".join(f"wɜɹd{i} ænd mˈɔɹ" for i in range(80))
    parts = split_long(phonemes, 100)
    assert all(len(p) <= 100 for p in parts)
    assert _words(" ".join(parts)) == _words(phonemes)
    assert all(p.endswith(",") for p in parts[:-1])


def test_it_splits_at_spaces_when_there_is_no_punctuation():
    phonemes = " ".join(["abcdefg"] * 200)
    parts = split_long(phonemes, 510)
    assert all(len(p) <= 510 for p in parts)
    assert _words(" ".join(parts)) == _words(phonemes)


def test_it_cuts_a_single_overlong_word_rather_than_dropping_it():
    parts = split_long("a" * 1200, 510)
    assert [len(p) for p in parts] == [510, 510, 180]


def test_it_keeps_the_first_chunk_short_and_packs_the_rest():
    pieces = [Piece(f"sˈɛntəns nˈʌmbəɹ {i} ɪz hˈɪɹ.", SENTENCE_PAUSE_S) for i in range(30)]
    chunks = list(pack(pieces, first_target=40, target=180))
    assert len(chunks[0].phonemes) <= 40
    assert all(len(c.phonemes) <= 180 for c in chunks)
    assert len(chunks) < len(pieces)
    assert " ".join(c.phonemes for c in chunks) == " ".join(p.phonemes for p in pieces)


def test_it_never_exceeds_the_model_limit():
    pieces = [Piece("ab " * 700, 0.3), Piece("cd " * 10, 0.3)]
    chunks = list(pack(pieces, first_target=60, target=600, limit=510))
    assert all(len(c.phonemes) <= 510 for c in chunks)
    assert _words(" ".join(c.phonemes for c in chunks)) == ["ab"] * 700 + ["cd"] * 10


def test_it_pauses_longer_after_sentences_than_after_clauses():
    assert natural_pause("hˈɛlO.") == SENTENCE_PAUSE_S
    assert natural_pause("hˈɛlO,") == CLAUSE_PAUSE_S
    assert natural_pause("hˈɛlO") == 0.0
