"""The work behind POST /v1/voices/clone: store the samples and start the clone, answering 202
before any decoding; the cloning worker analyses the samples first and fails (and refunds) the
clone with the upload checks' own messages when they can't be used. A refusal in the request
leaves the draft as it was."""

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
from voices.uploads import audio_probe, audio_sniff


def upload_status(upload: UploadedFile, max_bytes: int) -> int:
    """413 for too big, 415 for not audio at all, 400 for anything else wrong with a file."""
    if upload.size and upload.size > max_bytes:
        return 413
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    return 415 if head and audio_sniff(head) is None else 400


def samples_store(voice: Any, files: list[UploadedFile], added: list[Any]) -> None:
    """Check each file's size, type and header and store it "analysing", appending each stored
    sample to ``added``; the clone task decodes and analyses them."""
    for upload in files:
        status = upload_status(upload, settings.VOICES_MAX_FILE_BYTES)
        try:
            probed = audio_probe(upload, max_bytes=settings.VOICES_MAX_FILE_BYTES, what="sample")
        except UploadRejected as e:
            raise HttpError(status, f"{upload.name}: {e.message}") from e
        try:
            sample = voice_services.sample_add(
                voice=voice, upload=probed, original_name=upload.name, analyse_on_worker=False
            )
        except UploadRejected as e:
            raise HttpError(400, f"{upload.name}: {e.message}") from e
        added.append(sample)


def clone_submit(
    request: HttpRequest, *, voice: Any, name: str, files: list[UploadedFile], tier: str
) -> HttpResponse:
    added: list[Any] = []
    try:
        # A clone that failed (the worker refused its samples, say) kept them so GET shows why;
        # this request brings the whole set again.
        voice_services.samples_retry_clear(voice=voice)
        samples_store(voice, files, added)
        voice = voice_services.voice_rename(voice=voice, name=name)
        voice = voice_services.voice_clone_start(voice=voice, tier=tier, analyse_first=True)
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
