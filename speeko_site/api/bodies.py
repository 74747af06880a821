"""Request bodies as API users send them.

`curl -d '{...}'` labels a JSON body `application/x-www-form-urlencoded`, and so does Python's
`requests` with `data=json.dumps(...)`. A body that parses as a JSON object is read as JSON
whatever its Content-Type says; a real form body with the same field names works too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja.parser import Parser

from speeko_site.api.errors import error_response

FORM_TYPE = "application/x-www-form-urlencoded"
UNREADABLE = (
    "Send the request body as a JSON object (for example "
    '{"text": "Hello", "voice_id": "af_heart"}), or as form fields with the same names.'
)


def json_object(body: bytes) -> dict[str, Any] | None:
    """The body as a JSON object, or None when it is not one."""
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def form_fields(request: HttpRequest) -> dict[str, Any]:
    """Form fields by name; a name sent more than once becomes a list."""
    return {
        name: values if len(values) > 1 else values[0]
        for name, values in request.POST.lists()
        if values
    }


class LenientParser(Parser):
    """JSON when the body is a JSON object, form fields when it is a form, whatever the label."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json_object(request.body)
        if data is not None:
            return data
        if request.content_type == FORM_TYPE:
            return form_fields(request)
        return json.loads(request.body)


def json_or_form(run: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse, with a 415 that says what to send, a body that is neither JSON nor a form."""

    @wraps(run)
    def wrapper(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        labelled = request.content_type in (FORM_TYPE, "application/json")
        readable = labelled or json_object(request.body) is not None
        if not readable:
            return error_response(415, "unsupported_media_type", UNREADABLE)
        return run(request, **kwargs)

    return wrapper
