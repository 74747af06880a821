"""Split text into sentences and phonemes into chunks the model can take.

Kokoro's cost per second of audio grows with the chunk length, so chunks are packed to a
moderate target rather than to the 510-token maximum; the first chunk is kept short so
audio can start quickly. Splitting only ever happens between symbols, so every phoneme of
the input ends up in exactly one chunk.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

MAX_TOKENS = 510
TARGET_TOKENS = 120
FIRST_TARGET_TOKENS = 40

SENTENCE_PAUSE_S = 0.3
CLAUSE_PAUSE_S = 0.12
PARAGRAPH_PAUSE_S = 0.6

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|(?<=[.!?…][\"”’)\]])\s+|(?<=[。！？])")
_SENTENCE_MARKS = ".!?…"
_CLAUSE_MARKS = ",;:—"


@dataclass(frozen=True)
class Piece:
    """A run of phonemes and the silence that should follow it."""

    phonemes: str
    pause_after: float


def split_sentences(text: str) -> list[str]:
    """Sentences and paragraphs; a blank line ends a sentence even without punctuation."""
    sentences = []
    for paragraph in re.split(r"\n\s*\n", text):
        parts = _SENTENCE_END.split(paragraph.strip())
        sentences.extend(" ".join(p.split()) for p in parts if p.strip())
    return sentences


def natural_pause(phonemes: str) -> float:
    """The pause a listener expects after a chunk, judged by its final punctuation."""
    tail = phonemes.rstrip(' "”)')
    if tail[-1:] in _SENTENCE_MARKS or tail.endswith("?!"):
        return SENTENCE_PAUSE_S
    if tail[-1:] in _CLAUSE_MARKS:
        return CLAUSE_PAUSE_S
    return 0.0


def split_long(phonemes: str, limit: int) -> list[str]:
    """Cut ``phonemes`` into parts of at most ``limit`` symbols, at clauses, then at spaces."""
    parts = []
    rest = phonemes.strip()
    while len(rest) > limit:
        cut = _best_cut(rest, limit)
        parts.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        parts.append(rest)
    return parts


def _best_cut(text: str, limit: int) -> int:
    window = text[:limit]
    for marks in (_SENTENCE_MARKS, _CLAUSE_MARKS):
        cut = max(window.rfind(m) for m in marks)
        if cut > limit // 3:
            return cut + 1
    space = text[: limit + 1].rfind(" ")
    return space if space > 0 else limit


def pack(
    pieces: Iterable[Piece],
    *,
    first_target: int = FIRST_TARGET_TOKENS,
    target: int = TARGET_TOKENS,
    limit: int = MAX_TOKENS,
) -> Iterator[Piece]:
    """Merge consecutive pieces up to ``target`` symbols (``first_target`` for the first chunk).

    A piece longer than the current target is split first; a merged chunk keeps the pause
    of its last piece, the model renders the inner punctuation pauses itself.
    """
    target = min(target, limit)
    first_target = min(first_target, target)
    current: Piece | None = None
    budget = first_target
    for piece in _split_pieces(pieces, first_target, target):
        if current is None:
            current = piece
        elif len(current.phonemes) + 1 + len(piece.phonemes) <= budget:
            current = Piece(f"{current.phonemes} {piece.phonemes}", piece.pause_after)
        else:
            yield current
            budget = target
            current = piece
    if current is not None:
        yield current


def _split_pieces(pieces: Iterable[Piece], first_target: int, target: int) -> Iterator[Piece]:
    cap = first_target
    for piece in pieces:
        parts = split_long(piece.phonemes, cap)
        if cap != target and len(parts) > 1:
            # Only the opening part has to be short; the rest is split at the normal size.
            parts = [parts[0], *split_long(" ".join(parts[1:]), target)]
        if parts:
            cap = target
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            yield Piece(part, piece.pause_after if last else natural_pause(part))
