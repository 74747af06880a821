"""The tamper-evident consent audit log: an HMAC-keyed hash chain.

Each entry's hash is HMAC(key, previous hash + the entry's fields + sha256 of its payload). The
chain covers the payload's digest, not the payload, so erasure may blank a payload (personal data)
and the chain still verifies; editing any covered field, or a payload that is still present, breaks
the chain at that entry's index. The key comes from settings.VOICES_AUDIT_KEY.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from voices.models import AuditEntry, AuditHead


class Event:
    CONSENT_RECORDED = "consent.recorded"
    CONSENT_VERIFIED = "consent.verified"
    CONSENT_NEEDS_REVIEW = "consent.needs_review"
    CONSENT_APPROVED = "consent.approved"
    CONSENT_REVOKED = "consent.revoked"
    USE_REFUSED = "use.refused"
    VOICE_ERASED = "voice.erased"


def _canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str).encode()


def payload_digest(payload: dict) -> str:
    return hashlib.sha256(_canonical(payload)).hexdigest()


def entry_hash(entry: AuditEntry) -> str:
    fields = {
        "index": entry.index,
        "event": entry.event,
        "consent": entry.consent_public_id,
        "voice": entry.voice_public_id,
        "actor": entry.actor,
        "at": entry.created_at.isoformat(),
        "payload": entry.payload_digest,
        "prev": entry.prev_hash,
    }
    key = settings.VOICES_AUDIT_KEY.encode()
    return hmac.new(key, _canonical(fields), hashlib.sha256).hexdigest()


@transaction.atomic
def audit_append(
    *,
    event: str,
    consent_public_id: str = "",
    voice_public_id: str = "",
    actor: str = "",
    payload: dict | None = None,
) -> AuditEntry:
    """Append one entry, in the caller's transaction: it commits with the change it records."""
    # Lock the head row so concurrent appends queue up instead of forking the chain.
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    payload = payload or {}
    entry = AuditEntry(
        index=head.last_index + 1,
        event=event,
        consent_public_id=consent_public_id,
        voice_public_id=voice_public_id,
        actor=actor[:120],
        # Microseconds dropped: some databases round them, which would change the hash.
        created_at=timezone.now().replace(microsecond=0),
        payload=payload,
        payload_digest=payload_digest(payload),
        prev_hash=head.last_hash,
    )
    entry.entry_hash = entry_hash(entry)
    entry.save()
    AuditHead.objects.filter(pk=head.pk).update(last_index=entry.index, last_hash=entry.entry_hash)
    return entry


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    checked: int
    broken_index: int | None = None
    reason: str = ""


def audit_chain_verify(entries: Iterable[AuditEntry] | None = None) -> ChainReport:
    """Walk the chain in index order; report the first entry that does not verify."""
    head = None
    if entries is None:
        head = AuditHead.objects.filter(pk=1).first()
        entries = AuditEntry.objects.order_by("index").iterator(chunk_size=2000)
    prev, checked = "0" * 64, 0
    for expected_index, entry in enumerate(entries):
        reason = _entry_problem(entry, expected_index, prev)
        if reason:
            return ChainReport(False, checked, entry.index, reason)
        prev, checked = entry.entry_hash, checked + 1
    if head is not None and (head.last_index != checked - 1 or head.last_hash != prev):
        # The newest entries were deleted: the head still remembers them.
        return ChainReport(False, checked, checked, "entries at the end of the chain are missing")
    return ChainReport(True, checked)


def _entry_problem(entry: AuditEntry, expected_index: int, prev: str) -> str:
    if entry.index != expected_index:
        return f"entry {expected_index} is missing"
    if entry.prev_hash != prev:
        return "does not link to the previous entry"
    if entry.payload and payload_digest(entry.payload) != entry.payload_digest:
        return "payload does not match its digest"
    if not hmac.compare_digest(entry_hash(entry), entry.entry_hash):
        return "entry hash does not match its contents"
    return ""


def audit_blank_payloads(*, consent_public_id: str) -> None:
    """Erase the personal data in a consent's entries; their digests keep the chain verifiable."""
    AuditEntry.objects.filter(consent_public_id=consent_public_id).update(payload={})
