"""Word and character timestamps from the durations Kokoro predicts for every phoneme.

The model gives each token an integer number of frames (600 samples, 25 ms at 24 kHz) before
it decodes (see fastgraph), so where each phoneme lies in a chunk's raw audio is known
exactly. A chunk's audio is then trimmed and preceded by a pause, and those shifts are
applied here. Before a pause the model gives the last phoneme more frames than it voices (it
renders part of them as silence), so a word's edge that falls inside a pause of the rendered
audio is moved to where the pause begins or ends. Between two words the model spends frames
on the space (and any punctuation): the words meet in the middle of them, where a forced
aligner puts the boundary, unless a pause there moves both edges (a word after a pause may
keep a soft onset of up to 30 ms before the sound passes the pause's threshold). Words are
runs of phonemes between spaces; they are matched to the words of the spoken (normalised)
text one to one when a sentence has as many of each, else by a monotonic alignment of
similar lengths in sounds (g2p joins "of the" into one phoneme word), and words that share a
phoneme word are cut between its sounds.
"""

from __future__ import annotations

import unicodedata
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple, Protocol

import numpy as np

from .audio import SAMPLE_RATE

FRAME_SAMPLES = 600
# The decoder's sound comes about three frames ahead of its alignment: the model's reference
# pipeline starts its timestamps that much earlier (taken from the opening padding), as here.
LEAD_SAMPLES = 3 * FRAME_SAMPLES
# A pause is a stretch of 5 ms frames all 40 dB under the chunk's loudest frame, at least 80 ms
# long (a stop's closure inside a word is shorter), or of any length at the chunk's edges
# (the silence kept around the trimmed speech and the pause inserted before it).
PAUSE_FRAME = 120
PAUSE_DB = -40.0
MIN_PAUSE_FRAMES = 16
# A word after a pause may start this much before the sound passes the pause's threshold
# when its phonemes' frames put it there: soft onsets (h, th, f) stay under -40 dB for a
# few frames, and a listener hears them as the word.
ONSET_LEAD_SAMPLES = 720


@dataclass(frozen=True)
class WordTime:
    """A spoken word and where it lies in the audio stream, in seconds."""

    text: str
    start: float
    end: float


@dataclass(frozen=True)
class MarkTime:
    """An SSML ``<mark>`` and when the audio reaches it, in seconds."""

    name: str
    time_seconds: float


@dataclass(frozen=True)
class Mark:
    """A ``<mark>`` among the words: ``after`` the words before it (so before a pause that
    follows), else at the start of the next word."""

    name: str
    after: bool = False


@dataclass(frozen=True)
class _Span:
    start: int  # samples from the start of the stream
    end: int
    # Where each of the phoneme word's sounds begins (letters, not stress or length marks):
    # text words that g2p spoke as one phoneme word ("of the") are cut between their sounds.
    sounds: tuple[int, ...] = field(default=(), compare=False)


def phoneme_word_spans(
    symbols: str, durations: np.ndarray, *, offset: int, trim_start: int, length: int
) -> list[_Span]:
    """Where each phoneme word of a chunk lies in the stream.

    ``symbols`` are the chunk's phonemes as the model got them (one token each),
    ``durations`` its frames per token with the two padding ids; the chunk's audio was cut at
    ``trim_start`` and, ``length`` samples long, starts at ``offset`` in the stream.
    """
    frames = np.asarray(durations, dtype=np.int64).reshape(-1)
    # The lead is taken out of the opening padding, never out of the first word.
    lead = min(LEAD_SAMPLES, int(frames[0]) * FRAME_SAMPLES) if frames.size else 0
    edges = np.concatenate([[0], np.cumsum(frames)]) * FRAME_SAMPLES - lead
    words: list[tuple[int, int]] = []  # first and last letter's index in the model's input
    sounds: list[list[int]] = []
    first = last = None
    heard: list[int] = []
    for i, symbol in enumerate([*symbols, " "]):
        if symbol == " ":
            if first is not None and last is not None:
                words.append((first, last))
                sounds.append(heard)
            first = last = None
            heard = []
        elif symbol.isalpha() and i + 1 < len(edges) - 1:
            # token i sits at index i + 1 of the model's input, after the padding id
            first = i + 1 if first is None else first
            last = i + 1
            if is_sound(symbol):
                heard.append(int(edges[i + 1]))
    starts = [int(edges[a]) for a, _ in words]
    ends = [int(edges[b + 1]) for _, b in words]
    # The model gives the move from one word to the next its own tokens (the space, and any
    # punctuation); a listener and a forced aligner hear the boundary inside it, so the two
    # words meet at its middle. A pause there is taken out again by snap_to_pauses.
    for k in range(len(words) - 1):
        ends[k] = starts[k + 1] = (ends[k] + starts[k + 1]) // 2
    return [
        _place(a, b, offset, trim_start, length, inside)
        for a, b, inside in zip(starts, ends, sounds, strict=True)
    ]


