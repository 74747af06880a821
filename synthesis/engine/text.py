"""What is spoken: plain text or SSML turned into segments, and the billable text."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    """A run of input spoken with one voice, language and rate.

    ``phonemes`` bypasses the text front-end (SSML ``<phoneme>``); ``pause_after`` is an
    explicit break in seconds, ``None`` leaving the pause to the punctuation.
    """

    text: str
    phonemes: str | None = None
    voice: str | None = None
    lang: str | None = None
    rate: float = 1.0
    pause_after: float | None = None


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
    spoken = " ".join(segment.text for segment in segments_for(text, ssml=ssml))
    return " ".join(spoken.split())
