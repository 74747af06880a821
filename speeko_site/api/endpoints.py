"""Route handlers of the public API. Each one parses, calls a service, and shapes the answer."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Sum
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from ninja import Query, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError

from billing.money import format_usd
from billing.pricing import characters_for_micros
from billing.selectors import balance_for, usage_by_day
from speeko_site.api import presenters
from speeko_site.api.api import api
from speeko_site.api.bodies import json_or_form
from speeko_site.api.errors import error_response
from speeko_site.api.idempotency import idempotent
from speeko_site.api.schemas import (
    ERRORS,
    AudioWithTimestampsOut,
    BalanceOut,
    DeletedOut,
    JobOut,
    SpeechIn,
    TimedAudioChunkOut,
    TimestampsOut,
    TTSIn,
    UsageOut,
    VoiceList,
    VoiceOut,
    inline_schema,
)
from speeko_site.api.selectors import api_keys_for_user
from speeko_site.api.voice_map import openai_voice
from synthesis import selectors as job_selectors
from synthesis import services as synthesis
from synthesis.models import Job
from voices import selectors as voice_selectors
from voices import services as voice_services

AUDIO_CONTENT = {
    "content": {
        mime.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
        for mime in synthesis.FORMATS.values()
    },
    "description": "Audio, streamed while it is synthesised (chunked transfer).",
}


Answer = Callable[[HttpRequest, Job], HttpResponse]


def _key_ref(request: HttpRequest) -> str:
    return str(request.api_key.public_id)


NDJSON = "application/x-ndjson"
TIMED_CONTENT = {
    "content": {NDJSON: {"schema": inline_schema(TimedAudioChunkOut)}},
    "description": "One JSON object a line, each sent as soon as its audio is made.",
}


def _stream(job: Job, *, timed: bool = False) -> StreamingHttpResponse:
    content = _timed_lines(job) if timed else job_selectors.job_audio_chunks(job=job)
    content_type = NDJSON if timed else synthesis.FORMATS[job.format]
    response = StreamingHttpResponse(content, content_type=content_type)
    response["X-Accel-Buffering"] = "no"
    response["Cache-Control"] = "no-store"
    response["X-Request-Id"] = str(job.public_id)
    response["X-Billable-Characters"] = str(job.billable_characters)
    response["X-Cost-Micros"] = str(job.estimated_cost_micros)
    response["X-Cost-USD"] = format_usd(job.estimated_cost_micros)
    return response


def _replay_job(request: HttpRequest, *, as_job: bool, answer: Answer | None = None):
    def replay(record: Any) -> HttpResponse:
        job = job_selectors.job_get_for_user(user=request.user, public_id=record.job_public_id)
        if answer is not None:
            return answer(request, job)
        if as_job:
            return api.create_response(
                request, presenters.job_payload(request, job), status=record.status_code or 202
            )
        return _stream(job)

    return replay


def _submit(
    request: HttpRequest, *, as_job: bool, answer: Answer | None = None, **fields: Any
) -> HttpResponse:
    def work(record: Any) -> HttpResponse:
        job = synthesis.job_submit(
            user=request.user, source="api", client_ref=_key_ref(request),
            key_limit=request.api_key.monthly_character_limit, **fields,
        )  # fmt: skip
        if record is not None:
            from speeko_site.api.services import idempotency_complete

            idempotency_complete(
                record=record, status_code=202 if as_job else 200, job_public_id=job.public_id
            )
        if answer is not None:
            return answer(request, job)
        if as_job:
            return api.create_response(request, presenters.job_payload(request, job), status=202)
        return _stream(job)

    return idempotent(request, work, replay=_replay_job(request, as_job=as_job, answer=answer))


@api.post(
    "/tts",
    response={202: JobOut, **ERRORS},
    openapi_extra={"responses": {"200": AUDIO_CONTENT}},
    summary="Synthesise speech (streamed), or queue a job with ?async=true",
    tags=["Speech"],
)
@decorate_view(json_or_form)
def tts(request: HttpRequest, payload: TTSIn, async_: bool = Query(False, alias="async")):
    if payload.timestamps and not async_:
        raise HttpError(
            400, "timestamps need ?async=true; for audio and times in one answer, "
            "POST /v1/tts/with-timestamps.",
        )  # fmt: skip
    return _submit(request, as_job=async_, **_speech_fields(payload))


def _speech_fields(payload: TTSIn) -> dict[str, Any]:
    return {
        "text": payload.text, "voice": payload.voice_id, "language": payload.language or "",
        "speed": payload.speed, "fmt": payload.format, "ssml": payload.ssml,
        "timestamps": payload.timestamps,
        "dictionary_ids": payload.pronunciation_dictionary_ids,
        "use": payload.use, "project": payload.project,
    }  # fmt: skip


@api.post(
    "/tts/with-timestamps",
    response={200: AudioWithTimestampsOut, 202: JobOut, **ERRORS},
    summary="Synthesise speech and time every word and character",
    tags=["Speech"],
)
@decorate_view(json_or_form)
def tts_with_timestamps(request: HttpRequest, payload: TTSIn):
    """The audio (base64) with the start and end of every word and character, in seconds.
    A job still running after API_TIMESTAMPS_WAIT_SECONDS (300) answers 202 with the job."""
    return _submit(
        request, as_job=False, answer=_audio_with_timestamps,
        **{**_speech_fields(payload), "timestamps": True},
    )  # fmt: skip


def _audio_with_timestamps(request: HttpRequest, job: Job) -> HttpResponse:
    wait = settings.API_TIMESTAMPS_WAIT_SECONDS
    job = job_selectors.job_wait_finished(job=job, timeout=wait)
    if not job.is_terminal:
        return api.create_response(request, presenters.job_payload(request, job), status=202)
    if job.status != Job.Status.DONE or not job.has_audio:
        error = presenters.job_payload(request, job)["error"] or {}
        return error_response(
            422, error.get("code", "synthesis_failed"),
            error.get("message", "The speech could not be made; your credits were refunded."),
        )  # fmt: skip
    with job.audio.open("rb") as fh:
        audio = base64.b64encode(fh.read()).decode()
    payload = {
        "request_id": str(job.public_id), "format": job.format, "audio_base64": audio,
        "duration_seconds": round(job.duration_seconds, 3),
        "billable_characters": job.billable_characters, "cost_micros": job.charged_micros,
        **presenters.timestamps_payload(job),
    }  # fmt: skip
    return api.create_response(request, payload, status=200)


@api.post(
    "/tts/with-timestamps/stream",
    response={**ERRORS},
    openapi_extra={"responses": {"200": TIMED_CONTENT}},
    summary="Synthesise speech, streaming audio and word times together (NDJSON)",
    tags=["Speech"],
)
@decorate_view(json_or_form)
def tts_with_timestamps_stream(request: HttpRequest, payload: TTSIn):
    """One JSON object a line, as the audio is made: `audio_base64` (the next bytes of the
    file), `alignment` and `words` (times in seconds from the start of the audio). Closing
    the connection stops the job."""
    return _submit(
        request, as_job=False, answer=lambda _, job: _stream(job, timed=True),
        **{**_speech_fields(payload), "timestamps": True},
    )  # fmt: skip


def _timed_lines(job: Job) -> Iterator[bytes]:
    # A client that hangs up does not stop the job, as on POST /v1/tts: the audio stays
    # available from GET /v1/jobs/{id} and is charged, so hanging up just before the end is
    # never a way to get speech for free.
    after = None
    for audio, words in job_selectors.job_timed_chunks(job=job):
        yield presenters.timed_chunk_line(audio, words, after=after)
        after = words[-1] if words else after
    job = job_selectors.job_wait_finished(job=job, timeout=settings.API_TIMESTAMPS_WAIT_SECONDS)
    if job.status != Job.Status.DONE:
        yield presenters.timed_error_line(_unfinished(job))


def _unfinished(job: Job) -> dict[str, str]:
    if job.status in (Job.Status.FAILED, Job.Status.CANCELLED):
        return {
            "code": job.error_code or job.status,
            "message": job.error_message or f"The job was {job.status}; nothing was charged.",
        }
    return {
        "code": "not_finished",
        "message": f"The job is still {job.status}; GET /v1/jobs/{job.public_id} tells how "
        "it goes.",
    }


@api.get(
    "/jobs/{job_id}/timestamps",
    response={200: TimestampsOut, **ERRORS},
    url_name="job_timestamps",
    tags=["Speech"],
)
def job_timestamps(request: HttpRequest, job_id: str):
    job = job_selectors.job_get_for_user(user=request.user, public_id=job_id)
    if not job.with_timestamps:
        raise HttpError(404, 'This job was not asked for timestamps ("timestamps": true).')
    if job.status != Job.Status.DONE:
        raise HttpError(409, f"The timestamps are ready when the job is done (it is {job.status}).")
    return presenters.timestamps_payload(job)


@api.post(
    "/audio/speech",
    response={**ERRORS},
    openapi_extra={"responses": {"200": AUDIO_CONTENT}},
    summary="OpenAI-compatible speech endpoint",
    tags=["OpenAI compatible"],
)
@decorate_view(json_or_form)
def openai_speech(request: HttpRequest, payload: SpeechIn):
    if payload.stream_format == "sse":
        raise HttpError(400, "stream_format 'sse' is not supported; audio is streamed as bytes.")
    voice = payload.voice.get("id", "") if isinstance(payload.voice, dict) else payload.voice
    # OpenAI accepts 0.25-4.0; the model sounds right between 0.5 and 2.0.
    speed = min(2.0, max(0.5, payload.speed))
    return _submit(
        request, as_job=False, text=payload.input, voice=openai_voice(voice),
        speed=speed, fmt=payload.response_format, use=payload.use, project=payload.project,
    )  # fmt: skip


@api.get("/jobs/{job_id}", response={200: JobOut, **ERRORS}, tags=["Speech"])
def job_get(request: HttpRequest, job_id: str):
    job = job_selectors.job_get_for_user(user=request.user, public_id=job_id)
    return presenters.job_payload(request, job)


@api.get(
    "/jobs/{job_id}/audio",
    response={**ERRORS},
    openapi_extra={"responses": {"200": AUDIO_CONTENT}},
    url_name="job_audio",
    tags=["Speech"],
)
def job_audio(request: HttpRequest, job_id: str):
    job = job_selectors.job_get_for_user(user=request.user, public_id=job_id)
    if job.has_audio:
        return FileResponse(job.audio.open("rb"), content_type=synthesis.FORMATS[job.format])
    if job.status in (Job.Status.QUEUED, Job.Status.RUNNING):
        return _stream(job)
    raise HttpError(404, f"This job has no audio (status: {job.status}).")


def _cloned_items(request: HttpRequest, q: str | None) -> list[dict[str, Any]]:
    """The user's cloned voices, drafts included: a draft whose clone was refused keeps its
    consent, and is cloned by sending its consent_id again."""
    needle = (q or "").lower()
    drafts = voice_selectors.drafts_for_user(user=request.user).select_related("consent")
    voices = [*voice_selectors.voices_for_user(user=request.user), *drafts]
    voices.sort(key=lambda v: v.created_at, reverse=True)
    return [presenters.cloned_voice_payload(v) for v in voices if needle in v.name.lower()]


@api.get("/voices", response={200: VoiceList, **ERRORS}, tags=["Voices"])
def voices_list(
    request: HttpRequest,
    type: str | None = None,  # noqa: A002 - the query parameter users send
    language: str | None = None,
    gender: str | None = None,
    q: str | None = None,
):
    items: list[dict[str, Any]] = []
    if type in (None, "", "cloned"):
        items += _cloned_items(request, q)
    if type in (None, "", "stock"):
        stock = voice_selectors.stock_voices(lang=language, gender=gender, q=q)
        items += [presenters.stock_voice_payload(v) for v in stock]
    if type not in (None, "", "stock", "cloned"):
        raise HttpError(400, "type must be 'stock' or 'cloned'.")
    return {"voices": items}


@api.get("/voices/{voice_id}", response={200: VoiceOut, **ERRORS}, tags=["Voices"])
def voice_get(request: HttpRequest, voice_id: str):
    if voice_id.startswith("vc_"):
        voice = voice_selectors.voice_get_for_user(user=request.user, public_id=voice_id)
        return presenters.cloned_voice_payload(voice)
    return presenters.stock_voice_payload(voice_selectors.stock_voice_get(voice_id=voice_id))


@api.post("/voices/{voice_id}/cancel", response={202: VoiceOut, **ERRORS}, tags=["Voices"])
def voice_cancel(request: HttpRequest, voice_id: str):
    """Stop a clone that is queued or running; the voice ends `failed` and the fee is refunded."""
    if not voice_id.startswith("vc_"):
        raise HttpError(404, "Only cloned voices have a clone to stop.")
    voice = voice_selectors.voice_get_for_user(user=request.user, public_id=voice_id)
    if not voice_services.voice_clone_cancel(voice=voice):
        raise HttpError(409, f"This voice is not being cloned (its status is {voice.status}).")
    voice.refresh_from_db()
    return Status(202, presenters.cloned_voice_payload(voice))


@api.delete("/voices/{voice_id}", response={200: DeletedOut, **ERRORS}, tags=["Voices"])
def voice_delete(request: HttpRequest, voice_id: str):
    if not voice_id.startswith("vc_"):
        raise HttpError(404, "Only cloned voices can be deleted.")
    voice = voice_selectors.voice_get_for_user(user=request.user, public_id=voice_id)
    voice_services.voice_erase(
        voice=voice, reason="deleted through the API", actor=f"user:{request.user.public_id}"
    )
    return {"id": voice_id, "deleted": True}


@api.get("/balance", response={200: BalanceOut, **ERRORS}, tags=["Account"])
def balance(request: HttpRequest):
    micros = balance_for(user=request.user)
    return {
        "balance_micros": micros, "balance_usd": format_usd(micros),
        "characters_remaining_standard": characters_for_micros(micros, cloned=False),
        "characters_remaining_cloned": characters_for_micros(micros, cloned=True),
    }  # fmt: skip


def _grouped(jobs: Any, field: str) -> list[dict[str, Any]]:
    rows = jobs.values(field).annotate(
        characters=Sum("billable_characters"), cost=Sum("charged_micros"), jobs=Count("id")
    )
    return [
        {"key": row[field] or "web", "characters": row["characters"] or 0,
         "cost_micros": row["cost"] or 0, "jobs": row["jobs"]}
        for row in rows.order_by(field)
    ]  # fmt: skip


def _with_key_names(request: HttpRequest, groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = {str(k.public_id): k.name for k in api_keys_for_user(user=request.user)}
    for group in groups:
        ref = group["key"]
        group["name"] = "Website" if ref == "web" else names.get(ref, "Deleted key")
    return groups


@api.get("/usage", response={200: UsageOut, **ERRORS}, tags=["Account"])
def usage(request: HttpRequest, days: int = Query(30, ge=1, le=366)):
    since = timezone.now() - timedelta(days=days)
    jobs = Job.objects.filter(owner=request.user, status=Job.Status.DONE, created_at__gte=since)
    return {
        "days": [
            {"date": d.day, "characters": d.characters, "cost_micros": d.spent_micros,
             "jobs": d.jobs}
            for d in usage_by_day(user=request.user, days=days)
            if d.characters or d.spent_micros or d.jobs
        ],
        "by_voice": _grouped(jobs, "voice"),
        "by_key": _with_key_names(request, _grouped(jobs, "client_ref")),
    }  # fmt: skip
