"""Synthesis jobs: accept, run in a worker, relay, finish, cancel, clean up.

Money moves only through billing's reservation services, always in the same transaction as the
job's state change, so a job can never be both refunded and charged, or charged twice.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import transaction
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone

from billing.pricing import tts_cost_micros
from billing.services import reservation_create, reservation_release, reservation_settle
from billing.spoken import spoken_measure
from speeko_site.core.logging import logs_job_id
from synthesis import exceptions as errors
from synthesis.dictionaries import lexicon_for_request, lexicon_from_rules
from synthesis.models import Job
from synthesis.relay import AudioWriter, get_relay, listen_stream_id, words_stream_id

if TYPE_CHECKING:
    from synthesis.engine import StylePerLanguage
    from synthesis.engine.timestamps import TimedChunks

logger = logging.getLogger(__name__)

FORMATS = {
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "opus": "audio/ogg",
    "flac": "audio/flac",
    "pcm": "audio/L16;rate=24000;channels=1",
    "aac": "audio/aac",
}
# Typical English speech at speed 1.0, used only to estimate progress before the end is known.
CHARACTERS_PER_SECOND = 15.0
WAVEFORM_BARS = 160
NOT_QUEUED = "not_queued"
_BEAT_SECONDS = 2.0


def _engine():
    from synthesis.engine import get_engine

    return get_engine()


def voice_kind(voice: str) -> Job.VoiceKind:
    if voice.startswith("vc_"):
        return Job.VoiceKind.CLONED
    if "+" in voice or "(" in voice:
        return Job.VoiceKind.BLEND
    return Job.VoiceKind.STOCK


def _cloned_voice(*, user: Any, voice: str, use: str, project: str) -> StylePerLanguage:
    """The clone, for a use its consent permits, speaking every language with that language's
    accent: the job's language, and each SSML ``<lang>`` stretch its own."""
    from synthesis.engine import StylePerLanguage
    from voices.cloning.languages import localise
    from voices.services import voice_for_tts, voice_style, voice_tone

    checked = voice_for_tts(user=user, public_id=voice, use=use, project=project)
    return StylePerLanguage(voice_style(checked), localise, tone=voice_tone(checked))


def _cloned_use(*, user: Any, voice: str, use: str, project: str) -> tuple[str, str]:
    from voices.services import voice_use_for_tts

    try:
        return voice_use_for_tts(user=user, public_id=voice, use=use, project=project)
    except Http404 as e:
        raise errors.UnknownVoice(f"You have no cloned voice with the id {voice!r}.") from e


def _validate(*, user: Any, text: str, voice: str, language: str, speed: float, ssml: bool,
              fmt: str, lexicon: list[dict] | None = None, use: str = "",
              project: str = "") -> None:  # fmt: skip
    """Check everything the worker would reject, before any credit is reserved."""
    from synthesis.engine import errors as engine_errors

    if fmt not in FORMATS:
        raise errors.InvalidRequest(
            f"Unsupported format {fmt!r}. Choose one of: {', '.join(FORMATS)}."
        )
    if not text or not text.strip():
        raise errors.InvalidRequest("There is no text to speak.")
    if len(text) > settings.SYNTHESIS_MAX_CHARACTERS:
        raise errors.TextTooLong(
            f"The text has {len(text):,} characters; the limit is "
            f"{settings.SYNTHESIS_MAX_CHARACTERS:,}. Split it into several requests."
        )
    kind = voice_kind(voice)
    try:
        style = (
            _cloned_voice(user=user, voice=voice, use=use, project=project)
            if kind == Job.VoiceKind.CLONED
            else voice
        )
    except Http404 as e:
        raise errors.UnknownVoice(f"You have no cloned voice with the id {voice!r}.") from e
    try:
        # stream() validates text, SSML, voice, language and speed eagerly and returns a lazy
        # generator, so nothing is synthesised here (inference never runs in the web process).
        _engine().stream(
            text, voice=style, speed=speed, lang=language or None, ssml=ssml,
            lexicon=lexicon_from_rules(lexicon or []),
        )  # fmt: skip
    except engine_errors.InvalidSSML as e:
        raise errors.InvalidSSML(str(e), line=e.line, column=e.column) from e
    except (engine_errors.UnknownVoice, engine_errors.BadBlend) as e:
        raise errors.UnknownVoice(str(e)) from e
    except engine_errors.TextTooLong as e:
        raise errors.TextTooLong(str(e)) from e
    except engine_errors.EngineError as e:
        raise errors.InvalidRequest(str(e)[:1].upper() + str(e)[1:]) from e
    measure = spoken_measure(text, ssml=ssml)
    if not measure.pauses_allowed:
        raise errors.InvalidSSML(measure.pause_problem())


