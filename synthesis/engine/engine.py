"""The synthesis engine: text (or SSML) in, float32 24 kHz audio chunks out."""

import itertools
import os
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import config, fastgraph
from .audio import SAMPLE_RATE, finish_chunk, with_gain
from .chunking import (
    ChunkPolicy,
    Piece,
    natural_pause,
    pack,
    split_sentences,
)
from .errors import EmptyText, InvalidSpeed, TextTooLong
from .g2p import G2P, keep_known, marks_stress, phonemizer_for, restress, vocab
from .languages import Language, language_for
from .model import KokoroModel
from .normalize import normalize
from .text import Segment, segments_for, written_text
from .voices import VoiceBank, VoiceInfo, voice_info

MIN_SPEED = 0.5
MAX_SPEED = 2.0
DEFAULT_VOICE = "af_heart"

Voice = str | np.ndarray


@dataclass(frozen=True)
class Chunk:
    """One model call: phonemes plus everything needed to render them."""

    phonemes: str
    style: np.ndarray  # [510,1,256]
    speed: float
    pause_after: float
    gain_db: float = 0.0


@dataclass(frozen=True)
class _Run:
    """A segment with its voice, language and speed resolved (validated eagerly)."""

    segment: Segment
    style: np.ndarray
    lang: Language
    g2p: G2P
    speed: float
    gain_db: float


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
    ) -> Iterator[np.ndarray]:
        """Yield float32 mono chunks at 24 kHz as they are synthesised.

        Every input error (text, voice, language, speed, SSML) is raised here, before the
        first chunk is computed, so a caller can still answer with an error status.
        ``chunking`` defaults to a short first chunk ramping up to the configured size.
        """
        runs = self._runs(text, voice=voice, speed=speed, lang=lang, ssml=ssml)
        return self._render(self._chunks(runs, chunking or streaming_policy()))

    def synthesize(
        self,
        text: str,
        *,
        voice: Voice = DEFAULT_VOICE,
        speed: float = 1.0,
        lang: str | None = None,
        ssml: bool = False,
        chunking: ChunkPolicy | None = None,
    ) -> np.ndarray:
        chunks = list(
            self.stream(text, voice=voice, speed=speed, lang=lang, ssml=ssml, chunking=chunking)
        )
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)

    def phonemize(
        self,
        text: str,
        *,
        lang: str | None = None,
        ssml: bool = False,
        chunking: ChunkPolicy | None = None,
    ) -> list[str]:
        """The phoneme chunks that will be spoken, in order (one model call each)."""
        runs = self._runs(text, voice=DEFAULT_VOICE, speed=1.0, lang=lang, ssml=ssml)
        chunks = self._chunks(runs, chunking or streaming_policy())
        return [c.phonemes for c in chunks if _speakable(c.phonemes)]

    # -- internals ------------------------------------------------------------------------

    def _runs(
        self, text: str, *, voice: Voice, speed: float, lang: str | None, ssml: bool
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
        return _Run(
            segment=segment,
            style=style,
            lang=language,
            g2p=phonemizer_for(language),
            speed=min(MAX_SPEED, max(MIN_SPEED, speed * segment.rate)),
            gain_db=segment.gain_db,
        )

    def _chunks(self, runs: list[_Run], policy: ChunkPolicy) -> Iterator[Chunk]:
        sizes = policy.sizes()
        for group in _groups(runs):
            pieces = itertools.chain.from_iterable(_pieces(run) for run in group)
            for piece in pack(pieces, sizes, phrase_cuts=policy.phrase_cuts):
                run = group[0]
                yield Chunk(piece.phonemes, run.style, run.speed, piece.pause_after, run.gain_db)

    def _render(self, chunks: Iterator[Chunk]) -> Iterator[np.ndarray]:
        model, pool = self._session()
        pause_before = 0.0
        for chunk, audio in _in_order(pool, model, chunks, depth=self._workers):
            if audio is None:
                # A lone "." left over between SSML elements: a pause, not a model call.
                pause_before = max(pause_before, chunk.pause_after)
                continue
            # The pause goes before the next chunk: the last chunk must not end in silence,
            # and a generator cannot know which chunk is last without delaying it.
            out = with_gain(finish_chunk(audio, pause_after=0.0), chunk.gain_db)
            if pause_before:
                out = np.concatenate([np.zeros(int(pause_before * SAMPLE_RATE), np.float32), out])
            pause_before = chunk.pause_after
            yield out

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
                    fastgraph.configured_graph(self._model_path or config.model_path()),
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
    return ChunkPolicy(target=config.chunk_tokens())


def _infer(model: KokoroModel, chunk: Chunk) -> np.ndarray | None:
    if not _speakable(chunk.phonemes):
        return None
    tokens, style = model_inputs(chunk.phonemes, chunk.style)
    return model.infer(tokens, style, chunk.speed)


def model_inputs(phonemes: str, styles: np.ndarray) -> tuple[list[int], np.ndarray]:
    """Token ids for ``phonemes`` and the voice's style row for that many tokens."""
    table = vocab()
    tokens = [table[p] for p in phonemes if p in table]
    return tokens, styles[min(len(tokens), len(styles)) - 1]


def _in_order(
    pool: ThreadPoolExecutor, model: KokoroModel, chunks: Iterator[Chunk], *, depth: int
) -> Iterator[tuple[Chunk, np.ndarray | None]]:
    """Run up to ``depth`` chunks at once, yielding results in text order.

    Closing the generator (a client that went away) cancels what has not started; at most
    ``depth`` chunks are computed in vain.
    """
    pending: deque[tuple[Chunk, Future[np.ndarray | None]]] = deque()
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
    return a.style is b.style and a.lang == b.lang and a.speed == b.speed and a.gain_db == b.gain_db


def _pieces(run: _Run) -> Iterator[Piece]:
    segment = run.segment
    if segment.phonemes is not None:
        sentences: Iterator[str] = iter([keep_known(segment.phonemes)])
    else:
        text = segment.text if segment.normalized else normalize(segment.text, lang=run.lang.code)
        # Phonemized as packing asks for them: the first chunk of a long text does not wait
        # for the front-end to read all of it.
        sentences = (keep_known(run.g2p(s)) for s in split_sentences(text))
    if marks_stress(run.lang):
        sentences = (restress(s, segment.stress) for s in sentences)
    # One sentence of lookahead: the last one takes the segment's explicit pause.
    previous = None
    for phonemes in (s for s in sentences if s.strip()):
        if previous is not None:
            yield Piece(previous, natural_pause(previous))
        previous = phonemes
    if previous is not None:
        pause = natural_pause(previous) if segment.pause_after is None else segment.pause_after
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
