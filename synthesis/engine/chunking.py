"""Split text into sentences and phonemes into chunks the model can take.

Kokoro's cost per second of audio grows with the chunk length, so chunks are packed to a
moderate target rather than to the 510-token maximum. Kokoro speaks every chunk as an
utterance of its own, so chunks end at sentences and clauses wherever possible.

When streaming, audio should start quickly: the first chunk of a text that goes on past its
first sentence is a short phrase, and the next chunks grow from it, each at most as long as
all the chunks before it together (a chunk is computed while those play, so a short first
chunk followed at once by a full-size one would stall playback). A text of one sentence is
over quickly anyway, so its first chunk is a whole clause, which keeps its intonation.
Splitting only ever happens between symbols, so every phoneme of the input ends up in
exactly one chunk.
"""

import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

MAX_TOKENS = 510
TARGET_TOKENS = 120
# About a second of speech, computed in about 0.4 s on two cores with VNNI, where a whole
# opening clause often takes 0.5-0.6 s.
FIRST_TARGET_TOKENS = 24
# A text of one sentence: its first clause, or its first 40 symbols.
FIRST_ALONE_TOKENS = 40

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


@dataclass(frozen=True)
class ChunkPolicy:
    """How phonemes are grouped into model calls.

    ``first`` limits the first chunk when more sentences follow, ``first_alone`` when the
    text is one sentence. ``ramp`` lets chunk sizes grow from the first to ``target``, each
    at most as long as all the chunks before it, instead of jumping to ``target``.
    ``phrase_cuts``: a first chunk cut between words ends after a stressed (content) word,
    "the history" rather than "the history of the".
    ``short_edges``: the model renders only a little of the silence it would put before and
    after each chunk, which is trimmed anyway (see ``prosody.short_edges``).
    """

    first: int = FIRST_TARGET_TOKENS
    first_alone: int = FIRST_ALONE_TOKENS
    target: int = TARGET_TOKENS
    ramp: bool = True
    phrase_cuts: bool = True
    short_edges: bool = False

    def sizes(self, limit: int = MAX_TOKENS) -> "ChunkSizes":
        return ChunkSizes(self, limit)


# Clause-first chunking, without the short opening and the ramp: a whole first clause of up to 40
# symbols, then full-size chunks, edges rendered in full. Cloning renders with it (its stored
# renders were made so), and the bench compares against it.
CLAUSE_FIRST = ChunkPolicy(
    first=40, first_alone=40, target=120, ramp=False, phrase_cuts=False, short_edges=False
)


class ChunkSizes:
    """The size limit of each successive chunk of one text.

    Growth is from the symbols actually sent, not from the limits: a first chunk cut short
    at a phrase ("according") leaves little audio to play while the next one is computed.
    """

    def __init__(self, policy: ChunkPolicy, limit: int = MAX_TOKENS) -> None:
        self.target = min(policy.target, limit)
        self._first = min(policy.first, self.target)
        self._first_alone = min(policy.first_alone, self.target)
        self._ramp = policy.ramp
        self._sent = 0

    @property
    def first(self) -> bool:
        """Whether the next chunk is the first of the text."""
        return not self._sent

    def next_limit(self, *, alone: bool = False) -> int:
        """The next chunk's limit; ``alone``: the text is a single sentence."""
        if not self._sent:
            return self._first_alone if alone else self._first
        if not self._ramp:
            return self.target
        return min(self.target, max(self._first, self._sent))

    def sent(self, length: int) -> None:
        self._sent += length


