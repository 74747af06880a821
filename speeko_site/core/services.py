from __future__ import annotations

import socket

from django.db import transaction
from django.utils import timezone

from speeko_site.core.models import Canary


@transaction.atomic
def canary_send() -> Canary:
    """Create a canary and queue its completion once the row is committed."""
    from speeko_site.core.tasks import canary_complete

    canary = Canary.objects.create()
    canary_complete.delay_on_commit(str(canary.public_id))
    return canary


@transaction.atomic
def canary_complete_now(*, public_id: str) -> Canary | None:
    canary = Canary.objects.select_for_update().filter(public_id=public_id).first()
    if canary is None or canary.completed_at is not None:
        return canary
    canary.completed_at = timezone.now()
    canary.worker = socket.gethostname()
    canary.save(update_fields=["completed_at", "worker"])
    return canary
