"""Pronunciation rules: a word or phrase spoken as given phonemes (IPA), or read as other text.

Rules apply to the text before it is normalised, longest match first, on whole words (for
scripts written with spaces) or anywhere (Chinese, Japanese and other scripts without them).
An alias replaces the text; a phoneme rule becomes a run of its own that skips the text
front-end, like SSML's ``<phoneme>``, so it works the same in every language. Rules also come
from W3C PLS files (``parse_pls``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from xml.parsers import expat

from .errors import EngineError
from .g2p import keep_known
from .text import Segment

MAX_RULES = 2000
MAX_GRAPHEME = 100
MAX_VALUE = 200
_NO_SPACES = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af\u0e00-\u0e7f]")


class InvalidLexicon(EngineError):
    """A rule or a PLS file that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Rule:
    grapheme: str
    phonemes: str = ""
    alias: str = ""
    case_sensitive: bool = False

    def as_dict(self) -> dict:
        return {
            "grapheme": self.grapheme, "phonemes": self.phonemes, "alias": self.alias,
            "case_sensitive": self.case_sensitive,
        }  # fmt: skip


def rule_checked(rule: Rule) -> Rule:
    """The rule, stripped, or InvalidLexicon saying what is wrong with it."""
    grapheme = " ".join(rule.grapheme.split())
    phonemes, alias = rule.phonemes.strip(), " ".join(rule.alias.split())
    if not grapheme:
        raise InvalidLexicon("a rule has no word or phrase to replace")
    if len(grapheme) > MAX_GRAPHEME:
        raise InvalidLexicon(f"{grapheme[:20]!r}…: a word or phrase has at most 100 characters")
    if bool(phonemes) == bool(alias):
        raise InvalidLexicon(f"{grapheme!r}: give either phonemes (IPA) or an alias, not both")
    if len(phonemes) > MAX_VALUE or len(alias) > MAX_VALUE:
        raise InvalidLexicon(f"{grapheme!r}: phonemes and aliases have at most 200 characters")
    if phonemes and not any(c.isalpha() for c in keep_known(phonemes)):
        raise InvalidLexicon(
            f"{grapheme!r}: the phonemes {phonemes!r} hold no IPA symbol the voice model knows"
        )
    return Rule(grapheme, phonemes, alias, rule.case_sensitive)


class Lexicon:
    """Rules applied together; a later rule for the same word replaces an earlier one."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        by_word: dict[tuple[str, bool], Rule] = {}
        for rule in rules:
            key = rule.grapheme if rule.case_sensitive else rule.grapheme.lower()
            by_word[(key, rule.case_sensitive)] = rule
        if len(by_word) > MAX_RULES:
            raise InvalidLexicon(f"at most {MAX_RULES} rules apply to one request")
        self.rules = list(by_word.values())
        self._exact = {r.grapheme: r for r in self.rules if r.case_sensitive}
        self._folded = {r.grapheme.lower(): r for r in self.rules if not r.case_sensitive}
        words = sorted({r.grapheme for r in self.rules}, key=len, reverse=True)
        self._pattern = (
            re.compile("|".join(_word_pattern(w) for w in words), re.IGNORECASE) if words else None
        )

    def __bool__(self) -> bool:
        return bool(self.rules)

    def apply(self, segments: list[Segment]) -> list[Segment]:
        out: list[Segment] = []
        for segment in segments:
            out += self._split(segment)
        return out

    def _rule_for(self, found: str) -> Rule | None:
        return self._exact.get(found) or self._folded.get(found.lower())

    def _split(self, segment: Segment) -> list[Segment]:
        if self._pattern is None or segment.phonemes is not None or segment.normalized:
            return [segment]
        parts: list[Segment] = []
        text, at = "", 0
        for match in self._pattern.finditer(segment.text):
            rule = self._rule_for(match.group(0))
            if rule is None:
                continue
            text += segment.text[at : match.start()]
            at = match.end()
            if rule.alias:
                text += rule.alias
                continue
            if text.strip():
                parts.append(replace(segment, text=text, pause_after=None, written=None))
            text = ""
            parts.append(
                replace(
                    segment,
                    text=match.group(0),
                    phonemes=rule.phonemes,
                    pause_after=None,
                    written=None,
                )  # fmt: skip
            )
        text += segment.text[at:]
        if text.strip() or not parts:
            parts.append(replace(segment, text=text, pause_after=None, written=None))
        parts[-1] = replace(parts[-1], pause_after=segment.pause_after)
        # The segment's marks stay at its edges: before its first part, after its last.
        parts = [replace(p, marks=(), marks_after=()) for p in parts]
        parts[0] = replace(parts[0], marks=segment.marks)
        parts[-1] = replace(parts[-1], marks_after=segment.marks_after)
        return parts


def _word_pattern(word: str) -> str:
    escaped = re.escape(word)
    if _NO_SPACES.search(word):
        return escaped
    return rf"(?<!\w){escaped}(?!\w)"


def parse_pls(data: bytes) -> list[Rule]:
    """The rules of a W3C Pronunciation Lexicon (PLS 1.0) file: each ``<lexeme>``'s
    graphemes with its first ``<phoneme>`` (IPA) or ``<alias>``."""
    reader = _PlsReader()
    parser = expat.ParserCreate()
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.text
    parser.StartDoctypeDeclHandler = reader.doctype
    parser.EntityDeclHandler = reader.entity
    try:
        parser.Parse(data, True)
    except expat.ExpatError as e:
        raise InvalidLexicon(f"the PLS file is not valid XML (line {e.lineno}): {e}") from e
    if not reader.seen_root:
        raise InvalidLexicon("the file is not a PLS lexicon (no <lexicon> element)")
    if reader.alphabet not in ("", "ipa"):
        raise InvalidLexicon(
            f"the lexicon's alphabet is {reader.alphabet!r}; only IPA phonemes can be used"
        )
    return [rule_checked(rule) for rule in reader.rules]


class _PlsReader:
    def __init__(self) -> None:
        self.rules: list[Rule] = []
        self.alphabet = ""
        self.seen_root = False
        self._graphemes: list[str] = []
        self._phoneme = self._alias = ""
        self._buffer: list[str] | None = None

    def doctype(self, *args: object) -> None:
        raise InvalidLexicon("a PLS file with a DOCTYPE is not accepted")

    def entity(self, *args: object) -> None:
        raise InvalidLexicon("a PLS file with entity declarations is not accepted")

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = name.rsplit(":", 1)[-1].rsplit("}", 1)[-1]
        if tag == "lexicon":
            self.seen_root = True
            self.alphabet = attrs.get("alphabet", "").lower()
        elif tag == "lexeme":
            self._graphemes, self._phoneme, self._alias = [], "", ""
        elif tag in ("grapheme", "phoneme", "alias"):
            self._buffer = []

    def text(self, data: str) -> None:
        if self._buffer is not None:
            self._buffer.append(data)

    def end(self, name: str) -> None:
        tag = name.rsplit(":", 1)[-1].rsplit("}", 1)[-1]
        value = "".join(self._buffer or []).strip()
        if tag == "grapheme":
            self._graphemes.append(value)
        elif tag == "phoneme" and not self._phoneme:
            self._phoneme = value
        elif tag == "alias" and not self._alias:
            self._alias = value
        elif tag == "lexeme":
            for grapheme in self._graphemes:
                self.rules.append(
                    Rule(grapheme, self._phoneme, "" if self._phoneme else self._alias)
                )
        if tag in ("grapheme", "phoneme", "alias"):
            self._buffer = None