def job_estimate(*, text: str, voice: str, ssml: bool) -> tuple[int, int]:
    """(billable characters, cost in micro-dollars) of a request, without validating it."""
    characters = spoken_measure(text, ssml=ssml).characters if text.strip() else 0
    cloned = voice_kind(voice) == Job.VoiceKind.CLONED
    return characters, tts_cost_micros(characters, cloned=cloned) if characters else 0


def _key_limit_check(*, client_ref: str, limit: int, characters: int) -> None:
    """Refuse a request that would take an API key past its monthly character limit. The caller
    holds the user's lock, so concurrent requests on one key are counted one at a time."""
    month_start = timezone.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    used = (
        Job.objects.filter(client_ref=client_ref, created_at__gte=month_start)
        .exclude(status__in=[Job.Status.FAILED, Job.Status.CANCELLED])
        .aggregate(total=Sum("billable_characters"))["total"]
        or 0
    )
    if used + characters > limit:
        raise errors.KeyLimitReached(
            f"This key's monthly limit is {limit:,} characters; {used:,} are used this month."
        )


@transaction.atomic
def _job_create(*, user: Any, fields: dict[str, Any], key_limit: int | None = None) -> Job:
    # Lock the user row so one account's concurrent submissions are counted one at a time.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    active = Job.objects.filter(owner=user, status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
    if active.count() >= settings.SYNTHESIS_MAX_ACTIVE_JOBS:
        raise errors.TooManyJobs(
            f"You already have {settings.SYNTHESIS_MAX_ACTIVE_JOBS} jobs in progress. "
            "Wait for one to finish, or cancel one."
        )
    if key_limit is not None:
        _key_limit_check(
            client_ref=fields["client_ref"], limit=key_limit,
            characters=fields["billable_characters"],
        )  # fmt: skip
    job = Job.objects.create(owner=user, **fields)
    job.reservation = reservation_create(
        user=user,
        amount_micros=job.estimated_cost_micros,
        reference=f"synthesis:{job.public_id}",
        idempotency_key=f"synthesis:{job.public_id}",
        memo=f"Speech with {job.voice}",
        characters=job.billable_characters,
    )
    job.save(update_fields=["reservation"])
    from synthesis.tasks import run_job

    run_job.delay_on_commit(str(job.public_id))
    return job


def job_submit(
    *,
    user: Any,
    text: str,
    voice: str,
    language: str = "",
    speed: float = 1.0,
    fmt: str = "mp3",
    ssml: bool = False,
    source: str = "web",
    client_ref: str = "",
    key_limit: int | None = None,
    timestamps: bool = False,
    dictionary_ids: list[str] | None = None,
    use: str = "",
    project: str = "",
) -> Job:
    """Validate a request, reserve its cost and queue it. Raises SynthesisError subclasses,
    VoicePolicyError (cloned voice not usable, or not for this use) or InsufficientCredits;
    nothing is kept then.

    `key_limit` is the monthly character limit of the API key named by `client_ref`, if any.
    `use`/`project` say what a cloned voice speaks for (default: its consent's only permitted
    use).
    """
    voice = voice.strip()
    if voice_kind(voice) == Job.VoiceKind.CLONED:
        use, project = _cloned_use(user=user, voice=voice, use=use, project=project)
    else:
        use, project = "", ""
    lexicon, dictionaries = lexicon_for_request(user=user, ids=dictionary_ids or [])
    _validate(user=user, text=text, voice=voice, language=language, speed=speed, ssml=ssml,
              fmt=fmt, lexicon=lexicon, use=use, project=project)  # fmt: skip
    characters, cost = job_estimate(text=text, voice=voice, ssml=ssml)
    fields = {
        "voice": voice, "voice_kind": voice_kind(voice), "text": text, "ssml": ssml,
        "language": language, "speed": speed, "format": fmt, "source": source,
        "client_ref": client_ref, "billable_characters": characters, "use": use,
        "project": project,
        "estimated_cost_micros": cost, "with_timestamps": timestamps, "lexicon": lexicon,
        "dictionaries": dictionaries,
    }  # fmt: skip
    job = _job_create(user=user, fields=fields, key_limit=key_limit)
    job.refresh_from_db(fields=["status", "error_code"])
    if job.error_code == NOT_QUEUED:
        raise errors.QueueUnavailable(
            "Speech synthesis is not accepting work right now (the job queue is unavailable); "
            "nothing was charged. Try again shortly."
        )
    return job


