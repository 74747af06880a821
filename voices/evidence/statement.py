"""Does a transcript say the consent statement: the one-time code and the speaker's name?

People read "549-674" as "five four nine, six seven four", "549 674", "five forty-nine,
six seventy-four" or "five hundred and forty-nine…"; the recogniser writes digits or words.
Every run of numbers in the transcript becomes its digits, in order, and the code is heard when
its six digits appear together in that stream. A name is heard when each of its parts is close
to a word of the transcript (recognisers spell unusual names their own way: Lynda for Linda).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

NAME_SIMILARITY = 0.75

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
# Number words per statement language; a language without a table is heard by its digits only.
NUMBER_WORDS: dict[str, dict[str, tuple[str, int]]] = {
    "en": {
        **{w: ("one", n) for n, w in enumerate(_ONES)},
        "oh": ("one", 0),
        "o": ("one", 0),
        "nought": ("one", 0),
        **{w: ("teen", 10 + n) for n, w in enumerate(_TEENS)},
        **{w: ("tens", 20 + 10 * n) for n, w in enumerate(_TENS)},
        "hundred": ("hundred", 100),
        "thousand": ("thousand", 1000),
        "double": ("repeat", 2),
        "triple": ("repeat", 3),
        "and": ("and", 0),
    },  # fmt: skip
}


@dataclass(frozen=True)
class StatementCheck:
    code_heard: bool
    name_heard: bool

    @property
    def heard(self) -> bool:
        return self.code_heard and self.name_heard


def statement_check(
    *, transcript: str, code: str, speaker_name: str, language: str
) -> StatementCheck:
    words = words_of(transcript)
    digits = re.sub(r"\D", "", code)
    return StatementCheck(
        code_heard=bool(digits) and digits in spoken_digits(words, language=language),
        name_heard=name_heard(words, speaker_name=speaker_name),
    )


def words_of(text: str) -> list[str]:
    """Lower-case words and digit runs, accents and punctuation dropped ("549-674" is two)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z]+|\d+", plain)


def spoken_digits(words: list[str], *, language: str) -> str:
    """The digits of every number said in `words`, concatenated in order."""
    table = NUMBER_WORDS.get(language, {})
    reader = _NumberReader()
    for word in words:
        if word.isdigit():
            reader.literal(word)
        elif word in table:
            reader.word(*table[word])
        else:
            reader.flush()
    reader.flush()
    return "".join(reader.out)


class _NumberReader:
    """Groups number words into numbers: "five hundred forty nine" is 549, "five four" is 5, 4."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.value: int | None = None
        self.last = ""
        self.repeat = 1

    def flush(self) -> None:
        if self.value is not None:
            self.out.append(str(self.value))
        self.value, self.last, self.repeat = None, "", 1

    def literal(self, digits: str) -> None:
        self.flush()
        self.out.append(digits)

    def word(self, kind: str, n: int) -> None:
        if kind == "repeat":
            self.flush()
            self.repeat = n
        elif kind == "and":
            if self.last not in ("hundred", "thousand"):
                self.flush()
        elif kind == "one" and self.repeat > 1:
            self.out.append(str(n) * self.repeat)
            self.repeat = 1
        elif kind in ("hundred", "thousand"):
            self._scale(kind, n)
        else:
            self._add(kind, n)

    def _add(self, kind: str, n: int) -> None:
        joins = self.last in ("hundred", "thousand") or (kind == "one" and self.last == "tens")
        if self.value is not None and joins:
            self.value += n
        else:
            self.flush()
            self.value = n
        self.last = kind

    def _scale(self, kind: str, n: int) -> None:
        if self.value is None:
            self.value = n
        elif kind == "hundred":
            low = self.value % 1000
            self.value += low * (n - 1)
        else:
            self.value *= n
        self.last = kind


def name_heard(words: list[str], *, speaker_name: str) -> bool:
    """Every part of the name (two letters or more) is close to a word or two joined words."""
    parts = [w for w in words_of(speaker_name) if len(w) >= 2 and not w.isdigit()]
    if not parts:
        return False
    candidates = set(words) | {a + b for a, b in zip(words, words[1:], strict=False)}
    return all(
        any(SequenceMatcher(None, part, c).ratio() >= NAME_SIMILARITY for c in candidates)
        for part in parts
    )
