"""The work behind POST /v1/voices/clone: store the samples, start the clone, and on a refusal
leave the draft as it was, answering with what the samples' analysis found."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from ninja.errors import HttpError
from ninja.files import UploadedFile

from speeko_site.api import presenters
from speeko_site.api.api import api
from voices import services as voice_services
from voices.exceptions import CloneRefused, UploadRejected
from voices.uploads import audio_check, audio_sniff


def upload_status(upload: UploadedFile, max_bytes: int) -> int:
    """413 for too big, 415 for not audio at all, 400 for anything else wrong with a file."""
    if upload.size and upload.size > max_bytes:
        return 413
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    return 415 if head and audio_sniff(head) is None else 400


def samples_store(voice: Any, files: list[UploadedFile], added: list[Any]) -> None:
    """Check, analyse and store each file, appending each stored sample to ``added``."""
    for upload in files:
        status = upload_status(upload, settings.VOICES_MAX_FILE_BYTES)
        try:
            checked = audio_check(upload, max_bytes=settings.VOICES_MAX_FILE_BYTES, what="sample")
        except UploadRejected as e:
            raise HttpError(status, f"{upload.name}: {e.message}") from e
        try:
            sample = voice_services.sample_add(
                voice=voice, checked=checked, original_name=upload.name
            )
        except UploadRejected as e:
            raise HttpError(400, f"{upload.name}: {e.message}") from e
        added.append(sample)


def clone_submit(
    request: HttpRequest, *, voice: Any, name: str, files: list[UploadedFile], tier: str
) -> HttpResponse:
    added: list[Any] = []
    try:
        samples_store(voice, files, added)
        voice = voice_services.voice_rename(voice=voice, name=name)
        voice = voice_services.voice_clone_start(voice=voice, tier=tier)
    except HttpError as e:
        return _refused(added, e.status_code, "upload_rejected", str(e))
    except CloneRefused as e:
        status = 402 if "credit" in e.message.lower() else 400
        return _refused(added, status, "clone_refused", e.message)
    payload = {
        "voice_id": voice.public_id, "status": voice.status, "tier": voice.tier or tier,
        "progress": voice.progress, "identity_score": voice.identity_score,
        "consent_id": voice.consent.public_id,
        "sample_analysis": presenters.sample_analysis_payload(voice),
    }  # fmt: skip
    response = api.create_response(request, payload, status=202)
    response["Location"] = request.build_absolute_uri(
        reverse("api:voice_get", args=[voice.public_id])
    )
    return response


def _refused(added: list[Any], status: int, code: str, message: str) -> JsonResponse:
    """The error, with the analysis of this request's samples, which are then removed: the
    draft keeps its consent, so the same consent_id can be sent again with better samples."""
    analysis = presenters.samples_analysis_payload(added)
    for sample in added:
        voice_services.sample_delete(sample=sample)
    body = {"error": {"code": code, "message": message}, "sample_analysis": analysis}
    return JsonResponse(body, status=status)
