"""The engine bench's own helpers: naming the machine, and keeping its held-out set apart."""

import pytest

from synthesis.engine.bench import cpu_summary
from synthesis.engine.bench_scoring import canonical_words, token_errors
from synthesis.engine.bench_wer import (
    DEV_NUMBER_SENTENCES,
    NUMBER_SENTENCES,
    WER_SENTENCES,
    word_errors,
    words_for_wer,
)

from .test_normalize import AMERICAN, BOTH, BRITISH

CPUINFO = """processor\t: 0
model name\t: {model}
flags\t\t: fpu sse2 {flags}

processor\t: 1
model name\t: {model}
flags\t\t: fpu sse2 {flags}
"""


def test_it_names_the_cpu_and_its_instruction_sets(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text(
        CPUINFO.format(model="Intel Xeon", flags="avx2 avx512f avx512_vnni amx_int8 amx_tile")
    )
    summary = cpu_summary(str(info))
    assert "Intel Xeon" in summary
    assert "has AVX2, AVX512, VNNI, AMX" in summary
    assert "lacks" not in summary


def test_an_avx2_only_cpu_is_reported_without_vnni(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text(CPUINFO.format(model="AMD EPYC 7B13", flags="avx avx2 fma"))
    summary = cpu_summary(str(info))
    assert "AMD EPYC 7B13" in summary
    assert "has AVX2;" in summary
    assert "lacks AVX512, VNNI, AMX" in summary


def test_the_held_out_sentences_share_no_case_with_the_normaliser_table():
    written = {case for case, _ in BOTH + AMERICAN + BRITISH}
    for sentence in NUMBER_SENTENCES:
        assert sentence not in written
        assert not any(case.rstrip(".!") in sentence for case in written if len(case) > 12)
    assert not set(NUMBER_SENTENCES) & set(WER_SENTENCES)


def test_word_errors_count_substitutions_insertions_and_deletions():
    assert word_errors(["a", "b", "c"], ["a", "b", "c"]) == 0
    assert word_errors(["a", "b", "c"], ["a", "x", "c"]) == 1
    assert word_errors(["a", "b", "c"], ["a", "b"]) == 1
    assert word_errors(["a", "b"], ["a", "b", "c", "d"]) == 2


def test_a_british_reference_reads_as_a_british_voice_speaks():
    assert words_for_wer("It was 105 pages.", british=True) == [
        "it",
        "was",
        "one",
        "hundred",
        "and",
        "five",
        "pages",
    ]
    assert words_for_wer("It was 105 pages.") == ["it", "was", "one", "hundred", "five", "pages"]


def test_the_dev_set_is_apart_from_the_held_out_one():
    assert len(DEV_NUMBER_SENTENCES) >= 20
    assert not set(DEV_NUMBER_SENTENCES) & (set(NUMBER_SENTENCES) | set(WER_SENTENCES))


def _errors(reference: str, transcript: str, *, british: bool = False) -> int:
    ref = canonical_words(reference, british=british)
    return token_errors(ref, canonical_words(transcript, british=british, transcript=True))


@pytest.mark.parametrize(
    ("reference", "transcript"),
    [
        ("Flight 286 departs at 21:40.", "Flight 286 departs at 2140."),
        ("Flight 286 departs at 21:40.", "Flight 286 departs at twenty-one forty."),
        ("It opened in 1998.", "It opened in nineteen ninety-eight."),
        ("It opened in 1998.", "It opened in 1998."),
        ("It carried 42,000 cars.", "It carried 42000 cars."),
        ("It carried 42,000 cars.", "It carried forty-two thousand cars."),
        ("Call 555-0147 now.", "Call 5550147 now."),
        ("Call 555-0147 now.", "Call five five five, oh one four seven now."),
        ("It was 105 pages.", "It was one hundred and five pages."),
        ("Leave at 9:05.", "Leave at nine oh five."),
        ("She scored 3 goals.", "She scored three goals."),
        ("Oh, I see.", "Oh, I see."),
    ],
)
def test_the_scoring_ignores_how_whisper_writes_a_number(reference, transcript):
    assert _errors(reference, transcript) == 0


@pytest.mark.parametrize(
    ("reference", "transcript", "errors"),
    [
        # a phone number read as a range
        ("Call 555-0147 now.", "Call 555 to 147 now.", 3),
        ("Call 555-0147 now.", "Call five hundred fifty-five to one hundred forty-seven now.", 3),
        # a repeated word
        ("I saw the dog.", "I saw the the dog.", 1),
        # a year read as a cardinal
        ("It opened in 1998.", "It opened in one thousand nine hundred ninety-eight.", 1),
        # a time read as a cardinal
        ("It departs at 21:40.", "It departs at two thousand one hundred forty.", 1),
        # other digits
        ("It carried 42,000 cars.", "It carried 42,500 cars.", 1),
        ("It carried 42,000 cars.", "It carried forty thousand cars.", 1),
        ("Call 555-0147 now.", "Call 555-0174 now.", 1),
    ],
)
def test_the_scoring_still_counts_a_misreading(reference, transcript, errors):
    assert _errors(reference, transcript) == errors


def test_a_british_and_counts_as_part_of_the_number():
    assert _errors("It was 105 pages.", "It was one hundred and five pages.", british=True) == 0
    assert _errors("It was 105 pages.", "It was one hundred five pages.", british=True) == 0