def job_not_queued(*, public_id: str) -> None:
    """Fail and refund a job whose message could not be sent to the broker."""
    job = Job.objects.filter(public_id=public_id).first()
    if job is not None:
        job_fail(job=job, code=NOT_QUEUED, message="The job could not be queued; refunded.")


# --- worker side --------------------------------------------------------------------------


@dataclass
class _AudioStats:
    samples: int = 0
    envelope: list[float] = field(default_factory=list)
    words: list[list[Any]] = field(default_factory=list)
    marks: list[list[Any]] = field(default_factory=list)
    _block: int = 1200  # 50 ms at 24 kHz

    def add(self, chunk: np.ndarray) -> None:
        self.samples += len(chunk)
        usable = len(chunk) - len(chunk) % self._block
        if usable:
            peaks = np.abs(chunk[:usable]).reshape(-1, self._block).max(axis=1)
            self.envelope.extend(float(p) for p in peaks)

    def waveform(self, bars: int = WAVEFORM_BARS) -> list[float]:
        if not self.envelope:
            return []
        groups = np.array_split(np.asarray(self.envelope), min(bars, len(self.envelope)))
        peak = max(max(self.envelope), 1e-6)
        return [round(float(g.max()) / peak, 3) for g in groups]


@transaction.atomic
def _job_claim(*, public_id: str) -> Job | None:
    """Take the job for this worker, or return None when there is nothing to do.

    A redelivered message for a job whose worker still beats is a duplicate and is dropped; one
    whose worker went silent is taken over as a new attempt, so the audio never doubles.
    """
    job = Job.objects.select_for_update().filter(public_id=public_id).first()
    if job is None or job.is_terminal:
        return None
    now = timezone.now()
    if job.status == Job.Status.RUNNING:
        stale = now - timedelta(seconds=settings.SYNTHESIS_STALE_SECONDS)
        if job.heartbeat_at and job.heartbeat_at > stale:
            return None
    job.status = Job.Status.RUNNING
    job.attempt += 1
    job.started_at = job.started_at or now
    job.heartbeat_at = now
    job.progress = 0.0
    job.save(update_fields=["status", "attempt", "started_at", "heartbeat_at", "progress"])
    return job


def job_expected_seconds(*, job: Job) -> float:
    """About how long the job's audio will be, before the end is known."""
    return max(1.0, job.billable_characters / CHARACTERS_PER_SECOND / job.speed)


