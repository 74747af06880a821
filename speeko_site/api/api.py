"""The public REST API (`/v1/`), its error envelope and its OpenAPI schema."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from speeko_site.api.auth import ApiKeyAuth
from speeko_site.api.bodies import LenientParser
from speeko_site.api.errors import domain_error_response, error_response, seconds_to_next_month
from speeko_site.api.guidance import field_problem

api = NinjaAPI(
    title="Speeko API",
    version="1.0",
    description=(
        "Text-to-speech with stock and cloned voices, consent-first voice cloning, and an "
        "OpenAI-compatible speech endpoint. Errors are always "
        '`{"error": {"code": ..., "message": ...}}`. Every POST accepts an `Idempotency-Key` '
        "header: a retry with the same key returns the first result and is never charged twice."
    ),
    auth=ApiKeyAuth(),
    parser=LenientParser(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)

_STATUS_CODES = {
    400: "invalid_request", 401: "unauthorized", 402: "insufficient_credits",
    403: "forbidden", 404: "not_found", 405: "method_not_allowed", 409: "conflict",
    413: "payload_too_large", 415: "unsupported_media_type", 422: "unprocessable",
    429: "rate_limited",
}  # fmt: skip


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(
        401,
        "unauthorized",
        "Send a valid API key as 'Authorization: Bearer sk_live_...'. "
        "Create one on the API keys page; revoked keys stop working at once.",
        headers={"WWW-Authenticate": "Bearer"},
    )


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = [field_problem(request, error) for error in exc.errors]
    return error_response(400, "invalid_request", "; ".join(problems) or "Invalid request.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = _STATUS_CODES.get(exc.status_code, "error")
    headers = {"Retry-After": str(seconds_to_next_month())} if exc.status_code == 429 else None
    return error_response(exc.status_code, code, str(exc), headers=headers)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(413, "payload_too_large", "The request body is too large.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(404, "not_found", str(exc) or "Not found.")


@api.exception_handler(Exception)
def _domain(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = domain_error_response(exc)
    if response is None:
        raise exc
    return response


# Registration order matters: /voices/clone must come before /voices/{voice_id}.
from speeko_site.api import consents  # noqa: E402,F401,I001  (registers the routes)
from speeko_site.api import endpoints  # noqa: E402,F401  (registers the routes)
from speeko_site.api import dictionaries  # noqa: E402,F401  (registers the routes)
