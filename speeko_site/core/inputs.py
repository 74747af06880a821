"""The one check every request's text goes through before any view sees it.

Characters no person types (NUL and the other C0 controls except tab and line breaks, and lone
UTF-16 surrogates that a JSON escape can carry) are refused wherever they appear: path, query
string, form fields, multipart fields and every string of a JSON body. PostgreSQL cannot store
some of them at all, and none of them mean anything in a name, an id or a text to speak. Values in
the URL are also bounded in length, since no id, filter or search term needs more.

Field-specific limits (a voice id fits its column, a name fits its column) live in the API schemas
and forms, from the same constants.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse

# Lengths shared by the API schemas and the forms; each matches the column it is stored in.
VOICE_ID_MAX = 200
NAME_MAX = 100
LANGUAGE_MAX = 8
URL_VALUE_MAX = 1000

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class HostileInput(ValueError):
    """A request value no person could have meant; the message says which and why."""


def text_check(value: str, *, field: str, max_length: int | None = None) -> str:
    """Return `value` unchanged, or raise HostileInput naming `field`."""
    match = _FORBIDDEN.search(value)
    if match is not None:
        raise HostileInput(
            f"{field} contains the control character U+{ord(match.group()):04X} at position "
            f"{match.start()}; remove it and send the request again."
        )
    if max_length is not None and len(value) > max_length:
        raise HostileInput(f"{field} is {len(value):,} characters long; at most {max_length:,}.")
    return value


def _json_strings(value: object, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{where}.{key}" if where else str(key), str(key)
            yield from _json_strings(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_strings(item, f"{where}[{index}]")


def _body_strings(request: HttpRequest) -> Iterator[tuple[str, str]]:
    content_type = request.content_type or ""
    if content_type == "application/json":
        try:
            data = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            return  # the view answers malformed JSON with its own message
        yield from _json_strings(data, "")
    elif content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for name, values in request.POST.lists():
            yield name, name
            for value in values:
                yield name, value
        for name, uploads in request.FILES.lists():
            for upload in uploads:
                yield f"{name} file name", upload.name or ""


def request_check(request: HttpRequest) -> None:
    """Raise HostileInput for the first value of `request` that fails `text_check`."""
    text_check(request.path, field="The URL path", max_length=URL_VALUE_MAX)
    for name, values in request.GET.lists():
        text_check(name, field="A query parameter name", max_length=URL_VALUE_MAX)
        for value in values:
            text_check(value, field=f"Query parameter {name[:40]}", max_length=URL_VALUE_MAX)
    if request.method in ("POST", "PUT", "PATCH"):
        for field, value in _body_strings(request):
            text_check(value, field=f"Field {field[:40]!r}")


class HostileInputMiddleware:
    """Answer 400 (the API's JSON envelope under /v1/) to requests that fail `request_check`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            request_check(request)
        except HostileInput as e:
            return _refusal(request, 400, "invalid_request", str(e))
        except RequestDataTooBig:
            return _refusal(request, 413, "payload_too_large", "The request body is too large.")
        return self.get_response(request)


def _refusal(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if request.path.startswith("/v1/"):
        return JsonResponse({"error": {"code": code, "message": message}}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
