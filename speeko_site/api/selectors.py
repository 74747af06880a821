from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from speeko_site.api.models import ApiKey


def api_keys_for_user(*, user: Any) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(owner=user)


def api_key_get_for_user(*, user: Any, public_id: str) -> ApiKey:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError as e:
        raise Http404("No such key.") from e
    found = ApiKey.objects.filter(owner=user, public_id=key).first()
    if found is None:
        raise Http404("No such key.")
    return found
