"""SSML <emphasis>: stress marks in the phonemes (its pitch, loudness and length are measured
in test_prosody.py)."""

import numpy as np
import pytest

from synthesis.engine import SAMPLE_RATE
from synthesis.engine.g2p import restress


def _emphasised(sentence: str, level: str) -> str:
    """``sentence`` with its {braced} part wrapped in <emphasis level=...>."""
    marked = sentence.replace("{", f'<emphasis level="{level}">').replace("}", "</emphasis>")
    return f"<speak>{marked}</speak>"


def _rms_db(audio: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(audio**2))))


@pytest.mark.parametrize(
    ("phonemes", "raised", "lowered"),
    [
        ("ðə", "ðˈə", "ðə"),  # unstressed: a primary stress before the first vowel
        ("wˌʌn.", "wˈʌn.", "wʌn."),  # secondary only: promoted
        ("ˌʌndəɹstˈænd", "ˌʌndəɹstˈænd", "ʌndəɹstænd"),  # has a primary: kept
        ("mI", "mˈI", "mI"),  # Kokoro's diphthong letters are vowels
        ("“ðə”", "“ðˈə”", "“ðə”"),  # punctuation around a word is no vowel
        ("t", "t", "t"),  # no vowel, nowhere to put a stress
        ("ɪz ðə bˈɛst", "ˈɪz ðˈə bˈɛst", "ɪz ðə bɛst"),  # every word
    ],
)
def test_restress_raises_and_lowers_every_word(phonemes, raised, lowered):
    assert restress(phonemes, 1) == raised
    assert restress(phonemes, -1) == lowered
    assert restress(phonemes, 0) == phonemes


@pytest.mark.parametrize(
    ("sentence", "level", "expected"),
    [
        # every level changes the word within the sentence: one chunk, as with none
        ("I said {the} blue one.", "none", ["I sˈɛd ðə blˈu wˌʌn."]),
        ("I said {the} blue one.", "moderate", ["I sˈɛd ðˈə blˈu wˌʌn."]),
        ("I said the blue {one}.", "moderate", ["I sˈɛd ðə blˈu wˈʌn ."]),
        ("I said the {blue} one.", "reduced", ["I sˈɛd ðə blu wˌʌn."]),
        ("I said {the} blue one.", "strong", ["I sˈɛd ðˈə blˈu wˌʌn."]),
    ],
)
def test_emphasis_changes_the_phonemes_that_will_be_spoken(engine, sentence, level, expected):
    assert engine.phonemize(_emphasised(sentence, level), lang="a", ssml=True) == expected


def test_a_plain_sentence_and_emphasis_none_are_spoken_alike(engine):
    plain = engine.phonemize("<speak>I said the blue one.</speak>", lang="a", ssml=True)
    none = engine.phonemize(_emphasised("I said {the} blue one.", "none"), lang="a", ssml=True)
    assert plain == none


def test_emphasis_is_the_default_level_moderate(engine):
    document = "<speak>I said <emphasis>the</emphasis> blue one.</speak>"
    default = engine.phonemize(document, ssml=True)
    moderate = engine.phonemize(_emphasised("I said {the} blue one.", "moderate"), ssml=True)
    assert default == moderate


@pytest.mark.parametrize(
    ("lang", "sentence"), [("j", "今日は{とても}暑い。"), ("z", "今天{非常}热。")]
)
def test_languages_without_stress_marks_get_none(engine, lang, sentence):
    # OpenJTalk and pinyin mark pitch accent and tones, not stress: nothing to add there.
    moderate = engine.phonemize(_emphasised(sentence, "moderate"), lang=lang, ssml=True)
    none = engine.phonemize(_emphasised(sentence, "none"), lang=lang, ssml=True)
    assert moderate == none
    assert not any("ˈ" in chunk or "ˌ" in chunk for chunk in moderate)


@pytest.mark.model
def test_moderate_emphasis_lengthens_the_word_within_one_chunk(engine):
    def render(level: str) -> list[np.ndarray]:
        return list(engine.stream(_emphasised("I said {the} blue one.", level), ssml=True))

    plain, emphasised = render("none"), render("moderate")
    assert len(plain) == len(emphasised) == 1
    # af_heart speaks a stressed "the" about 110 ms longer; 50 ms leaves room for drift.
    assert len(emphasised[0]) - len(plain[0]) > 0.05 * SAMPLE_RATE


@pytest.mark.model
@pytest.mark.parametrize("word", ["the", "blue"])
def test_strong_emphasis_alone_is_longer_and_louder(engine, word):
    plain = engine.synthesize(_emphasised(f"{{{word}}}", "none"), ssml=True)
    strong = engine.synthesize(_emphasised(f"{{{word}}}", "strong"), ssml=True)
    assert len(strong) > 1.1 * len(plain)
    assert _rms_db(strong) - _rms_db(plain) > 2.0
    assert np.abs(strong).max() < 1.0


def test_gain_scales_and_bends_peaks_under_full_scale():
    from synthesis.engine.audio import with_gain

    audio = np.array([0.0, 0.1, -0.2, 0.5, -0.6, 0.7], dtype=np.float32)
    assert with_gain(audio, 0.0) is audio
    louder = with_gain(audio, 6.0)
    np.testing.assert_allclose(louder[:3], audio[:3] * 10 ** (6 / 20), rtol=1e-6)
    assert np.all(np.abs(louder[3:]) < 1.0)
    assert np.all(np.diff(np.abs(louder[3:])) > 0)  # bent, not flattened: order is kept
    np.testing.assert_allclose(with_gain(audio, -6.0), audio * 10 ** (-6 / 20), rtol=1e-6)
