"""One error envelope for the whole API: {"error": {"code": ..., "message": ...}}."""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse, JsonResponse

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


def domain_error_response(exc: Exception) -> JsonResponse | None:
    """The response for an error the product raises on purpose, or None for anything else."""
    if isinstance(exc, InsufficientCredits):
        return error_response(402, "insufficient_credits", str(exc))
    if isinstance(exc, VoicePolicyError):
        return error_response(403, exc.code, exc.message)
    if isinstance(exc, SynthesisError):
        headers = {"Retry-After": str(exc.retry_after)} if hasattr(exc, "retry_after") else None
        return error_response(exc.status, exc.code, exc.message, headers=headers)
    if isinstance(exc, Http404):
        return error_response(404, "not_found", str(exc) or "Not found.")
    return None


def response_json(response: HttpResponse) -> object:
    try:
        return json.loads(response.content)
    except ValueError:
        return None
