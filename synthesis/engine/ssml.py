"""The SSML subset a TTS API user expects, parsed into segments.

Supported: ``speak, p, s, break (time, strength), prosody (rate), emphasis (level), say-as
(characters, spell-out, cardinal, number, ordinal, digits, date, time, telephone),
sub (alias), phoneme (alphabet="ipa"), lang, voice (name), mark``. ``prosody`` pitch and
volume are accepted and ignored (Kokoro has no control for them). Anything else is an
InvalidSSML naming the line and column. DTDs and entities are refused outright.
"""

import re
from dataclasses import dataclass, field, replace
from xml.parsers import expat

from . import normalize as norm
from .chunking import PARAGRAPH_PAUSE_S, SENTENCE_PAUSE_S
from .errors import InvalidSSML
from .text import Segment

MAX_BREAK_S = 10.0
_STRENGTHS = {
    "none": 0.0,
    "x-weak": 0.1,
    "weak": 0.2,
    "medium": 0.35,
    "strong": 0.6,
    "x-strong": 1.0,
}
_RATES = {"x-slow": 0.6, "slow": 0.8, "medium": 1.0, "default": 1.0, "fast": 1.25, "x-fast": 1.6}


@dataclass(frozen=True)
class _Emphasis:
    rate: float
    stress: int  # +1: every word gets a primary stress; -1: words lose their stress marks
    gain_db: float


# Kokoro has no emphasis or loudness input, but it reads the stress marks in its phonemes:
# given a primary stress, an unstressed word ("the", "is") is mostly spoken longer, by up to
# a tenth of a second; stripped of its marks, a stressed word is mostly a little shorter
# (measured on af_heart, am_adam and bf_emma). Marks change only the phonemes, so
# "moderate" (the default) and "reduced" keep the sentence in one chunk, its intonation
# whole. A word that already has a primary stress sounds the same under "moderate";
# "strong" is for those. It adds what needs a chunk of its own, since speed and gain apply
# to a whole model call: slower and 3 dB louder, heard on any word, at the cost of a seam
# in the intonation. "reduced" stays in the sentence because a word said as its own chunk
# comes out longer and set apart, more prominent whatever its speed.
_EMPHASIS = {
    "strong": _Emphasis(rate=0.88, stress=1, gain_db=3.0),
    "moderate": _Emphasis(rate=1.0, stress=1, gain_db=0.0),
    "none": _Emphasis(rate=1.0, stress=0, gain_db=0.0),
    "reduced": _Emphasis(rate=1.0, stress=-1, gain_db=0.0),
}
# Standard IPA -> the single symbols Kokoro's vocabulary uses for diphthongs and affricates.
_IPA_TO_KOKORO = [
    ("eɪ", "A"),
    ("aɪ", "I"),
    ("aʊ", "W"),
    ("ɔɪ", "Y"),
    ("oʊ", "O"),
    ("əʊ", "Q"),
    ("dʒ", "ʤ"),
    ("tʃ", "ʧ"),
    ("ts", "ʦ"),
    ("g", "ɡ"),
    ("'", "ˈ"),
    ("\u0361", ""),
]
_ELEMENTS = {
    "speak",
    "p",
    "s",
    "break",
    "prosody",
    "emphasis",
    "say-as",
    "sub",
    "phoneme",
    "lang",
    "voice",
    "mark",
}


@dataclass(frozen=True)
class _Context:
    voice: str | None = None
    lang: str | None = None
    rate: float = 1.0
    stress: int = 0
    gain_db: float = 0.0


@dataclass
class _Capture:
    """Text collected inside an element that replaces its content (say-as, sub, phoneme)."""

    tag: str
    attrs: dict[str, str]
    position: tuple[int, int]  # of the start tag, where errors about the element point
    text: list[str] = field(default_factory=list)


