"""Route handlers of the public API. Each one parses, calls a service, and shapes the answer."""

from __future__ import annotations

from datetime import timedelta
from functools import wraps
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from ninja import Query, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError

from billing.money import format_usd
from billing.pricing import characters_for_micros
from billing.selectors import balance_for
from speeko_site.api import presenters
from speeko_site.api.api import api
from speeko_site.api.errors import error_response
from speeko_site.api.idempotency import idempotent
from speeko_site.api.schemas import (
    ERRORS,
    BalanceOut,
    DeletedOut,
    JobOut,
    SpeechIn,
    TTSIn,
    UsageOut,
    VoiceList,
    VoiceOut,
)
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


def json_only(run: Any) -> Any:
    @wraps(run)
    def wrapper(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if request.content_type != "application/json":
            return error_response(
                415, "unsupported_media_type", "Send the request body as application/json."
            )
        return run(request, **kwargs)

    return wrapper


def _key_ref(request: HttpRequest) -> str:
    return str(request.api_key.public_id)


def _check_key_limit(request: HttpRequest, text: str, ssml: bool) -> None:
    key = request.api_key
    if key.monthly_character_limit is None:
        return
    month_start = timezone.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    used = (
        Job.objects.filter(client_ref=str(key.public_id), created_at__gte=month_start)
        .exclude(status__in=[Job.Status.FAILED, Job.Status.CANCELLED])
        .aggregate(total=Sum("billable_characters"))["total"]
        or 0
    )
    wanted, _ = synthesis.job_estimate(text=text, voice="", ssml=ssml)
    if used + wanted > key.monthly_character_limit:
        raise HttpError(
            429,
            f"This key's monthly limit is {key.monthly_character_limit:,} characters; "
            f"{used:,} are used this month.",
        )


def _stream(job: Job) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        job_selectors.job_audio_chunks(job=job), content_type=synthesis.FORMATS[job.format]
    )
    response["X-Accel-Buffering"] = "no"
    response["Cache-Control"] = "no-store"
    response["X-Request-Id"] = str(job.public_id)
    response["X-Billable-Characters"] = str(job.billable_characters)
    response["X-Cost-Micros"] = str(job.estimated_cost_micros)
    response["X-Cost-USD"] = format_usd(job.estimated_cost_micros)
    return response


def _replay_job(request: HttpRequest, *, as_job: bool):
    def replay(record: Any) -> HttpResponse:
        job = job_selectors.job_get_for_user(user=request.user, public_id=record.job_public_id)
        if as_job:
            return api.create_response(
                request, presenters.job_payload(request, job), status=record.status_code or 202
            )
        return _stream(job)

    return replay


def _submit(request: HttpRequest, *, as_job: bool, **fields: Any) -> HttpResponse:
    def work(record: Any) -> HttpResponse:
        _check_key_limit(request, fields["text"], fields.get("ssml", False))
        job = synthesis.job_submit(
            user=request.user, source="api", client_ref=_key_ref(request), **fields
        )
        if record is not None:
            from speeko_site.api.services import idempotency_complete

            idempotency_complete(
                record=record, status_code=202 if as_job else 200, job_public_id=job.public_id
            )
        if as_job:
            return api.create_response(request, presenters.job_payload(request, job), status=202)
        return _stream(job)

    return idempotent(request, work, replay=_replay_job(request, as_job=as_job))


@api.post(
    "/tts",
    response={202: JobOut, **ERRORS},
    openapi_extra={"responses": {"200": AUDIO_CONTENT}},
    summary="Synthesise speech (streamed), or queue a job with ?async=true",
    tags=["Speech"],
)
@decorate_view(json_only)
def tts(request: HttpRequest, payload: TTSIn, async_: bool = Query(False, alias="async")):
    return _submit(
        request, as_job=async_, text=payload.text, voice=payload.voice_id,
        language=payload.language or "", speed=payload.speed, fmt=payload.format,
        ssml=payload.ssml, use=payload.use, project=payload.project,
    )  # fmt: skip


@api.post(
    "/audio/speech",
    response={**ERRORS},
    openapi_extra={"responses": {"200": AUDIO_CONTENT}},
    summary="OpenAI-compatible speech endpoint",
    tags=["OpenAI compatible"],
)
@decorate_view(json_only)
def openai_speech(request: HttpRequest, payload: SpeechIn):
    if payload.response_format == "aac":
        raise HttpError(400, "AAC is not supported; use mp3, opus, flac, wav or pcm.")
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
        mine = voice_selectors.voices_for_user(user=request.user)
        needle = (q or "").lower()
        items += [presenters.cloned_voice_payload(v) for v in mine if needle in v.name.lower()]
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


@api.get("/usage", response={200: UsageOut, **ERRORS}, tags=["Account"])
def usage(request: HttpRequest, days: int = Query(30, ge=1, le=366)):
    since = timezone.now() - timedelta(days=days)
    jobs = Job.objects.filter(owner=request.user, status=Job.Status.DONE, created_at__gte=since)
    per_day = (
        jobs.annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(characters=Sum("billable_characters"), cost=Sum("charged_micros"), n=Count("id"))
        .order_by("day")
    )
    return {
        "days": [
            {"date": r["day"], "characters": r["characters"], "cost_micros": r["cost"],
             "jobs": r["n"]}
            for r in per_day
        ],
        "by_voice": _grouped(jobs, "voice"),
        "by_key": _grouped(jobs, "client_ref"),
    }  # fmt: skip