def is_sound(symbol: str) -> bool:
    """A phoneme letter, not a mark on one (stress, length, aspiration: Unicode's modifier
    letters)."""
    return symbol.isalpha() and unicodedata.category(symbol) != "Lm"


def word_spans_in(
    out: np.ndarray,
    symbols: str,
    durations: np.ndarray,
    *,
    offset: int,
    pause: int,
    trim_start: int,
) -> list[_Span]:
    """Where a chunk's phoneme words lie in the stream, edges kept out of its pauses.

    ``out`` is the chunk's finished audio, starting at ``offset`` in the stream with the
    ``pause`` samples of silence put before it."""
    spans = phoneme_word_spans(
        symbols, durations, offset=offset + pause, trim_start=trim_start,
        length=len(out) - pause,
    )  # fmt: skip
    return snap_to_pauses(spans, pauses(out), offset=offset)


def pauses(audio: np.ndarray) -> list[tuple[int, int]]:
    """The [start, end) samples of the pauses in a chunk's finished audio."""
    n = audio.size // PAUSE_FRAME
    if n == 0:
        return [(0, audio.size)]
    frames = audio[: n * PAUSE_FRAME].reshape(n, PAUSE_FRAME).astype(np.float64)
    rms = np.sqrt(np.mean(frames * frames, axis=1))
    quiet = rms <= rms.max() * 10 ** (PAUSE_DB / 20)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], quiet.astype(np.int8), [0]])))
    found = []
    for first, last in zip(edges[0::2], edges[1::2], strict=True):
        if last - first >= MIN_PAUSE_FRAMES or first == 0 or last == n:
            end = audio.size if last == n else int(last) * PAUSE_FRAME
            found.append((int(first) * PAUSE_FRAME, end))
    return found


def snap_to_pauses(
    spans: list[_Span], silent: list[tuple[int, int]], *, offset: int
) -> list[_Span]:
    """Spans whose edges inside a pause are moved out to the pause's edge.

    ``silent`` are the pauses of the audio that starts at ``offset`` in the stream. A start
    keeps up to ``ONSET_LEAD_SAMPLES`` of the pause before the sound (a soft onset). A word
    lying wholly inside a pause (too soft to tell) keeps its span."""
    snapped = []
    for span in spans:
        start, end = span.start - offset, span.end - offset
        for a, b in silent:
            if a <= start < b:
                start = max(start, b - ONSET_LEAD_SAMPLES)
            if a < end <= b:
                end = a
        if start < end:
            snapped.append(replace(span, start=start + offset, end=end + offset))
        else:
            snapped.append(span)
    return snapped


def _place(
    start: int, end: int, offset: int, trim_start: int, length: int, sounds: Sequence[int] = ()
) -> _Span:
    def at(sample: int) -> int:
        return offset + min(length, max(0, int(sample) - trim_start))

    return _Span(at(start), at(end), tuple(at(s) for s in sounds))


class Group(NamedTuple):
    """Text words and how many phoneme words they were spoken as."""

    words: list[str]
    count: int
    # Each word's number of sounds as g2p says it alone, when known: where a phoneme word
    # that holds several words is cut. Without them, the words' lengths.
    sizes: tuple[int, ...] = ()


# A group joins at most this many words on either side: g2p joins "on the" into one phoneme
# word, a normaliser reads one token as several words.
_MAX_JOIN = 3
_UNEVEN = 0.35  # the cost of a group that is not one word to one


def spoken_groups(text: str, phonemes: str, g2p: Callable[[str], str] | None = None) -> list[Group]:
    """A sentence's words matched to its phoneme words, in order, as groups.

    Matching is a monotonic alignment that prefers one to one and groups of similar length;
    when none fits (a language written without spaces) the words share the phoneme words in
    proportion to their order. Length is the words' letters, or with ``g2p`` (only asked when
    the counts differ) the sounds of each word spoken alone, which letters misjudge: "history
    of | the" looks as long as "history | of the" to a letter count, not to a sound count.
    """
    words = text.split()
    if not words:
        return []
    spoken = [w for w in phonemes.split() if any(c.isalpha() for c in w)]
    if len(words) == len(spoken):
        return [Group([w], 1) for w in words]
    if g2p is None:
        groups = _aligned(
            words,
            [max(1, sum(c.isalnum() for c in w)) for w in words],
            [sum(c.isalpha() for c in w) for w in spoken],
        )
    else:
        sizes = [max(1, _sounds(g2p(w))) for w in words]
        groups = _aligned(words, sizes, [max(1, _sounds(w)) for w in spoken], keep_sizes=True)
    return groups if groups is not None else _proportional(words, len(spoken))


