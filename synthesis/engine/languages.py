"""Kokoro language codes and the names callers may use for them."""

from dataclasses import dataclass

from .errors import UnsupportedLanguage


@dataclass(frozen=True)
class Language:
    code: str  # Kokoro's one-letter code, also the first letter of a voice id
    label: str
    espeak: str | None  # espeak-ng voice for languages phonemized through espeak


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("a", "American English", "en-us"),
        Language("b", "British English", "en-gb"),
        Language("e", "Spanish", "es"),
        Language("f", "French", "fr-fr"),
        Language("h", "Hindi", "hi"),
        Language("i", "Italian", "it"),
        Language("j", "Japanese", None),
        Language("p", "Brazilian Portuguese", "pt-br"),
        Language("z", "Mandarin Chinese", None),
    )
}

_ALIASES = {
    "en": "a",
    "en-us": "a",
    "en-gb": "b",
    "en-uk": "b",
    "es": "e",
    "es-es": "e",
    "es-mx": "e",
    "fr": "f",
    "fr-fr": "f",
    "hi": "h",
    "hi-in": "h",
    "it": "i",
    "it-it": "i",
    "ja": "j",
    "ja-jp": "j",
    "pt": "p",
    "pt-br": "p",
    "zh": "z",
    "zh-cn": "z",
    "cmn": "z",
}


def language_for(name: str) -> Language:
    """Accept a Kokoro code (``a``) or a BCP-47 tag (``en-US``, ``pt_BR``)."""
    key = name.strip().lower().replace("_", "-")
    code = key if key in LANGUAGES else _ALIASES.get(key)
    if code is None:
        raise UnsupportedLanguage(f"language {name!r} is not supported")
    return LANGUAGES[code]
