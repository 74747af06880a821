from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404


def get_by_public_uuid_or_404(queryset: QuerySet, *, public_id: Any, what: str) -> Model:
    """The row of `queryset` (already limited to what the caller may see) with this public UUID.

    A malformed id is a 404 like a missing one, so ids cannot be probed by their format.
    """
    try:
        key = uuid.UUID(str(public_id))
    except ValueError as e:
        raise Http404(f"No such {what}.") from e
    found = queryset.filter(public_id=key).first()
    if found is None:
        raise Http404(f"No such {what}.")
    return found
