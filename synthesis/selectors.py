from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from speeko_site.core.selectors import get_by_public_uuid_or_404
from synthesis.models import Job, PronunciationDictionary, PronunciationDictionaryVersion
from synthesis.relay import get_relay, listen_stream_id, words_stream_id


def job_get_for_user(*, user: Any, public_id: str | uuid.UUID) -> Job:
    return get_by_public_uuid_or_404(
        Job.objects.filter(owner=user), public_id=public_id, what="job"
    )


def jobs_for_user(*, user: Any) -> QuerySet[Job]:
    return Job.objects.filter(owner=user).only(
        "public_id", "voice", "text", "status", "format", "created_at", "duration_seconds",
        "billable_characters", "charged_micros", "audio", "audio_deleted_at", "progress",
        "error_message", "language", "speed", "estimated_cost_micros", "ssml",
    )  # fmt: skip


def _wait_for_start(job: Job, *, timeout: float) -> Job:
    fields = ["status", "attempt", "audio", "audio_deleted_at"]
    # Read at once too: a worker may have claimed the job since the caller's copy was read,
    # and that copy's attempt would name a relay stream nobody writes.
    job.refresh_from_db(fields=fields)
    deadline = time.monotonic() + timeout
    while job.status == Job.Status.QUEUED and time.monotonic() < deadline:
        time.sleep(0.1)
        job.refresh_from_db(fields=fields)
    return job


def job_wait_finished(*, job: Job, timeout: float, interval: float = 0.2) -> Job:
    """The job once it is finished, failed or cancelled, or as it is after ``timeout``."""
    deadline = time.monotonic() + timeout
    job.refresh_from_db()
    while not job.is_terminal and time.monotonic() < deadline:
        time.sleep(interval)
        job.refresh_from_db()
    return job


def _stored(job: Job, *, block: int = 65536) -> Iterator[bytes]:
    with job.audio.open("rb") as fh:
        while data := fh.read(block):
            yield data


def job_audio_chunks(*, job: Job, queue_timeout: float = 600) -> Iterator[bytes]:
    """The job's audio from its first byte: the stored file when it is finished, otherwise
    the live relay of the current attempt (a client that joins late still starts at byte 0).

    The two are the same bytes, except a stored FLAC's header, which has the real length.
    """
    job = _wait_for_start(job, timeout=queue_timeout)
    if job.has_audio:
        yield from _stored(job)
        return
    if job.status != Job.Status.RUNNING:
        return
    yield from _relayed(job, str(job.public_id))


def job_listen_chunks(*, job: Job, queue_timeout: float = 600) -> Iterator[bytes]:
    """The job's samples as 16-bit little-endian PCM at 24 kHz, mono, from the first one.

    Relayed while the job runs and for a while after it ends (an hour with Redis); empty when
    the job never started or its relay is gone, in which case a player uses the stored file.

    A queued job is waited for on the relay itself, not by polling its row: the first
    samples its first attempt writes reach the listener at once.
    """
    queued = job.status == Job.Status.QUEUED
    if job.attempt == 0 and not queued:
        return
    # A queued job's samples will come from the attempt that claims it next.
    attempt = job.attempt + 1 if queued else job.attempt
    deadline = time.monotonic() + queue_timeout

    def gone() -> bool:
        fresh = Job.objects.filter(pk=job.pk).values_list("status", "attempt").first()
        if fresh is None:
            return True
        status, current = fresh
        if status == Job.Status.QUEUED and current < attempt:
            return time.monotonic() > deadline
        return status != Job.Status.RUNNING or current != attempt

    yield from get_relay().read(listen_stream_id(str(job.public_id)), attempt, gone=gone)


def job_timed_chunks(
    *, job: Job, queue_timeout: float = 600
) -> Iterator[tuple[bytes, list[list[Any]]]]:
    """The job's encoded audio in the stretches it was made in, each with the words
    ([text, start, end]) that ended in it, from the first; a finished job's in one stretch.

    The stretches join into the same bytes as ``job_audio_chunks``. A job that was not asked
    for timestamps has no words stream, and yields nothing while it runs."""
    job = _wait_for_start(job, timeout=queue_timeout)
    if job.has_audio:
        yield b"".join(_stored(job)), list(job.words)
        return
    if job.status != Job.Status.RUNNING:
        return
    audio = _relayed(job, str(job.public_id))
    held, relayed = bytearray(), 0
    for line in _lines(_relayed(job, words_stream_id(str(job.public_id)))):
        entry = json.loads(line)
        # The words of a stretch are written after its audio, so this never waits long.
        while relayed + len(held) < entry["bytes"]:
            data = next(audio, None)
            if data is None:
                break
            held += data
        size = max(0, entry["bytes"] - relayed)
        yield bytes(held[:size]), entry["words"]
        del held[:size]
        relayed += size
    rest = bytes(held) + b"".join(audio)
    if rest:
        yield rest, []


def _lines(pieces: Iterator[bytes]) -> Iterator[bytes]:
    """Whole lines out of a relay's pieces, which split the stream anywhere."""
    pending = b""
    for piece in pieces:
        *lines, pending = (pending + piece).split(b"\n")
        yield from (line for line in lines if line)


def _relayed(job: Job, stream_id: str) -> Iterator[bytes]:
    attempt = job.attempt

    def gone() -> bool:
        fresh = Job.objects.filter(pk=job.pk).values_list("status", "attempt").first()
        return fresh is None or fresh[0] != Job.Status.RUNNING or fresh[1] != attempt

    yield from get_relay().read(stream_id, attempt, gone=gone)


def dictionaries_for_user(*, user: Any) -> QuerySet[PronunciationDictionary]:
    return PronunciationDictionary.objects.filter(owner=user)


def dictionary_get_for_user(*, user: Any, public_id: str) -> PronunciationDictionary:
    dictionary = dictionaries_for_user(user=user).filter(public_id=public_id).first()
    if dictionary is None:
        raise Http404("No such pronunciation dictionary.")
    return dictionary


def dictionary_version_for_user(
    *, user: Any, public_id: str, number: int | None = None
) -> PronunciationDictionaryVersion | None:
    """A version of one of the user's dictionaries: ``number``, or the latest."""
    versions = PronunciationDictionaryVersion.objects.filter(
        dictionary__owner=user, dictionary__public_id=public_id
    )
    if number is not None:
        versions = versions.filter(number=number)
    return versions.order_by("-number").first()
