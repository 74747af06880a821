"""One error envelope for the whole API: {"error": {"code": ..., "message": ...}}."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone

from billing.exceptions import InsufficientCredits
from synthesis.exceptions import SynthesisError
from voices.exceptions import VoicePolicyError


def error_response(
    status: int, code: str, message: str, *, headers: dict[str, str] | None = None
) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message}}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def seconds_to_next_month(now: datetime | None = None) -> int:
    """When a monthly limit resets: the first second of next month, UTC.

    A 429 without its own Retry-After is a monthly limit (a busy account's 429 carries one).
    """
    now = now or timezone.now()
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    return max(1, int((next_month - now).total_seconds()))


def domain_error_response(exc: Exception) -> JsonResponse | None:
    """The response for an error the product raises on purpose, or None for anything else."""
    if isinstance(exc, InsufficientCredits):
        return error_response(402, "insufficient_credits", str(exc))
    if isinstance(exc, VoicePolicyError):
        return error_response(403, exc.code, exc.message)
    if isinstance(exc, SynthesisError):
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is None and exc.status == 429:
            retry_after = seconds_to_next_month()
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        return error_response(exc.status, exc.code, exc.message, headers=headers)
    if isinstance(exc, Http404):
        return error_response(404, "not_found", str(exc) or "Not found.")
    return None


def response_json(response: HttpResponse) -> object:
    try:
        return json.loads(response.content)
    except ValueError:
        return None
