"""The SSML subset a TTS API user expects, parsed into segments.

Supported: ``speak, p, s, break (time, strength), prosody (rate, pitch, range, volume),
emphasis (level), say-as (characters, spell-out, cardinal, number, ordinal, digits, date,
time, telephone), sub (alias), phoneme (alphabet="ipa"), lang, voice (name), mark (name)``. Every
element accepts only the attributes it acts on: anything else (``prosody contour``, a
``voice gender``) is an InvalidSSML naming the line and column, never silently ignored.
DTDs and entities are refused outright.
"""

import math
import re
from dataclasses import dataclass, field, replace
from xml.parsers import expat

from . import normalize as norm
from .chunking import PARAGRAPH_PAUSE_S, SENTENCE_PAUSE_S
from .errors import InvalidSSML
from .prosody import NEUTRAL, SILENT_DB, Prosody
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
# Named pitches in semitones, the range over which the pitch is measured to land within a
# semitone of the request and the voice to stay itself.
_PITCHES = {"x-low": -6.0, "low": -3.0, "medium": 0.0, "default": 0.0, "high": 3.0, "x-high": 6.0}
MAX_PITCH_ST = 12.0
PITCH_HZ = (50.0, 500.0)
_RANGES = {"x-low": 0.4, "low": 0.7, "medium": 1.0, "default": 1.0, "high": 1.4, "x-high": 1.8}
MAX_RANGE = 3.0
_VOLUMES = {
    "silent": SILENT_DB,
    "x-soft": -12.0,
    "soft": -6.0,
    "medium": 0.0,
    "default": 0.0,
    "loud": 4.0,
    "x-loud": 8.0,
}
# Above this, Kokoro's loudest voices would need their peaks limited so much that the
# stretch could no longer be as loud as asked.
MAX_VOLUME_DB = 12.0


@dataclass(frozen=True)
class _Emphasis:
    stress: int  # +1: every word gets a primary stress; -1: words lose their stress marks
    prosody: Prosody


def _semitones(st: float) -> float:
    return float(2 ** (st / 12))


