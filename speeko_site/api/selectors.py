from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from speeko_site.api.models import ApiKey
from speeko_site.core.selectors import get_by_public_uuid_or_404


def api_keys_for_user(*, user: Any) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(owner=user)


def api_key_get_for_user(*, user: Any, public_id: str) -> ApiKey:
    return get_by_public_uuid_or_404(
        ApiKey.objects.filter(owner=user), public_id=public_id, what="key"
    )
