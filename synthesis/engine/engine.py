"""The synthesis engine: text (or SSML) in, float32 24 kHz audio chunks out."""

import os
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from . import config, prosodygraph
from .audio import SAMPLE_RATE, finish_chunk, speech_bounds
from .chunking import (
    ChunkPolicy,
    Piece,
    joined_across,
    natural_pause,
    pack,
    split_sentences,
)
from .errors import (
    EmptyText,
    InvalidSpeed,
    TextTooLong,
    TimestampsUnavailable,
    UnsupportedProsody,
)
from .g2p import G2P, keep_known, marks_stress, phonemizer_for, restress, vocab
from .languages import Language, language_for
from .lexicon import Lexicon
from .model import KokoroModel
from .normalize import normalize
from .prosody import NEUTRAL, Prosody, SymbolTrack, short_edges, token_controls, with_envelope
from .text import Segment, segments_for, written_text
from .timestamps import TimedStream, WordClock, clock_items, word_spans_in
from .tone import Tone, apply_tone
from .voices import StylePerLanguage, VoiceBank, VoiceInfo, voice_info

MIN_SPEED = 0.5
MAX_SPEED = 2.0
DEFAULT_VOICE = "af_heart"
_NO_CONTROLS = (
    "this model file has no pitch, duration or loudness control: use the Kokoro v1.0 "
    "export the installer provides"
)

Voice = str | np.ndarray | StylePerLanguage


@dataclass(frozen=True)
class Chunk:
    """One model call: phonemes plus everything needed to render them."""

    phonemes: str
    style: np.ndarray  # [510,1,256]
    speed: float
    pause_after: float
    prosody: tuple[Prosody, ...] | None = None  # per symbol of ``phonemes``; None: neutral
    short_edges: bool = False  # see ChunkPolicy
    tone: Tone = ()  # the voice's tone, applied to the finished audio (tone.py)


@dataclass(frozen=True)
class _Run:
    """A segment with its voice, language and speed resolved (validated eagerly)."""

    segment: Segment
    style: np.ndarray
    lang: Language
    g2p: G2P
    speed: float
    tone: Tone = ()