class _Builder:
    def __init__(self, parser: expat.XMLParserType) -> None:
        self.parser = parser
        self.segments: list[Segment] = []
        self.stack: list[tuple[str, _Context]] = []
        self.buffer: list[str] = []
        self.capture: _Capture | None = None

    # -- expat callbacks ------------------------------------------------------------------

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag not in _ELEMENTS:
            self.fail(f"unsupported element <{tag}>")
        if not self.stack and tag != "speak":
            self.fail("the document must start with <speak>")
        if self.stack and tag == "speak":
            self.fail("<speak> cannot be nested")
        if self.capture is not None:
            self.fail(f"<{tag}> is not allowed inside <{self.capture.tag}>")
        context = self.context()
        if tag in ("say-as", "sub", "phoneme"):
            self.flush()
            self.capture = _Capture(tag, attrs, self.position())
        elif tag == "break":
            self.flush(pause=self.break_seconds(attrs))
        elif tag in ("p", "s"):
            self.flush()
        elif tag in ("speak", "lang"):
            lang = attrs.get("xml:lang")
            if tag == "lang" and not lang:
                self.fail("<lang> needs an xml:lang attribute")
            context = self.with_change(context, lang=lang) if lang else context
        elif tag == "voice":
            name = attrs.get("name")
            if not name:
                self.fail("<voice> needs a name attribute")
            context = self.with_change(context, voice=name)
        elif tag == "prosody":
            context = self.with_change(context, rate=context.rate * self.rate_of(attrs))
        elif tag == "emphasis":
            level = self.emphasis_of(attrs)
            # The innermost level decides the stress; rates and gains of nested ones add up.
            context = self.with_change(
                context,
                rate=context.rate * level.rate,
                stress=level.stress,
                gain_db=context.gain_db + level.gain_db,
            )
        self.stack.append((tag, context))

    def end(self, tag: str) -> None:
        if self.capture is not None and self.capture.tag == tag:
            self.close_capture(self.capture)
            self.capture = None
        elif tag == "p":
            self.flush(pause=PARAGRAPH_PAUSE_S)
        elif tag == "s":
            self.flush(pause=SENTENCE_PAUSE_S)
        elif tag in ("speak", "lang", "voice", "prosody", "emphasis"):
            self.flush()
        self.stack.pop()

    def text(self, data: str) -> None:
        if not self.stack:
            if data.strip():
                self.fail("text outside <speak>")
            return
        if self.capture is not None:
            self.capture.text.append(data)
        else:
            self.buffer.append(data)

    # -- helpers --------------------------------------------------------------------------

    def context(self) -> _Context:
        return self.stack[-1][1] if self.stack else _Context()

    def with_change(self, context: _Context, **changes: object) -> _Context:
        """A context switch ends the current run of text so it keeps its own settings."""
        self.flush()
        return replace(context, **changes)

    def flush(self, *, pause: float | None = None) -> None:
        text = " ".join("".join(self.buffer).split())
        self.buffer.clear()
        context = self.context()
        if text:
            self.add(Segment(text=text, pause_after=pause), context)
        elif pause is not None and self.segments:
            last = self.segments[-1]
            self.segments[-1] = replace(last, pause_after=max(last.pause_after or 0.0, pause))

    def add(self, segment: Segment, context: _Context) -> None:
        self.segments.append(
            replace(
                segment,
                voice=context.voice,
                lang=context.lang,
                rate=context.rate,
                stress=context.stress,
                gain_db=context.gain_db,
            )
        )

    def close_capture(self, capture: _Capture) -> None:
        content = " ".join("".join(capture.text).split())
        context = self.context()
        if capture.tag == "sub":
            alias = capture.attrs.get("alias")
            if alias is None:
                self.fail("<sub> needs an alias attribute", at=capture.position)
            self.add(Segment(text=alias), context)
        elif capture.tag == "phoneme":
            self.add(Segment(text=content, phonemes=self.phonemes(capture)), context)
        elif content:
            spoken = self.say_as(capture, content)
            self.add(Segment(text=spoken, written=content, normalized=True), context)

    def phonemes(self, capture: _Capture) -> str:
        alphabet = capture.attrs.get("alphabet", "ipa")
        if alphabet != "ipa":
            self.fail(
                f'phoneme alphabet "{alphabet}" is not supported, use "ipa"', capture.position
            )
        ph = capture.attrs.get("ph")
        if not ph:
            self.fail("<phoneme> needs a ph attribute", at=capture.position)
        for ipa, kokoro in _IPA_TO_KOKORO:
            ph = ph.replace(ipa, kokoro)
        return ph

    def say_as(self, capture: _Capture, content: str) -> str:
        kind = capture.attrs.get("interpret-as", "")
        try:
            return _say_as(kind, content, capture.attrs.get("format", ""))
        except (ValueError, KeyError, IndexError) as e:
            self.fail(f'cannot read "{content}" as {kind}: {e}', at=capture.position)
            raise  # unreachable: fail() raises

    def break_seconds(self, attrs: dict[str, str]) -> float:
        if "time" in attrs:
            match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*", attrs["time"])
            if match is None:
                self.fail(f'break time "{attrs["time"]}" must look like 500ms or 1.5s')
            seconds = float(match.group(1)) / (1000 if match.group(2) == "ms" else 1)
            return min(seconds, MAX_BREAK_S)
        strength = attrs.get("strength", "medium")
        if strength not in _STRENGTHS:
            self.fail(f'unknown break strength "{strength}"')
        return _STRENGTHS[strength]

    def emphasis_of(self, attrs: dict[str, str]) -> _Emphasis:
        level = attrs.get("level", "moderate")
        if level not in _EMPHASIS:
            self.fail(f'unknown emphasis level "{level}"')
        return _EMPHASIS[level]

    def rate_of(self, attrs: dict[str, str]) -> float:
        rate = attrs.get("rate", "default").strip()
        if rate in _RATES:
            return _RATES[rate]
        match = re.fullmatch(r"([+-]?\d+(?:\.\d+)?)(%?)", rate)
        if match is None:
            self.fail(f'prosody rate "{rate}" must be x-slow..x-fast, a percentage or a number')
        value = float(match.group(1))
        if match.group(2):
            value = 1 + value / 100 if rate[0] in "+-" else value / 100
        if not 0.25 <= value <= 4.0:
            self.fail(f'prosody rate "{rate}" is out of range')
        return value

    def position(self) -> tuple[int, int]:
        return self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1

    def fail(self, message: str, at: tuple[int, int] | None = None) -> None:
        line, column = at or self.position()
        raise InvalidSSML(message, line=line, column=column)


