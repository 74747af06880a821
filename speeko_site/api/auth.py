from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from speeko_site.api.services import api_key_authenticate


class ApiKeyAuth(HttpBearer):
    """`Authorization: Bearer sk_live_...`. Keys are never read from the URL."""

    openapi_description = "An API key from the API keys page, sent as a bearer token."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        key = api_key_authenticate(raw=token)
        if key is None:
            return None
        request.user = key.owner
        request.api_key = key
        return key