# Kokoro reads the stress marks in its phonemes: given a primary stress, an unstressed word
# ("the", "is") is spoken longer and more prominently; stripped of its marks, a stressed word
# is a little shorter. On top of that, emphasis moves what people move when they stress a
# word: its pitch higher and its pitch movement wider, more energy and a little more time
# ("reduced" the other way). All of it is per token, so the word keeps its place in the
# sentence and the sentence its intonation.
_EMPHASIS = {
    "strong": _Emphasis(
        1, Prosody(pitch=_semitones(2.5), pitch_range=1.6, duration=1.15, gain_db=4.0)
    ),
    "moderate": _Emphasis(
        1, Prosody(pitch=_semitones(1.5), pitch_range=1.3, duration=1.08, gain_db=2.0)
    ),
    "none": _Emphasis(0, NEUTRAL),
    "reduced": _Emphasis(
        -1, Prosody(pitch=_semitones(-1.0), pitch_range=0.7, duration=0.94, gain_db=-3.0)
    ),
}
# The attributes each element acts on; any other is refused rather than ignored.
_ATTRIBUTES = {
    "speak": {"xml:lang", "version", "xmlns", "xmlns:xsi", "xsi:schemaLocation"},
    "p": {"xml:lang"},
    "s": {"xml:lang"},
    "break": {"time", "strength"},
    "prosody": {"rate", "pitch", "range", "volume"},
    "emphasis": {"level"},
    "say-as": {"interpret-as", "format"},
    "sub": {"alias"},
    "phoneme": {"alphabet", "ph"},
    "lang": {"xml:lang"},
    "voice": {"name"},
    "mark": {"name"},
}
_WHY_NOT = {
    ("prosody", "contour"): "use pitch on shorter stretches of text instead",
    ("prosody", "duration"): "use rate instead",
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
_ELEMENTS = set(_ATTRIBUTES)


@dataclass(frozen=True)
class _Context:
    voice: str | None = None
    lang: str | None = None
    rate: float = 1.0
    stress: int = 0
    prosody: Prosody = NEUTRAL


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
        self.marks: list[str] = []  # <mark> names waiting for the text after them

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
        self.check_attributes(tag, attrs)
        context = self.context()
        if tag in ("say-as", "sub", "phoneme"):
            self.flush()
            self.capture = _Capture(tag, attrs, self.position())
        elif tag == "break":
            self.flush(pause=self.break_seconds(attrs))
        elif tag in ("speak", "lang", "p", "s"):
            lang = attrs.get("xml:lang")
            if tag == "lang" and not lang:
                self.fail("<lang> needs an xml:lang attribute")
            self.flush()
            context = replace(context, lang=lang) if lang else context
        elif tag == "voice":
            name = attrs.get("name")
            if not name:
                self.fail("<voice> needs a name attribute")
            context = self.with_change(context, voice=name)
        elif tag == "prosody":
            context = self.with_change(
                context,
                rate=context.rate * self.rate_of(attrs),
                prosody=self.prosody_of(attrs, context.prosody),
            )
        elif tag == "mark":
            name = attrs.get("name")
            if not name:
                self.fail("<mark> needs a name attribute")
            self.flush()
            self.marks.append(name)
        elif tag == "emphasis":
            level = self.emphasis_of(attrs)
            # The innermost level decides the stress; the changes of nested ones add up.
            context = self.with_change(
                context, stress=level.stress, prosody=_combined(context.prosody, level.prosody)
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
            # Marks met since the last text come before this pause: reached as it starts.
            self.marks_to_last()
            last = self.segments[-1]
            self.segments[-1] = replace(last, pause_after=max(last.pause_after or 0.0, pause))

    def marks_to_last(self) -> None:
        """Pending marks end the last segment: they are reached when its last word ends."""
        if self.marks and self.segments:
            last = self.segments[-1]
            marks_after = last.marks_after + tuple(self.marks)
            self.segments[-1] = replace(last, marks_after=marks_after)
            self.marks.clear()

    def add(self, segment: Segment, context: _Context) -> None:
        self.segments.append(
            replace(
                segment,
                voice=context.voice,
                lang=context.lang,
                rate=context.rate,
                stress=context.stress,
                prosody=context.prosody,
                marks=tuple(self.marks),
            )
        )
        self.marks.clear()

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
        if "format" in capture.attrs and kind != "date":
            self.fail(
                f'<say-as> format applies to interpret-as="date" only, not "{kind}"',
                capture.position,
            )
        try:
            return _say_as(kind, content, capture.attrs.get("format", ""))
        except (ValueError, KeyError, IndexError) as e:
            self.fail(f'cannot read "{content}" as {kind}: {e}', at=capture.position)
            raise  # unreachable: fail() raises

    def break_seconds(self, attrs: dict[str, str]) -> float:
        if "time" in attrs and "strength" in attrs:
            self.fail("<break> takes time or strength, not both")
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

    def check_attributes(self, tag: str, attrs: dict[str, str]) -> None:
        for name in attrs:
            if name not in _ATTRIBUTES[tag]:
                why = _WHY_NOT.get((tag, name))
                supported = ", ".join(sorted(_ATTRIBUTES[tag])) or "none"
                hint = f": {why}" if why else f" (supported: {supported})"
                self.fail(f"<{tag}> attribute {name} is not supported{hint}")

    def prosody_of(self, attrs: dict[str, str], outer: Prosody) -> Prosody:
        prosody = outer
        if "pitch" in attrs:
            prosody = self.pitch_of(attrs["pitch"].strip(), prosody)
        if "range" in attrs:
            prosody = replace(prosody, pitch_range=prosody.pitch_range * self.range_of(attrs))
        if "volume" in attrs:
            gain = self.volume_of(attrs["volume"].strip())
            prosody = replace(prosody, gain_db=max(SILENT_DB, prosody.gain_db + gain))
        return prosody

    def pitch_of(self, value: str, outer: Prosody) -> Prosody:
        if value in _PITCHES:
            return replace(outer, pitch=outer.pitch * _semitones(_PITCHES[value]))
        absolute = re.fullmatch(r"(\d+(?:\.\d+)?)\s*Hz", value)
        if absolute:
            hz = float(absolute.group(1))
            if not PITCH_HZ[0] <= hz <= PITCH_HZ[1]:
                self.fail(
                    f'prosody pitch "{value}" is out of range '
                    f"({PITCH_HZ[0]:.0f}Hz to {PITCH_HZ[1]:.0f}Hz)"
                )
            return replace(outer, pitch_hz=hz, pitch=1.0)  # a new base for nested changes
        relative = re.fullmatch(r"([+-]\d+(?:\.\d+)?)\s*(st|%)", value)
        if relative is None:
            self.fail(
                f'prosody pitch "{value}" must be x-low..x-high, semitones (+2st), '
                "a percentage (-15%) or a pitch in Hz (120Hz)"
            )
        amount = float(relative.group(1))
        factor = _semitones(amount) if relative.group(2) == "st" else 1 + amount / 100
        if factor <= 0 or abs(12 * math.log2(factor)) > MAX_PITCH_ST:
            self.fail(f'prosody pitch "{value}" is out of range (at most 12 semitones)')
        return replace(outer, pitch=outer.pitch * factor)

    def range_of(self, attrs: dict[str, str]) -> float:
        value = attrs["range"].strip()
        if value in _RANGES:
            return _RANGES[value]
        relative = re.fullmatch(r"([+-]\d+(?:\.\d+)?)%", value)
        if relative is None:
            self.fail(f'prosody range "{value}" must be x-low..x-high or a percentage (+50%)')
        factor = 1 + float(relative.group(1)) / 100
        if not 0 <= factor <= MAX_RANGE:
            self.fail(f'prosody range "{value}" is out of range (-100% to +200%)')
        return factor

    def volume_of(self, value: str) -> float:
        if value in _VOLUMES:
            return _VOLUMES[value]
        match = re.fullmatch(r"([+-]?\d+(?:\.\d+)?)\s*dB", value)
        if match is None:
            self.fail(f'prosody volume "{value}" must be silent, x-soft..x-loud or +/-N dB')
        gain = float(match.group(1))
        if gain > MAX_VOLUME_DB:
            self.fail(f'prosody volume "{value}" is too loud (at most +{MAX_VOLUME_DB:.0f}dB)')
        return gain

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


def _combined(outer: Prosody, inner: Prosody) -> Prosody:
    return Prosody(
        pitch=outer.pitch * inner.pitch,
        pitch_hz=outer.pitch_hz,
        pitch_range=outer.pitch_range * inner.pitch_range,
        duration=outer.duration * inner.duration,
        gain_db=max(SILENT_DB, outer.gain_db + inner.gain_db),
    )


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
    builder.marks_to_last()
    return builder.segments