def _say_as(kind: str, content: str, fmt: str) -> str:
    if kind in ("characters", "spell-out"):
        return " ".join(ch for ch in content if not ch.isspace())
    if kind in ("cardinal", "number"):
        return norm.cardinal(content.replace(" ", ""))
    if kind == "ordinal":
        return norm.ordinal(re.sub(r"(st|nd|rd|th)$", "", content.strip()))
    if kind == "digits":
        return norm.digits(content)
    if kind == "telephone":
        groups = re.findall(r"\d+", content)
        return ", ".join(norm.digits(g) for g in groups)
    if kind == "date":
        return _date(content, fmt or "mdy")
    if kind == "time":
        return norm.normalize_english(content)
    raise ValueError(f'unsupported interpret-as "{kind}"')


def _date(content: str, fmt: str) -> str:
    parts = [int(p) for p in re.findall(r"\d+", content)]
    order = {"mdy": "mdy", "dmy": "dmy", "ymd": "ymd", "md": "md", "dm": "dm", "ym": "ym"}[fmt]
    values = dict(zip(order, parts, strict=True))
    spoken = []
    if "m" in values:
        spoken.append(norm._MONTHS[values["m"] - 1])
    if "d" in values:
        spoken.append(norm.ordinal(values["d"]))
    text = " ".join(spoken)
    if "y" in values:
        text = f"{text}, {norm.year(values['y'])}" if text else norm.year(values["y"])
    return text


def parse_ssml(document: str) -> list[Segment]:
    parser = expat.ParserCreate()
    builder = _Builder(parser)
    parser.buffer_text = True
    parser.ordered_attributes = False
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.text
    parser.StartDoctypeDeclHandler = lambda *args: builder.fail("DTDs are not allowed")
    parser.EntityDeclHandler = lambda *args: builder.fail("entity declarations are not allowed")
    try:
        parser.Parse(document, True)
    except expat.ExpatError as e:
        raise InvalidSSML(expat.ErrorString(e.code), line=e.lineno, column=e.offset + 1) from e
    if not builder.segments and not document.strip():
        raise InvalidSSML("the document is empty", line=1, column=1)
    return builder.segments
