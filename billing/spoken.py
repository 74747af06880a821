"""What a request is billed for, and how much audio it may produce: the pricing page's rule.

- Billed characters are the characters that are spoken: SSML markup is free, every run of
  whitespace counts as one character, leading and trailing whitespace as none.
- A `<phoneme>` is spoken from its pronunciation, so it counts as the longer of the word it
  replaces and its pronunciation (`ph`, in phoneme symbols, whitespace collapsed).
- `<break>` pauses are not billed, but each is at most 10 seconds and together they may last at
  most 30 seconds plus one second per 20 billed characters; a request asking for more is refused.
- The audio of one request may last at most 30 seconds plus one second per billed character plus
  its pauses (the slowest speech, Mandarin at half speed and x-slow prosody, reads more than one
  character a second); a job that runs past that is stopped and refunded.

`spoken_measure` is the only implementation of this rule: the estimate, the reservation and the
settlement all take their characters from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PAUSE_FREE_SECONDS = 30.0
CHARACTERS_PER_PAUSE_SECOND = 20
AUDIO_FREE_SECONDS = 30.0
SECONDS_PER_CHARACTER = 1.0

_WHITESPACE_RUN = re.compile(r"\s+")


@dataclass(frozen=True)
class SpokenMeasure:
    characters: int
    pause_seconds: float = 0.0

    @property
    def pause_limit_seconds(self) -> float:
        return PAUSE_FREE_SECONDS + self.characters / CHARACTERS_PER_PAUSE_SECOND

    @property
    def audio_limit_seconds(self) -> float:
        speech = AUDIO_FREE_SECONDS + self.characters * SECONDS_PER_CHARACTER
        return speech + min(self.pause_seconds, self.pause_limit_seconds)

    @property
    def pauses_allowed(self) -> bool:
        return self.pause_seconds <= self.pause_limit_seconds

    def pause_problem(self) -> str:
        """Why the pauses are refused, in words for the person who wrote them."""
        return (
            f"The <break> pauses add up to {self.pause_seconds:,.1f} s; a request of "
            f"{self.characters:,} billed characters may pause for at most "
            f"{self.pause_limit_seconds:,.1f} s ({PAUSE_FREE_SECONDS:.0f} s plus 1 s per "
            f"{CHARACTERS_PER_PAUSE_SECOND} characters). Shorten the pauses or split the text."
        )


def _length(text: str) -> int:
    return len(_WHITESPACE_RUN.sub(" ", text).strip())


def spoken_measure(text: str, *, ssml: bool) -> SpokenMeasure:
    """Billed characters and requested pause time of `text` (SSML when `ssml`).

    Raises the engine's InvalidSSML for a document that does not parse.
    """
    if not ssml:
        return SpokenMeasure(characters=_length(text))
    # Imported lazily: billing must not load the engine's model code just to count.
    from synthesis.engine.text import segments_for, written_text

    segments = segments_for(text, ssml=True)
    characters = _length(written_text(segments))
    for segment in segments:
        if segment.phonemes is not None:
            characters += max(0, _length(segment.phonemes) - _length(segment.text))
    pauses = sum(segment.pause_after or 0.0 for segment in segments)
    return SpokenMeasure(characters=characters, pause_seconds=pauses)