def _cut_for(text: str, budget: int, *, sizes: ChunkSizes, phrase_cuts: bool) -> int | None:
    """Where to cut a piece that starts a chunk, or None to send it whole.

    Only the first chunk is cut between words to fit its limit. While sizes ramp up, a
    sentence is cut at the clause nearest the limit, even past it, or not at all (unless it
    is over the full size): a sentence broken between words loses its intonation and,
    measurably, intelligibility.
    """
    if len(text) <= budget:
        return None
    if sizes.first or budget >= sizes.target:
        return _best_cut(text, budget, phrase_cuts=phrase_cuts)
    marks = [i + 1 for i, c in enumerate(text[:-1]) if c in _SENTENCE_MARKS + _CLAUSE_MARKS]
    within = [i for i in marks if budget // 3 < i <= budget]
    beyond = [i for i in marks if budget < i <= sizes.target]
    if within or beyond:
        # The clause nearest the limit: over it rather than between words.
        return within[-1] if within else beyond[0]
    if len(text) <= sizes.target:
        return None
    return _best_cut(text, sizes.target)


def _best_cut(text: str, limit: int, *, phrase_cuts: bool = False) -> int:
    window = text[:limit]
    for marks in (_SENTENCE_MARKS, _CLAUSE_MARKS):
        cut = max(window.rfind(m) for m in marks)
        if cut > limit // 3:
            return cut + 1
    if phrase_cuts:
        # Even a short phrase beats a longer cut that strands "of the": function words lean
        # on the word after them, so they start the next chunk.
        cut = _phrase_cut(text[: limit + 1])
        if cut > 0:
            return cut
    space = text[: limit + 1].rfind(" ")
    return space if space > 0 else limit


def _phrase_cut(window: str) -> int:
    """The last space in ``window`` that follows a stressed word, or -1.

    Function words (the, of, and, to) carry no stress mark in Kokoro's phonemes, so ending a
    chunk after a stressed word keeps a phrase together instead of stranding "of the".
    """
    for match in reversed(list(re.finditer(" ", window))):
        word = window[: match.start()].rpartition(" ")[2]
        if "ˈ" in word or "ˌ" in word:
            return match.start()
    return -1


def joined_across(runs: Iterable[Iterable[Piece]]) -> Iterator[Piece]:
    """The pieces of consecutive runs of text, a run's last piece joined to the next run's
    first when it ends mid-sentence: a sentence that markup split (a stretch at another
    pitch or rate, a mark) is packed, and cut, as the same sentence without the markup."""
    carry: Piece | None = None
    for pieces in runs:
        held: Piece | None = None
        for piece in pieces:
            if carry is not None:
                piece = Piece(f"{carry.phonemes} {piece.phonemes}", piece.pause_after)
                carry = None
            if held is not None:
                yield held
                held = None
            if piece.pause_after >= SENTENCE_PAUSE_S:
                # A sentence's end is never joined to what follows: out at once, so the first
                # chunk does not wait for one more sentence to be phonemized.
                yield piece
            else:
                held = piece  # joined to the next run's first piece if it ends this run
        if held is not None:
            carry = held
    if carry is not None:
        yield carry


def pack(
    pieces: Iterable[Piece],
    sizes: ChunkSizes,
    *,
    phrase_cuts: bool = False,
) -> Iterator[Piece]:
    """Merge consecutive pieces into chunks, each at most the limit ``sizes`` gives next.

    A piece longer than the current limit is cut, and what is left of it starts the next
    chunk; a merged chunk keeps the pause of its last piece, the model renders the inner
    punctuation pauses itself. The caller shares ``sizes`` across calls, so a ramp of chunk
    sizes continues across SSML groups.
    """
    queue: deque[Piece] = deque()
    source = iter(pieces)
    current: Piece | None = None
    budget: int | None = None  # the size limit of the chunk being built, drawn when it starts
    while True:
        if not queue:
            incoming = next(source, None)
            if incoming is None:
                break
            queue.append(incoming)
        piece = queue.popleft()
        if current is None:
            alone = False
            if sizes.first and not queue:
                incoming = next(source, None)  # is there more than one sentence?
                if incoming is not None:
                    queue.append(incoming)
                alone = incoming is None
            budget = sizes.next_limit(alone=alone) if budget is None else budget
            cut = _cut_for(piece.phonemes, budget, sizes=sizes, phrase_cuts=phrase_cuts)
            if cut is not None:
                head, rest = piece.phonemes[:cut].strip(), piece.phonemes[cut:].strip()
                if rest:
                    # The rest starts the next chunk, so this one cannot grow: send it now.
                    queue.appendleft(Piece(rest, piece.pause_after))
                sizes.sent(len(head))
                yield Piece(head, natural_pause(head) if rest else piece.pause_after)
                budget = None
            else:
                current = piece
        elif len(current.phonemes) + 1 + len(piece.phonemes) <= budget:
            current = Piece(f"{current.phonemes} {piece.phonemes}", piece.pause_after)
        else:
            sizes.sent(len(current.phonemes))
            yield current
            current, budget = None, None
            queue.appendleft(piece)
    if current is not None:
        sizes.sent(len(current.phonemes))
        yield current
