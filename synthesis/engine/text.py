"""What is spoken: plain text or SSML turned into segments, and the billable text."""

import re
from dataclasses import dataclass

from .prosody import NEUTRAL, Prosody


@dataclass(frozen=True)
class Segment:
    """A run of input spoken with one voice, language and rate.

    ``phonemes`` bypasses the text front-end (SSML ``<phoneme>``); ``pause_after`` is an
    explicit break in seconds, ``None`` leaving the pause to the punctuation. ``written``
    is what the user wrote when it differs from ``text`` (``<say-as>`` content), and
    ``normalized`` marks text that is already in spoken form. ``stress`` raises (+1) or
    lowers (-1) the stress of every word (SSML ``<emphasis>``); ``prosody`` sets its pitch,
    length and loudness (SSML ``<prosody>`` and ``<emphasis>``). ``marks`` name the SSML
    ``<mark>``s just before its text, reached when its first word starts; ``marks_after``
    those after its text and before its pause, reached when its last word ends.
    """

    text: str
    phonemes: str | None = None
    voice: str | None = None
    lang: str | None = None
    rate: float = 1.0
    stress: int = 0
    prosody: Prosody = NEUTRAL
    pause_after: float | None = None
    written: str | None = None
    normalized: bool = False
    marks: tuple[str, ...] = ()
    marks_after: tuple[str, ...] = ()


def segments_for(text: str, *, ssml: bool) -> list[Segment]:
    if ssml:
        from .ssml import parse_ssml

        return parse_ssml(text)
    return [Segment(text=text)]


def billable_text(text: str, *, ssml: bool) -> str:
    """The text that will be spoken, markup stripped and whitespace collapsed.

    Billing counts the characters of this string, so tags, attributes and indentation
    of an SSML document cost nothing.
    """
    return written_text(segments_for(text, ssml=ssml))


def written_text(segments: list[Segment]) -> str:
    """The text of ``segments`` as written, without the spaces markup put before punctuation."""
    joined = " ".join(s.written if s.written is not None else s.text for s in segments)
    return re.sub(r" (?=[.,;:!?])", "", " ".join(joined.split()))
