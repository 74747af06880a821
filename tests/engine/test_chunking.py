from synthesis.engine.chunking import (
    CLAUSE_PAUSE_S,
    SENTENCE_PAUSE_S,
    ChunkPolicy,
    Piece,
    natural_pause,
    pack,
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


def _pack(pieces, policy: ChunkPolicy, limit: int = 510) -> list[Piece]:
    return list(pack(pieces, policy.sizes(limit), phrase_cuts=policy.phrase_cuts))


def split_long(phonemes: str, limit: int, *, phrase_cuts: bool = False) -> list[str]:
    """One sentence cut into parts of at most ``limit`` symbols, as pack cuts a long one."""
    policy = ChunkPolicy(limit, limit, limit, ramp=False, phrase_cuts=phrase_cuts)
    return [c.phonemes for c in _pack([Piece(phonemes, SENTENCE_PAUSE_S)], policy)]


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
    chunks = _pack(pieces, ChunkPolicy(first=40, target=180, ramp=False))
    assert len(chunks[0].phonemes) <= 40
    assert all(len(c.phonemes) <= 180 for c in chunks)
    assert len(chunks) < len(pieces)
    assert " ".join(c.phonemes for c in chunks) == " ".join(p.phonemes for p in pieces)


def test_it_never_exceeds_the_model_limit():
    pieces = [Piece("ab " * 700, 0.3), Piece("cd " * 10, 0.3)]
    chunks = _pack(pieces, ChunkPolicy(first=60, target=600), limit=510)
    assert all(len(c.phonemes) <= 510 for c in chunks)
    assert _words(" ".join(c.phonemes for c in chunks)) == ["ab"] * 700 + ["cd"] * 10


def test_chunks_grow_no_faster_than_the_audio_already_sent():
    # A chunk is computed while the ones before it play: it may be at most as long as they.
    pieces = [
        Piece(f"sˈɛntəns nˈʌmbəɹ {i}, ænd ə lˈɔŋɡəɹ klˈɔz.", SENTENCE_PAUSE_S) for i in range(40)
    ]
    chunks = _pack(pieces, ChunkPolicy(first=24, target=120))
    lengths = [len(c.phonemes) for c in chunks]
    assert lengths[0] <= 24
    assert all(n <= max(24, sum(lengths[:i])) for i, n in enumerate(lengths) if i)
    assert max(lengths) > 80  # it does reach the target: two ~41-symbol sentences a chunk
    assert " ".join(c.phonemes for c in chunks) == " ".join(p.phonemes for p in pieces)


def test_without_a_ramp_the_second_chunk_is_full_size():
    pieces = [Piece(f"sˈɛntəns nˈʌmbəɹ {i} ɪz hˈɪɹ.", SENTENCE_PAUSE_S) for i in range(20)]
    ramped = _pack(pieces, ChunkPolicy(first=24, target=120))
    jumped = _pack(pieces, ChunkPolicy(first=24, target=120, ramp=False))
    assert len(jumped[1].phonemes) > 80
    assert len(ramped[1].phonemes) <= len(ramped[0].phonemes)


def test_a_short_first_chunk_is_followed_by_a_short_second_one():
    # "according" alone, then not a full-size chunk: growth follows what was sent.
    pieces = [
        Piece("əkˈɔɹdɪŋ tə ðə kwˈɔɹTəɹli ɹᵻpˈɔɹt, pˈʌblɪʃt jˈɛstəɹdˌA ˌæftəɹnˈun.", 0.3),
        Piece("ˈɛkspɔɹts ɹˈOz ʃˈɑɹpli.", 0.3),
    ]
    chunks = _pack(pieces, ChunkPolicy(first=12, target=120))
    assert chunks[0].phonemes == "əkˈɔɹdɪŋ"
    assert chunks[1].phonemes == "tə ðə kwˈɔɹTəɹli ɹᵻpˈɔɹt,"  # cut at its clause, not at 120


def test_a_text_of_one_sentence_starts_with_a_whole_clause():
    sentence = "ðə hˈɪstəɹɹi ʌvðə lˈIthWs ɪz, ɪn mˈɛni wˈAz, ə hˈɪstəɹɹi ʌv tɹˈAd."
    alone = _pack([Piece(sentence, 0.3)], ChunkPolicy(first=24, first_alone=40))
    followed = _pack([Piece(sentence, 0.3), Piece("jˈɛs.", 0.3)], ChunkPolicy(first=24))
    assert alone[0].phonemes == "ðə hˈɪstəɹɹi ʌvðə lˈIthWs ɪz,"
    assert followed[0].phonemes == "ðə hˈɪstəɹɹi"


def test_after_the_first_chunk_sentences_are_cut_only_at_clauses():
    # A chunk is its own utterance: a sentence broken between words loses its intonation.
    words = "wˈʌn twˈu θɹˈi fˈɔɹ fˈIv sˈɪks sˈɛvən ˈAt nˈIn tˈɛn ᵻlˈɛvən twˈɛlv"
    pieces = [Piece("hˈI.", 0.3), Piece(f"{words}.", 0.3), Piece(f"{words}, {words}.", 0.3)]
    chunks = _pack(pieces, ChunkPolicy(first=24, target=120))
    assert [c.phonemes for c in chunks] == ["hˈI.", f"{words}.", f"{words},", f"{words}."]


def test_phrase_cuts_do_not_strand_function_words_at_the_end_of_a_chunk():
    phonemes = "ðə hˈɪstəɹɹi ʌvðə lˈIthWs ɪz ə lˈɔŋ wˈʌn"
    plain = split_long(phonemes, 20)
    phrased = split_long(phonemes, 20, phrase_cuts=True)
    assert plain[0] == "ðə hˈɪstəɹɹi ʌvðə"
    assert phrased[0] == "ðə hˈɪstəɹɹi"
    assert _words(" ".join(phrased)) == _words(phonemes)


def test_phrase_cuts_fall_back_to_a_space_when_no_word_is_stressed():
    phonemes = " ".join(["ðə"] * 30)
    parts = split_long(phonemes, 20, phrase_cuts=True)
    assert all(len(p) <= 20 for p in parts)
    assert _words(" ".join(parts)) == _words(phonemes)


def test_a_cut_at_a_clause_keeps_a_clause_pause_and_the_rest_keeps_the_sentence_pause():
    pieces = [Piece("wˈʌn twˈu θɹˈi fˈɔɹ, fˈIv sˈɪks sˈɛvən ˈAt nˈIn.", SENTENCE_PAUSE_S)]
    chunks = _pack(pieces, ChunkPolicy(first=24, target=120))
    assert chunks[0].phonemes.endswith(",")
    assert chunks[0].pause_after == CLAUSE_PAUSE_S
    assert chunks[-1].pause_after == SENTENCE_PAUSE_S


def test_it_pauses_longer_after_sentences_than_after_clauses():
    assert natural_pause("hˈɛlO.") == SENTENCE_PAUSE_S
    assert natural_pause("hˈɛlO,") == CLAUSE_PAUSE_S
    assert natural_pause("hˈɛlO") == 0.0