class Engine:
    """Kokoro behind one lazily created onnxruntime session.

    Use ``get_engine()`` rather than building one: the session (about 100 MB and a
    warm-up) is meant to exist once per process. Thread-safe: onnxruntime sessions accept
    concurrent runs and the espeak front-end serialises itself.
    """

    def __init__(
        self,
        *,
        model_path: Path | None = None,
        voices_path: Path | None = None,
        threads: int | None = None,
    ) -> None:
        self._model_path = model_path
        self._threads = threads
        self.voices = VoiceBank(voices_path or config.voices_path())
        self._model: KokoroModel | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._workers = 1
        self._model_pid: int | None = None
        self._lock = threading.Lock()

    # -- catalogue and voices -------------------------------------------------------------

    def voice_catalogue(self) -> list[VoiceInfo]:
        return [voice_info(name) for name in self.voices.names()]

    def resolve_voice(self, voice: Voice) -> np.ndarray:
        return self.voices.resolve(voice)

    # -- synthesis ----------------------------------------------------------------------

    def stream(
        self,
        text: str,
        *,
        voice: Voice = DEFAULT_VOICE,
        speed: float = 1.0,
        lang: str | None = None,
        ssml: bool = False,
        chunking: ChunkPolicy | None = None,
        lexicon: Lexicon | None = None,
    ) -> Iterator[np.ndarray]:
        """Yield float32 mono chunks at 24 kHz as they are synthesised.

        Every input error (text, voice, language, speed, SSML) is raised here, before the
        first chunk is computed, so a caller can still answer with an error status.
        ``chunking`` defaults to a short first chunk ramping up to the configured size.
        """
        runs = self._runs(text, voice=voice, speed=speed, lang=lang, ssml=ssml, lexicon=lexicon)
        self._check_controls(runs)
        return self._render(self._chunks(runs, chunking or streaming_policy()))

    def stream_timed(
        self,
        text: str,
        *,
        voice: Voice = DEFAULT_VOICE,
        speed: float = 1.0,
        lang: str | None = None,
        ssml: bool = False,
        chunking: ChunkPolicy | None = None,
        lexicon: Lexicon | None = None,
    ) -> TimedStream:
        """``stream``'s chunks, each with the words that ended in the audio so far; the
        stream's ``marks`` are the SSML marks reached so far.

        The audio is the same, sample for sample, as ``stream``'s; words the audio never
        reached (none, normally) come in a last chunk of no samples. Raises
        ``TimestampsUnavailable`` (before any chunk) when the loaded graph has no durations.
        """
        runs = self._runs(text, voice=voice, speed=speed, lang=lang, ssml=ssml, lexicon=lexicon)
        self._check_controls(runs)
        model, _ = self._session()
        if not model.has_durations:
            raise TimestampsUnavailable(
                "this model file has no durations output, so there are no timestamps"
            )
        sentences = {id(run): list(_sentences(run)) for run in runs}
        clock = WordClock(
            clock_items(
                (
                    run.segment.marks,
                    sentences[id(run)],
                    run.segment.marks_after,
                    # Given phonemes (SSML <phoneme>) are not what g2p would say.
                    run.g2p if run.segment.phonemes is None else None,
                )
                for run in runs
            )
        )
        chunks = self._chunks(runs, chunking or streaming_policy(), sentences=sentences)
        return TimedStream(self._render_placed(chunks), clock)

    def synthesize(
        self,
        text: str,
        *,
        voice: Voice = DEFAULT_VOICE,
        speed: float = 1.0,
        lang: str | None = None,
        ssml: bool = False,
        chunking: ChunkPolicy | None = None,
        lexicon: Lexicon | None = None,
    ) -> np.ndarray:
        chunks = list(
            self.stream(
                text,
                voice=voice,
                speed=speed,
                lang=lang,
                ssml=ssml,
                chunking=chunking,
                lexicon=lexicon,
            )  # fmt: skip
        )
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)

    def phonemize(
        self,
        text: str,
        *,
        lang: str | None = None,
        ssml: bool = False,
        chunking: ChunkPolicy | None = None,
        lexicon: Lexicon | None = None,
    ) -> list[str]:
        """The phoneme chunks that will be spoken, in order (one model call each)."""
        runs = self._runs(
            text, voice=DEFAULT_VOICE, speed=1.0, lang=lang, ssml=ssml, lexicon=lexicon
        )
        chunks = self._chunks(runs, chunking or streaming_policy())
        return [c.phonemes for c in chunks if _speakable(c.phonemes)]

    # -- internals ------------------------------------------------------------------------

    def _check_controls(self, runs: list[_Run]) -> None:
        """Refuse prosody a loaded graph without controls cannot speak, before any chunk.

        Known without loading the model only once it is loaded (never in the web process);
        otherwise the first chunk that needs the controls raises.
        """
        uncontrolled = self._model is not None and not self._model.has_controls
        if uncontrolled and any(run.segment.prosody != NEUTRAL for run in runs):
            raise UnsupportedProsody(_NO_CONTROLS)

    def _runs(
        self,
        text: str,
        *,
        voice: Voice,
        speed: float,
        lang: str | None,
        ssml: bool,
        lexicon: Lexicon | None = None,
    ) -> list[_Run]:
        if not MIN_SPEED <= speed <= MAX_SPEED:
            raise InvalidSpeed(f"speed must be between {MIN_SPEED} and {MAX_SPEED}, got {speed}")
        segments = segments_for(text, ssml=ssml)
        spoken = written_text(segments)
        if not spoken:
            raise EmptyText("the text is empty")
        if len(spoken) > config.max_chars():
            raise TextTooLong(
                f"the text has {len(spoken)} characters, the maximum is {config.max_chars()}"
            )
        if lexicon:
            segments = lexicon.apply(segments)
        styles = {None: self.voices.resolve(voice)}
        for segment in segments:
            if segment.voice not in styles:
                styles[segment.voice] = self.voices.resolve(segment.voice)
        return [
            self._run(s, style=styles[s.voice], voice=voice, speed=speed, lang=lang)
            for s in segments
        ]

    def _run(
        self, segment: Segment, *, style: np.ndarray, voice: Voice, speed: float, lang: str | None
    ) -> _Run:
        language = language_for(segment.lang or lang or _voice_lang(segment.voice or voice))
        if segment.rate != 1.0:
            # A stretch at another rate lengthens its own tokens inside the chunk (the
            # controls' per-token durations) instead of becoming a model call of its own,
            # which would cut the sentence there: an audible seam and a pause never asked for.
            rated = min(MAX_SPEED, max(MIN_SPEED, speed * segment.rate))
            prosody = replace(segment.prosody, duration=segment.prosody.duration * speed / rated)
            segment = replace(segment, rate=1.0, prosody=prosody)
        tone: Tone = ()
        if segment.voice is None and isinstance(voice, StylePerLanguage):
            style, tone = voice.for_language(language.code), voice.tone
        return _Run(
            segment=segment,
            style=style,
            lang=language,
            g2p=phonemizer_for(language),
            speed=speed,
            tone=tone,
        )

    def _chunks(
        self,
        runs: list[_Run],
        policy: ChunkPolicy,
        *,
        sentences: dict[int, list[tuple[str, str]]] | None = None,
    ) -> Iterator[Chunk]:
        sizes = policy.sizes()
        known = sentences or {}
        for group in _groups(runs):
            track = SymbolTrack()
            pieces = joined_across(
                track.follow(_pieces(run, known.get(id(run))), run.segment.prosody) for run in group
            )
            for piece in pack(pieces, sizes, phrase_cuts=policy.phrase_cuts):
                run = group[0]
                prosody = track.take(piece.phonemes)
                yield Chunk(
                    piece.phonemes, run.style, run.speed, piece.pause_after, prosody,
                    policy.short_edges, run.tone,
                )  # fmt: skip

    def _render(self, chunks: Iterator[Chunk]) -> Iterator[np.ndarray]:
        for out, _ in self._render_placed(chunks):
            yield out

    def _render_placed(self, chunks: Iterator[Chunk]) -> Iterator[tuple[np.ndarray, list]]:
        """Each chunk's finished audio, with where its phoneme words lie in the stream (when
        the model gives durations)."""
        model, pool = self._session()
        pause_before = 0.0
        emitted = 0
        for chunk, result in _in_order(pool, model, chunks, depth=self._workers):
            if result is None:
                # A lone "." left over between SSML elements: a pause, not a model call.
                pause_before = max(pause_before, chunk.pause_after)
                continue
            audio, durations, cut = result
            # The pause goes before the next chunk: the last chunk must not end in silence,
            # and a generator cannot know which chunk is last without delaying it.
            out = finish_chunk(audio, pause_after=0.0)
            pause = int(pause_before * SAMPLE_RATE) if pause_before else 0
            if pause_before:
                out = np.concatenate([np.zeros(pause, np.float32), out])
            pause_before = chunk.pause_after
            spans = []
            if durations is not None:
                trim_start = cut + speech_bounds(audio)[0]
                spans = word_spans_in(
                    out, _symbols(chunk.phonemes), durations, offset=emitted, pause=pause,
                    trim_start=trim_start,
                )  # fmt: skip
            # After the words are placed: a voice's tone changes the sound, never the times.
            out = apply_tone(out, chunk.tone)
            emitted += len(out)
            yield out, spans

    def _session(self) -> tuple[KokoroModel, ThreadPoolExecutor]:
        """The process's model session, created on first use and again after a fork.

        Kokoro's graph scales poorly across intra-op threads (its LSTMs are sequential), so
        SPEEKO_ENGINE_PARALLEL_CHUNKS can spend the threads on consecutive chunks instead.
        """
        with self._lock:
            if self._model is None or self._model_pid != os.getpid():
                threads = self._threads or config.engine_threads()
                workers = min(threads, config.parallel_chunks())
                model = KokoroModel(
                    prosodygraph.configured_graph(self._model_path or config.model_path()),
                    threads=max(1, threads // workers),
                    spin=config.spin(),
                )
                model.warm_up(self.voices.get(self.voices.names()[0])[10])
                self._pool = ThreadPoolExecutor(workers, thread_name_prefix="kokoro")
                self._workers = workers
                self._model, self._model_pid = model, os.getpid()
            return self._model, self._pool


def streaming_policy() -> ChunkPolicy:
    """The default chunking: a short first chunk, growing to SPEEKO_ENGINE_CHUNK_TOKENS."""
    return ChunkPolicy(target=config.chunk_tokens(), short_edges=config.short_edges())


def _infer(model: KokoroModel, chunk: Chunk) -> tuple[np.ndarray, np.ndarray | None, int] | None:
    """The chunk's audio, the frames the model gave each token (None without that output), and
    how many samples were already cut from the front of the model's audio."""
    if not _speakable(chunk.phonemes):
        return None
    tokens, style = model_inputs(chunk.phonemes, chunk.style)
    shorten = chunk.short_edges and model.has_controls
    if chunk.prosody is None and not shorten:
        audio, durations, _ = model.run(tokens, style, chunk.speed)
        return audio, durations, 0
    if not model.has_controls:
        raise UnsupportedProsody(_NO_CONTROLS)
    controls = token_controls(chunk.phonemes, chunk.prosody, set(vocab()))
    if shorten:
        short_edges(controls)
    audio, durations, gains = model.run(tokens, style, chunk.speed, controls)
    if gains is None or chunk.prosody is None:
        return audio, durations, 0
    # Trimmed where the unchanged audio would be, so a silent or soft stretch at an edge
    # keeps its time instead of being cut as silence.
    start, end = speech_bounds(audio)
    return with_envelope(audio, gains)[start:end], durations, start


def _symbols(phonemes: str) -> str:
    """The phonemes the model gets, one token each."""
    table = vocab()
    return "".join(p for p in phonemes if p in table)


def model_inputs(phonemes: str, styles: np.ndarray) -> tuple[list[int], np.ndarray]:
    """Token ids for ``phonemes`` and the voice's style row for that many tokens."""
    table = vocab()
    tokens = [table[p] for p in phonemes if p in table]
    return tokens, styles[min(len(tokens), len(styles)) - 1]


def _in_order(
    pool: ThreadPoolExecutor, model: KokoroModel, chunks: Iterator[Chunk], *, depth: int
) -> Iterator[tuple[Chunk, tuple[np.ndarray, np.ndarray | None] | None]]:
    """Run up to ``depth`` chunks at once, yielding results in text order.

    Closing the generator (a client that went away) cancels what has not started; at most
    ``depth`` chunks are computed in vain.
    """
    pending: deque[tuple[Chunk, Future]] = deque()
    try:
        for chunk in chunks:
            pending.append((chunk, pool.submit(_infer, model, chunk)))
            if len(pending) >= depth:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
    finally:
        for _, future in pending:
            future.cancel()


def _speakable(phonemes: str) -> bool:
    return any(p.isalpha() for p in phonemes)


def _groups(runs: list[_Run]) -> Iterator[list[_Run]]:
    """Consecutive runs spoken alike share chunks, so SSML markup does not chop sentences.

    An explicit break ends a group: packing would otherwise merge its pause away.
    """
    group: list[_Run] = []
    for run in runs:
        if group and not _alike(group[-1], run):
            yield group
            group = []
        group.append(run)
        if run.segment.pause_after is not None:
            yield group
            group = []
    if group:
        yield group


def _alike(a: _Run, b: _Run) -> bool:
    return a.style is b.style and a.lang == b.lang and a.speed == b.speed and a.tone == b.tone


def _sentences(run: _Run) -> Iterator[tuple[str, str]]:
    """The run's sentences as spoken: (normalised text, phonemes), in order.

    Phonemized as they are asked for: the first chunk of a long text does not wait for the
    front-end to read all of it.
    """
    segment = run.segment
    if segment.phonemes is not None:
        said: Iterator[tuple[str, str]] = iter([(segment.text, keep_known(segment.phonemes))])
    else:
        text = segment.text if segment.normalized else normalize(segment.text, lang=run.lang.code)
        said = ((s, keep_known(run.g2p(s))) for s in split_sentences(text))
    if marks_stress(run.lang):
        said = ((t, restress(p, segment.stress)) for t, p in said)
    return ((t, p) for t, p in said if p.strip())


def _pieces(run: _Run, sentences: list[tuple[str, str]] | None = None) -> Iterator[Piece]:
    said = _sentences(run) if sentences is None else iter(sentences)
    # One sentence of lookahead: the last one takes the segment's explicit pause.
    previous = None
    for _, phonemes in said:
        if previous is not None:
            yield Piece(previous, natural_pause(previous))
        previous = phonemes
    if previous is not None:
        pause = natural_pause(previous)
        if run.segment.pause_after is not None:
            pause = run.segment.pause_after
        yield Piece(previous, pause)


def _voice_lang(voice: Voice) -> str:
    if isinstance(voice, str) and voice[:1].isalpha() and "_" in voice:
        return voice.strip()[0]
    return "a"


_engine: Engine | None = None
_engine_lock = threading.Lock()


def get_engine() -> Engine:
    """The process-wide engine; the model session itself is created on first synthesis."""
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = Engine()
        return _engine


def _after_fork_in_child() -> None:
    """A forked worker must not reuse its parent's session threads or a lock held mid-fork.

    The parent's session is kept referenced, never freed: its destructor would join
    onnxruntime threads that do not exist in the child and hang forever. Its pages stay
    shared copy-on-write, so keeping it costs nothing.
    """
    global _engine_lock
    _engine_lock = threading.Lock()
    if _engine is not None:
        _inherited.append((_engine._model, _engine._pool))
        _engine._lock = threading.Lock()
        _engine._model = None
        _engine._pool = None


_inherited: list[object] = []
os.register_at_fork(after_in_child=_after_fork_in_child)
