"""Carries encoded audio from the worker that makes it to the web processes that stream it.

Production uses Redis Streams (one stream per job attempt, read from the start so a client that
connects late still gets every byte); the embedded default uses an append-only spool file per
attempt in the data folder, which every local process can tail. Either way the web process only
relays bytes: inference never runs there.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

import redis
from django.conf import settings

END_FIELD = b"end"
DATA_FIELD = b"d"
# How often a spool reader looks for the file and for new bytes: a listener waits this long at
# most for bytes already written (a stat or read of a local file costs microseconds).
SPOOL_POLL_SECONDS = 0.01
# How long a finished stream stays readable in Redis for clients still catching up.
STREAM_TTL_SECONDS = 3600


class ChunkWriter(Protocol):
    def write(self, data: bytes) -> None: ...

    def close(self, *, error: str = "") -> None: ...


class Relay(Protocol):
    def writer(self, job_id: str, attempt: int) -> ChunkWriter: ...

    def read(
        self, job_id: str, attempt: int, *, gone: Callable[[], bool], poll: float = 1.0
    ) -> Iterator[bytes]: ...


class RedisRelay:
    def __init__(self, url: str) -> None:
        self._redis = redis.Redis.from_url(url)

    @staticmethod
    def _key(job_id: str, attempt: int) -> str:
        return f"speeko:audio:{job_id}:{attempt}"

    def writer(self, job_id: str, attempt: int) -> ChunkWriter:
        return _RedisWriter(self._redis, self._key(job_id, attempt))

    def read(
        self, job_id: str, attempt: int, *, gone: Callable[[], bool], poll: float = 1.0
    ) -> Iterator[bytes]:
        key, last = self._key(job_id, attempt), "0-0"
        while True:
            batch = self._redis.xread({key: last}, count=64, block=int(poll * 1000))
            if not batch:
                # Nothing new: stop if the job ended without an end marker (killed worker,
                # cancelled while queued) rather than waiting forever.
                if gone():
                    return
                continue
            for entry_id, fields in batch[0][1]:
                last = entry_id
                if END_FIELD in fields:
                    return
                yield fields[DATA_FIELD]


class _RedisWriter:
    def __init__(self, client, key: str) -> None:
        self._redis, self._key = client, key
        # A retried attempt must not append to what a dead worker left behind.
        self._redis.delete(key)

    def write(self, data: bytes) -> None:
        if data:
            self._redis.xadd(self._key, {DATA_FIELD: data})

    def close(self, *, error: str = "") -> None:
        self._redis.xadd(self._key, {END_FIELD: error.encode() or b"ok"})
        self._redis.expire(self._key, STREAM_TTL_SECONDS)


class SpoolRelay:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def paths(self, job_id: str, attempt: int) -> tuple[Path, Path]:
        # Not Path.with_suffix: it would replace ".{attempt}" and make every attempt share one
        # file, so a takeover would truncate (and splice into) the stream a client is reading.
        stem = f"{job_id}.{attempt}"
        return self.folder / f"{stem}.part", self.folder / f"{stem}.end"

    def writer(self, job_id: str, attempt: int) -> ChunkWriter:
        self.folder.mkdir(parents=True, exist_ok=True)
        return _SpoolWriter(*self.paths(job_id, attempt))

    def read(
        self, job_id: str, attempt: int, *, gone: Callable[[], bool], poll: float = 1.0
    ) -> Iterator[bytes]:
        part, end = self.paths(job_id, attempt)
        deadline = time.monotonic() + poll
        while not part.exists():
            if time.monotonic() > deadline:
                if gone():
                    return
                deadline = time.monotonic() + poll
            time.sleep(SPOOL_POLL_SECONDS)
        with part.open("rb") as fh:
            while True:
                data = fh.read(65536)
                if data:
                    yield data
                    continue
                # Check the marker only after an empty read, then drain once more: the writer
                # flushes all data before it creates the marker.
                if end.exists():
                    rest = fh.read()
                    if rest:
                        yield rest
                    return
                if time.monotonic() > deadline:
                    if gone():
                        return
                    deadline = time.monotonic() + poll
                time.sleep(SPOOL_POLL_SECONDS)


class _SpoolWriter:
    def __init__(self, part: Path, end: Path) -> None:
        self._end = end
        end.unlink(missing_ok=True)
        self._fh = part.open("wb")

    def write(self, data: bytes) -> None:
        self._fh.write(data)
        self._fh.flush()

    def close(self, *, error: str = "") -> None:
        self._fh.close()
        self._end.write_text(error or "ok")


def listen_stream_id(job_id: str) -> str:
    """The relay stream that carries a job's samples as 16-bit PCM next to its encoded audio."""
    return f"{job_id}.listen"


def words_stream_id(job_id: str) -> str:
    """The relay stream that tells, as JSON lines, which words each stretch of a job's encoded
    audio holds: ``{"bytes": audio bytes relayed so far, "words": [[text, start, end], ...]}``,
    each written once that audio is relayed."""
    return f"{job_id}.words"


class AudioWriter:
    """The audio relay of a job, and the words stream next to it for a job with timestamps."""

    def __init__(self, audio: ChunkWriter, words: ChunkWriter | None = None) -> None:
        self._audio, self._words = audio, words
        self._relayed = 0

    def write(self, data: bytes) -> None:
        self._audio.write(data)
        self._relayed += len(data)

    def words(self, words: list[list]) -> None:
        """The words that ended in the audio relayed so far (and not in an earlier line)."""
        if self._words is not None:
            line = {"bytes": self._relayed, "words": words}
            self._words.write(json.dumps(line, ensure_ascii=False).encode() + b"\n")

    def close(self, *, error: str = "") -> None:
        # The audio first: a reader of the words drains the audio once the words end.
        self._audio.close(error=error)
        if self._words is not None:
            self._words.close(error=error)


_relay: Relay | None = None


def get_relay() -> Relay:
    global _relay
    if _relay is None:
        if settings.REDIS_URL:
            _relay = RedisRelay(settings.REDIS_URL)
        else:
            _relay = SpoolRelay(settings.SYNTHESIS_SPOOL_DIR)
    return _relay
