"""API keys and idempotency records."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from speeko_site.api.models import ApiKey, IdempotencyRecord

KEY_PREFIX = "sk_live_"
# Writing last_used_at on every request would make each API call a write; a minute is plenty.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


class IdempotencyConflict(Exception):
    """The same Idempotency-Key was sent with a different request."""


def key_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *, user: Any, name: str, monthly_character_limit: int | None = None
) -> tuple[ApiKey, str]:
    """Create a key and return it with its secret, which is not stored and never shown again."""
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        owner=user,
        name=name.strip() or "API key",
        prefix=raw[: len(KEY_PREFIX) + 4],
        digest=key_digest(raw),
        monthly_character_limit=monthly_character_limit,
    )
    return key, raw


@transaction.atomic
def api_key_revoke(*, key: ApiKey) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def api_key_authenticate(*, raw: str) -> ApiKey | None:
    if not raw.startswith(KEY_PREFIX):
        return None
    key = (
        ApiKey.objects.select_related("owner")
        .filter(digest=key_digest(raw), revoked_at__isnull=True, owner__is_active=True)
        .first()
    )
    if key is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > _LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def request_fingerprint(*, method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), b"\0", path.encode(), b"\0", body):
        digest.update(part)
    return digest.hexdigest()


def idempotency_claim(*, user: Any, key: str, fingerprint: str) -> tuple[IdempotencyRecord, bool]:
    """Return (record, created). The first request with a key creates the record and does the
    work; later ones get the same record. Raises IdempotencyConflict for a different body."""
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(owner=user, key=key, fingerprint=fingerprint)
            return record, True
    except IntegrityError:
        record = IdempotencyRecord.objects.get(owner=user, key=key)
    if record.fingerprint != fingerprint:
        raise IdempotencyConflict(
            "This Idempotency-Key was already used with a different request body."
        )
    return record, False


def idempotency_complete(
    *, record: IdempotencyRecord, status_code: int, body: Any = None, job_public_id: Any = None
) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status_code=status_code, body=body, job_public_id=job_public_id
    )


def idempotency_release(*, record: IdempotencyRecord) -> None:
    """Forget a key whose first request failed before doing anything, so a retry can run."""
    IdempotencyRecord.objects.filter(pk=record.pk, status_code__isnull=True).delete()
