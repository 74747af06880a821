"""Idempotency-Key support for POST endpoints.

The first request with a key does the work and stores its result; a retry gets that result
(for speech, the same job's audio from its first byte) and is never charged again. The same key
with a different body is refused with 422.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from speeko_site.api import services
from speeko_site.api.errors import domain_error_response, error_response, response_json
from speeko_site.api.models import IdempotencyRecord

Work = Callable[[IdempotencyRecord | None], HttpResponse]
Replay = Callable[[IdempotencyRecord], HttpResponse]
WAIT_SECONDS = 30


def _run(work: Work, record: IdempotencyRecord | None) -> HttpResponse:
    try:
        return work(record)
    except Exception as exc:
        response = domain_error_response(exc)
        if response is None:
            raise
        return response


def _wait(record: IdempotencyRecord) -> IdempotencyRecord | None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        fresh = IdempotencyRecord.objects.filter(pk=record.pk).first()
        if fresh is None or fresh.status_code is not None or fresh.job_public_id:
            return fresh
        time.sleep(0.1)
    return record


def idempotent(request: HttpRequest, work: Work, *, replay: Replay | None = None) -> HttpResponse:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return _run(work, None)
    if len(key) > 255:
        return error_response(400, "invalid_request", "Idempotency-Key is at most 255 characters.")
    fingerprint = services.request_fingerprint(
        method=request.method or "", path=request.get_full_path(), body=_body_digest(request)
    )
    try:
        record, created = services.idempotency_claim(
            user=request.user, key=key, fingerprint=fingerprint
        )
    except services.IdempotencyConflict as e:
        return error_response(422, "idempotency_key_reused", str(e))
    if created:
        return _first(work, record)
    return _replayed(record, replay)


def _body_digest(request: HttpRequest) -> bytes:
    """What identifies the body. A multipart body was already parsed (and its raw bytes consumed)
    to reach the view, so it is identified by its fields and the content of its files."""
    if not (request.content_type or "").startswith("multipart/"):
        return request.body
    digest = hashlib.sha256()
    for name, values in sorted(request.POST.lists()):
        for value in values:
            digest.update(f"{name}\0{value}\0".encode())
    for name, uploads in sorted(request.FILES.lists()):
        for upload in uploads:
            digest.update(f"{name}\0{upload.name}\0".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.digest()


def _first(work: Work, record: IdempotencyRecord) -> HttpResponse:
    try:
        response = _run(work, record)
    except Exception:
        services.idempotency_release(record=record)
        raise
    if response.status_code >= 500:
        services.idempotency_release(record=record)
    elif not response.streaming:
        services.idempotency_complete(
            record=record, status_code=response.status_code, body=response_json(response)
        )
    return response


def _replayed(record: IdempotencyRecord, replay: Replay | None) -> HttpResponse:
    done = _wait(record)
    if done is None:
        return error_response(
            409, "idempotency_retry", "The first request with this key failed; retry it."
        )
    if done.job_public_id and replay is not None:
        response = replay(done)
    elif done.status_code is not None:
        response = HttpResponse(status=done.status_code)
        if done.body is not None:
            from django.http import JsonResponse

            response = JsonResponse(done.body, status=done.status_code, safe=False)
    else:
        return error_response(
            409, "idempotency_in_progress", "A request with this key is still being processed."
        )
    response["Idempotent-Replayed"] = "true"
    return response