def _sounds(phonemes: str) -> int:
    return sum(is_sound(c) for c in phonemes)


def _aligned(
    words: list[str], lengths: list[int], spoken: list[int], *, keep_sizes: bool = False
) -> list[Group] | None:
    """Groups by a monotonic alignment of ``lengths`` (one per word) to ``spoken`` (one per
    phoneme word); with ``keep_sizes`` each group carries its words' lengths as sizes."""
    n, m = len(words), len(spoken)
    inf = float("inf")
    cost = np.full((n + 1, m + 1), inf)
    step: dict[tuple[int, int], tuple[int, int]] = {}
    cost[0, 0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if cost[i, j] == inf:
                continue
            for di, dj in _STEPS:
                a, b = i + di, j + dj
                if a > n or b > m:
                    continue
                ratio = (sum(lengths[i:a]) + 1) / (sum(spoken[j:b]) + 1)
                c = cost[i, j] + abs(np.log(ratio)) + (_UNEVEN if (di, dj) != (1, 1) else 0)
                if c < cost[a, b]:
                    cost[a, b], step[(a, b)] = c, (di, dj)
    if cost[n, m] == inf:
        return None
    groups: list[Group] = []
    i, j = n, m
    while i or j:
        di, dj = step[(i, j)]
        sizes = tuple(lengths[i - di : i]) if keep_sizes else ()
        groups.append(Group(words[i - di : i], dj, sizes))
        i, j = i - di, j - dj
    return groups[::-1]


_STEPS = (
    [(1, 1)] + [(k, 1) for k in range(2, _MAX_JOIN + 1)] + [(1, k) for k in range(2, _MAX_JOIN + 1)]
)


def _proportional(words: list[str], count: int) -> list[Group]:
    if not count:
        return [Group(words, 0)]
    owners = np.floor(np.arange(count) * len(words) / count).astype(int)
    covered = np.bincount(owners, minlength=len(words))
    groups: list[Group] = []
    for word, n in zip(words, covered, strict=True):
        if n == 0 and groups:
            groups[-1][0].append(word)
        else:
            groups.append(Group([word], int(n)))
    return groups


class WordClock:
    """Turns the phoneme word spans of consecutive chunks into the text's words, in order,
    and times the marks placed among them (``marks``, as they are reached)."""

    def __init__(self, groups: Iterable[Group | tuple[list[str], int] | Mark]) -> None:
        self._pending: deque[Group | Mark] = deque(
            item if isinstance(item, Mark) else Group(*item) for item in groups
        )
        self._open: list[_Span] = []
        self._last_end = 0
        self.marks: list[MarkTime] = []

    def feed(self, spans: list[_Span]) -> list[WordTime]:
        done: list[WordTime] = []
        for span in spans:
            done += self._settle(next_start=span.start)
            if not self._pending:
                break
            self._open.append(span)
            group = self._pending[0]  # _settle leaves no mark in front
            if isinstance(group, Group) and len(self._open) >= group.count:
                self._pending.popleft()
                done += self._words(group, self._open[0].start, self._open[-1].end, self._open)
                self._open = []
        return done + self._settle(next_start=None)

    def finish(self) -> list[WordTime]:
        """Words the audio never reached (nothing left to speak) end where the audio ended,
        and marks after the last word are reached there."""
        done = []
        while self._pending:
            item = self._pending.popleft()
            if isinstance(item, Mark):
                self.marks.append(MarkTime(item.name, _seconds(self._last_end)))
                continue
            start = self._open[0].start if self._open else self._last_end
            done += self._words(item, start, self._open[-1].end if self._open else start)
            self._open = []
        return done

    def _settle(self, *, next_start: int | None) -> list[WordTime]:
        """Take what needs no more audio off the front: words never spoken, marks after the
        words before them and, once the next word's start is known, marks before it."""
        done = []
        while self._pending and not self._open:
            item = self._pending[0]
            if isinstance(item, Mark):
                if not item.after and next_start is None:
                    break
                at = self._last_end if item.after else next_start
                self.marks.append(MarkTime(item.name, _seconds(at)))
            elif item.count == 0:
                done += self._words(item, self._last_end, self._last_end)
            else:
                break
            self._pending.popleft()
        return done

    def _words(
        self, group: Group, start: int, end: int, spans: Sequence[_Span] = ()
    ) -> list[WordTime]:
        """Words spoken as one stretch of audio share it in proportion to their size: cut
        between the sounds of a phoneme word that holds several, else in time."""
        self._last_end = max(self._last_end, end)
        words = group.words
        sizes = group.sizes or tuple(len(w) for w in words)
        shares = np.cumsum([0, *sizes]) / max(1, sum(sizes))
        sounds = spans[0].sounds if len(spans) == 1 else ()
        if len(words) > 1 and len(sounds) > 1:
            cuts = np.clip(np.floor(shares[1:-1] * len(sounds) + 0.5), 1, len(sounds) - 1)
            inner = [min(max(sounds[int(k)], start), end) for k in cuts]
            edges = np.array([start, *inner, end], dtype=np.float64)
        else:
            edges = start + shares * (end - start)
        return [
            WordTime(w, _seconds(edges[k]), _seconds(edges[k + 1])) for k, w in enumerate(words)
        ]


def _seconds(sample: float) -> float:
    return round(float(sample) / SAMPLE_RATE, 3)


def character_alignment(words: list[WordTime], *, after: WordTime | None = None) -> dict[str, list]:
    """ElevenLabs' alignment: the words joined by spaces, every character with a start and
    end. A word's characters share its time evenly; a space lasts from one word to the next.

    ``after`` is the word before these (a stream's earlier part): the space that follows it
    opens this part, so the parts' characters join into the whole text."""
    characters: list[str] = []
    starts: list[float] = []
    ends: list[float] = []
    for i, word in enumerate(words):
        before = words[i - 1] if i else after
        if before is not None:
            characters.append(" ")
            starts.append(before.end)
            ends.append(max(word.start, before.end))
        step = (word.end - word.start) / max(len(word.text), 1)
        for j, character in enumerate(word.text):
            characters.append(character)
            starts.append(round(word.start + j * step, 3))
            ends.append(round(word.start + (j + 1) * step, 3))
    return {
        "characters": characters,
        "character_start_times_seconds": starts,
        "character_end_times_seconds": ends,
    }


_Marks = tuple[str, ...]
_Sentences = list[tuple[str, str]]
ClockRun = (
    tuple[_Marks, _Sentences, _Marks]
    | tuple[_Marks, _Sentences, _Marks, Callable[[str], str] | None]
)


def clock_items(runs: Iterable[ClockRun]) -> Iterator[Group | Mark]:
    """The words of runs of text as spoken, each run's marks at its edges; a run is (marks
    before it, its sentences as (normalised text, phonemes), marks after it) and may end with
    the g2p that spoke it (see ``spoken_groups``)."""
    for before, sentences, after, *g2p in runs:
        yield from (Mark(name) for name in before)
        for said, phonemes in sentences:
            yield from spoken_groups(said, phonemes, g2p[0] if g2p else None)
        yield from (Mark(name, after=True) for name in after)


class TimedChunks(Protocol):
    """What a job reads audio from: chunks with the words they finished, and the SSML marks
    reached once the chunks are exhausted (``TimedStream``, or audio without times)."""

    @property
    def marks(self) -> Sequence[MarkTime]: ...

    def __iter__(self) -> Iterator[tuple[np.ndarray, Sequence[WordTime]]]: ...


class TimedStream(Iterator[tuple[np.ndarray, list[WordTime]]]):
    """Chunks of audio, each with the words that ended in the audio so far (the last chunk
    also with any the audio never reached); ``marks``: the SSML marks reached so far, all of
    them once the stream is exhausted."""

    def __init__(self, placed: Iterator[tuple[np.ndarray, list[_Span]]], clock: WordClock):
        self._chunks = _timed(placed, clock)
        self._clock = clock

    def __next__(self) -> tuple[np.ndarray, list[WordTime]]:
        return next(self._chunks)

    def close(self) -> None:
        self._chunks.close()

    @property
    def marks(self) -> list[MarkTime]:
        return list(self._clock.marks)


def _timed(
    placed: Iterator[tuple[np.ndarray, list[_Span]]], clock: WordClock
) -> Generator[tuple[np.ndarray, list[WordTime]], None, None]:
    # Each chunk goes out the moment it is made: holding one back to learn which is the last
    # would keep the first audio waiting for the second chunk's inference.
    for out, spans in placed:
        yield out, clock.feed(spans)
    # Words the audio never reached come last, with no audio of their own.
    if rest := clock.finish():
        yield np.zeros(0, dtype=np.float32), rest