class _Beat:
    """Writes heartbeat and progress now and then, and notices cancellation or a takeover."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.expected = job_expected_seconds(job=job)
        self.next_at = 0.0

    def __call__(self, stats: _AudioStats, *, first: bool = False) -> None:
        now = time.monotonic()
        if not first and now < self.next_at:
            return
        self.next_at = now + _BEAT_SECONDS
        progress = min(0.99, stats.samples / 24000 / self.expected)
        update: dict[str, Any] = {"heartbeat_at": timezone.now(), "progress": progress}
        if first:
            update["first_audio_at"] = timezone.now()
        live = Job.objects.filter(
            pk=self.job.pk, status=Job.Status.RUNNING, attempt=self.job.attempt
        ).update(**update)
        if not live:
            raise errors.JobCancelled("The job was cancelled or taken over.")


class _Untimed:
    """Chunks with no word times and no marks reached: what a job that did not ask for times
    (or whose model file has no durations) produces, shaped like the engine's timed stream."""

    marks: tuple[()] = ()

    def __init__(self, chunks: Iterator[np.ndarray]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[tuple[np.ndarray, tuple[()]]]:
        return ((chunk, ()) for chunk in self._chunks)


def _timed_chunks(job: Job, request: dict[str, Any]) -> TimedChunks:
    """The job's audio chunks, with word times and SSML marks when it asked for them. A model
    file without durations fails an API request for times, and gives the playground audio
    without them."""
    from synthesis.engine.errors import TimestampsUnavailable

    if job.with_timestamps:
        try:
            return _engine().stream_timed(job.text, **request)
        except TimestampsUnavailable:
            if job.source == "api":
                raise
    return _Untimed(_engine().stream(job.text, **request))


def _produce(job: Job, writer: AudioWriter, sink: Any, listen: Any) -> _AudioStats:
    from synthesis.engine.formats import encode_stream, to_pcm16

    voice: Any = job.voice
    if job.voice_kind == Job.VoiceKind.CLONED:
        # Checked again at run time: the consent may have been revoked or changed meanwhile.
        voice = _cloned_voice(user=job.owner, voice=job.voice, use=job.use, project=job.project)
    stats, beat = _AudioStats(), _Beat(job)
    limit = spoken_measure(job.text, ssml=job.ssml).audio_limit_seconds
    request = {
        "voice": voice, "speed": job.speed, "lang": job.language or None, "ssml": job.ssml,
        "lexicon": lexicon_from_rules(job.lexicon),
    }  # fmt: skip
    timed = _timed_chunks(job, request)

    def counted() -> Iterator[np.ndarray]:
        for chunk, words in timed:
            stats.add(chunk)
            if stats.samples > limit * 24000:
                raise errors.AudioTooLong(
                    f"The audio ran past the {limit:,.0f} s this request may produce, so it was "
                    "stopped and your credits were refunded. See the pricing page for the rule."
                )
            listen.write(to_pcm16(chunk))
            # First audio is when a listener can first hear something: the PCM relay, which
            # an encoder that holds samples back (FLAC frames) does not delay.
            beat(stats, first=stats.samples == len(chunk))
            timed_words = [[w.text, w.start, w.end] for w in words]
            stats.words += timed_words
            if chunk.size:
                yield chunk
            # Back here once the encoder has handed out all it made of this chunk.
            writer.words(timed_words)
        # All marks are reached once the stream is exhausted.
        stats.marks = [[m.name, m.time_seconds] for m in timed.marks]

    # The relay gets the stream (FLAC's header says "length unknown"); the stored copy gets
    # the real length once the end is known, so a downloaded file reads everywhere.
    for data in encode_stream(counted(), job.format, copy_to=sink):
        writer.write(data)
        beat(stats)
    return stats


@transaction.atomic
def _job_finish(*, job: Job, path: Path, stats: _AudioStats) -> bool:
    locked = Job.objects.select_for_update().get(pk=job.pk)
    if locked.status != Job.Status.RUNNING or locked.attempt != job.attempt:
        return False
    with path.open("rb") as fh:
        locked.audio.save(f"{locked.public_id}.{locked.format}", File(fh), save=False)
    locked.audio_bytes = path.stat().st_size
    locked.duration_seconds = stats.samples / 24000
    locked.waveform = stats.waveform()
    locked.words = stats.words
    locked.marks = stats.marks
    locked.status = Job.Status.DONE
    locked.progress = 1.0
    locked.finished_at = timezone.now()
    locked.charged_micros = locked.estimated_cost_micros
    locked.save()
    if locked.reservation_id:
        reservation_settle(
            reservation=locked.reservation,
            actual_micros=locked.estimated_cost_micros,
            characters=locked.billable_characters,
        )
    return True


@transaction.atomic
def job_fail(*, job: Job, code: str, message: str, attempt: int | None = None) -> bool:
    locked = Job.objects.select_for_update().get(pk=job.pk)
    if locked.is_terminal or (attempt is not None and locked.attempt != attempt):
        return False
    locked.status = Job.Status.FAILED
    locked.error_code = code
    locked.error_message = message
    locked.finished_at = timezone.now()
    locked.save(update_fields=["status", "error_code", "error_message", "finished_at"])
    if locked.reservation_id:
        reservation_release(reservation=locked.reservation, reason=f"Job failed: {message}")
    return True


def _failure(exc: BaseException) -> tuple[str, str]:
    from celery.exceptions import SoftTimeLimitExceeded

    from synthesis.engine.errors import EngineError
    from voices.exceptions import VoicePolicyError

    if isinstance(exc, VoicePolicyError):
        return exc.code, exc.message
    if isinstance(exc, errors.SynthesisError):
        return exc.code, exc.message
    if isinstance(exc, EngineError):
        return "invalid_request", str(exc)
    if isinstance(exc, SoftTimeLimitExceeded):
        return "time_limit", "The job took longer than the time limit and was stopped."
    return "internal_error", "Synthesis failed unexpectedly; your credits were refunded."


@logs_job_id
def job_run(*, public_id: str) -> None:
    """Synthesise a job in this worker, relaying audio as it is produced."""
    job = _job_claim(public_id=public_id)
    if job is None:
        logger.info("synthesis job %s: nothing to do (finished, or running elsewhere)", public_id)
        return
    logger.info("synthesis job %s: attempt %s started", public_id, job.attempt)
    settings.SYNTHESIS_SPOOL_DIR.mkdir(parents=True, exist_ok=True)
    relay = get_relay()
    words_id = words_stream_id(str(job.public_id))
    words = relay.writer(words_id, job.attempt) if job.with_timestamps else None
    writer = AudioWriter(relay.writer(str(job.public_id), job.attempt), words)
    # The same samples as 16-bit PCM, which the playground plays whatever the file's format.
    listen = relay.writer(listen_stream_id(str(job.public_id)), job.attempt)
    with tempfile.NamedTemporaryFile(dir=settings.SYNTHESIS_SPOOL_DIR, suffix=".audio") as sink:
        try:
            stats = _produce(job, writer, sink, listen)
        except errors.JobCancelled:
            writer.close(error="cancelled")
            listen.close(error="cancelled")
            return
        except Exception as exc:
            code, message = _failure(exc)
            if code == "internal_error":
                logger.exception("synthesis job %s failed", job.public_id)
            # The relay may be what failed (Redis restarting): fail and refund the job anyway,
            # now, rather than leave it to the reconciler minutes later.
            for relayed in (writer, listen):
                with contextlib.suppress(Exception):
                    relayed.close(error=message)
            job_fail(job=job, code=code, message=message, attempt=job.attempt)
            return
        sink.flush()
        writer.close()
        listen.close()
        finished = _job_finish(job=job, path=Path(sink.name), stats=stats)
        logger.info("synthesis job %s: attempt %s %s", public_id, job.attempt,
                    "done" if finished else "superseded")  # fmt: skip


# --- user actions -------------------------------------------------------------------------


@transaction.atomic
def job_cancel(*, job: Job) -> Job:
    locked = Job.objects.select_for_update().get(pk=job.pk)
    if locked.is_terminal:
        raise errors.JobFinished(f"This job has already {locked.get_status_display().lower()}.")
    locked.status = Job.Status.CANCELLED
    locked.finished_at = timezone.now()
    locked.save(update_fields=["status", "finished_at"])
    if locked.reservation_id:
        reservation_release(reservation=locked.reservation, reason="Cancelled by the user.")
    return locked


def job_delete(*, job: Job) -> None:
    """Delete a job and its audio; a job still in progress is cancelled (and refunded) first."""
    if not job.is_terminal:
        with contextlib.suppress(errors.JobFinished):
            job_cancel(job=job)
    with transaction.atomic():
        locked = Job.objects.select_for_update().filter(pk=job.pk).first()
        if locked is None:
            return
        name = locked.audio.name
        locked.delete()
    if name:
        Job._meta.get_field("audio").storage.delete(name)


def jobs_erase_for_voice(*, user: Any, voice_public_id: str) -> int:
    jobs = list(Job.objects.filter(owner=user, voice=voice_public_id))
    for job in jobs:
        job_delete(job=job)
    return len(jobs)
