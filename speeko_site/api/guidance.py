"""Messages that tell an API user what to do next, with a link to the part of the docs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

CONSENT_STEPS = (
    "Cloning needs the speaker's recorded consent first: "
    "1) POST /v1/consents/statement with speaker_name to get the sentence to read; "
    "2) record the speaker reading it; "
    "3) POST /v1/consents with that recording (relation, uses, signature, code_token); "
    "4) pass the consent_id it returns to POST /v1/voices/clone."
)


def docs_link(request: HttpRequest, section: str) -> str:
    return request.build_absolute_uri(reverse("api_docs")) + f"#{section}"


def consent_help(request: HttpRequest) -> str:
    return f"{CONSENT_STEPS} See {docs_link(request, 'consent')}"


def field_problem(request: HttpRequest, error: dict[str, Any]) -> str:
    """One pydantic validation error as a sentence that names the field and what to send."""
    where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "form"))
    kind = error.get("type", "")
    if kind == "missing" and where == "consent_id":
        return f"consent_id is required. {consent_help(request)}"
    if kind == "literal_error":
        field = where.rsplit(".", 1)[0] if where.rsplit(".", 1)[-1].isdigit() else where
        expected = error.get("ctx", {}).get("expected", "")
        return f"{field}: not an accepted value; use {expected}."
    message = error.get("msg", "invalid")
    return f"{where}: {message}" if where else message
