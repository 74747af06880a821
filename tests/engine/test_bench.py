"""The engine bench's own helpers: naming the machine, and keeping its held-out set apart."""

from synthesis.engine.bench import cpu_summary
from synthesis.engine.bench_wer import (
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
