"""The tamper-evident consent audit log: an HMAC-keyed hash chain, anchored outside the database.

Each entry's hash is HMAC(key, previous hash + the entry's fields + sha256 of its payload). The
chain covers the payload's digest, not the payload, so erasure may blank a payload (personal data)
and the chain still verifies; editing any covered field, or a payload that is still present, breaks
the chain at that entry's index. Only the entries of an erased consent may have blank payloads.
The key comes from settings.VOICES_AUDIT_KEY.

Someone with the database alone could still cut the newest entries and rewind the head row, so
the head leaves the database too: every append writes the new head to the log, and a signed
checkpoint (index, hash, time) is stored in the media storage each day and offered to staff as a
download. A chain that no longer reaches a checkpoint's entry, or reaches it with another hash,
is broken. `audit_records_verify` compares the consent rows with their chain entries.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from voices.models import AuditEntry, AuditHead, ConsentRecord

logger = logging.getLogger(__name__)
CHECKPOINT_FOLDER = "audit/checkpoints"


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


EMPTY_DIGEST = payload_digest({})


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
    # Stored as its canonical JSON reads back (dates as text), so the digest always recomputes.
    payload = json.loads(_canonical(payload or {}))
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
    transaction.on_commit(lambda: logger.info("audit head %s", json.dumps(_signed_head(entry))))
    return entry


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    checked: int
    broken_index: int | None = None
    reason: str = ""


def audit_chain_verify(
    entries: Iterable[AuditEntry] | None = None, *, checkpoints: Iterable[dict] | None = None
) -> ChainReport:
    """Walk the chain in index order; report the first entry that does not verify.

    Reading from the database (no `entries`), the head row and every stored checkpoint (or the
    given `checkpoints`) must be reached too, or entries at the end were cut.
    """
    head = None
    if entries is None:
        head = AuditHead.objects.filter(pk=1).first()
        entries = AuditEntry.objects.order_by("index").iterator(chunk_size=2000)
        checkpoints = stored_checkpoints() if checkpoints is None else checkpoints
    erased = set(
        ConsentRecord.objects.filter(erased_at__isnull=False).values_list("public_id", flat=True)
    )
    prev, checked, seen = "0" * 64, 0, {}
    anchors = {int(c["index"]): c for c in _checked_checkpoints(checkpoints or [])}
    for expected_index, entry in enumerate(entries):
        reason = _entry_problem(entry, expected_index, prev, erased)
        if not reason and expected_index in anchors:
            reason = _anchor_problem(entry, anchors[expected_index])
        if reason:
            return ChainReport(False, checked, entry.index, reason)
        prev, checked = entry.entry_hash, checked + 1
        seen[entry.index] = entry.entry_hash
    if head is not None and (head.last_index != checked - 1 or head.last_hash != prev):
        # The newest entries were deleted: the head still remembers them.
        return ChainReport(False, checked, checked, "entries at the end of the chain are missing")
    beyond = [c for index, c in anchors.items() if index >= checked]
    if beyond:
        cut = min(beyond, key=lambda c: c["index"])
        return ChainReport(
            False, checked, checked,
            f"entries at the end of the chain are missing: the checkpoint of {cut['at']} saw "
            f"entry {cut['index']}",
        )  # fmt: skip
    return ChainReport(True, checked)


def _entry_problem(entry: AuditEntry, expected_index: int, prev: str, erased: set[str]) -> str:
    if entry.index != expected_index:
        return f"entry {expected_index} is missing"
    if entry.prev_hash != prev:
        return "does not link to the previous entry"
    if not entry.payload and entry.payload_digest != EMPTY_DIGEST:
        if entry.consent_public_id not in erased:
            return "its payload was blanked, but its consent was never erased"
    elif payload_digest(entry.payload) != entry.payload_digest:
        return "payload does not match its digest"
    if not hmac.compare_digest(entry_hash(entry), entry.entry_hash):
        return "entry hash does not match its contents"
    return ""


def _anchor_problem(entry: AuditEntry, checkpoint: dict) -> str:
    if not hmac.compare_digest(entry.entry_hash, str(checkpoint["hash"])):
        return f"entry differs from the one the checkpoint of {checkpoint['at']} saw"
    return ""


def audit_blank_payloads(*, consent_public_id: str) -> None:
    """Erase the personal data in a consent's entries; their digests keep the chain verifiable."""
    AuditEntry.objects.filter(consent_public_id=consent_public_id).update(payload={})


# --- checkpoints: the head, signed, kept outside the database -----------------------------------


def _signature(data: dict) -> str:
    key = settings.VOICES_AUDIT_KEY.encode()
    fields = {k: data[k] for k in ("index", "hash", "at")}
    return hmac.new(key, b"checkpoint:" + _canonical(fields), hashlib.sha256).hexdigest()


def _signed_head(entry: AuditEntry) -> dict:
    data = {"index": entry.index, "hash": entry.entry_hash, "at": timezone.now().isoformat()}
    return {**data, "signature": _signature(data)}


def audit_checkpoint() -> dict | None:
    """The chain's head now, signed; None while the chain is empty."""
    head = AuditHead.objects.filter(pk=1).first()
    if head is None or head.last_index < 0:
        return None
    data = {"index": head.last_index, "hash": head.last_hash, "at": timezone.now().isoformat()}
    return {**data, "signature": _signature(data)}


def audit_checkpoint_store() -> dict | None:
    """Write today's checkpoint to the media storage and the log (run daily, and on download)."""
    checkpoint = audit_checkpoint()
    if checkpoint is None:
        return None
    name = f"{CHECKPOINT_FOLDER}/{timezone.localdate().isoformat()}.json"
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(json.dumps(checkpoint).encode()))
    logger.info("audit checkpoint %s", json.dumps(checkpoint))
    return checkpoint


def stored_checkpoints() -> list[dict]:
    """Every checkpoint in the media storage (one a day)."""
    if not default_storage.exists(CHECKPOINT_FOLDER):
        return []
    found = []
    for name in sorted(default_storage.listdir(CHECKPOINT_FOLDER)[1]):
        with default_storage.open(f"{CHECKPOINT_FOLDER}/{name}", "rb") as f:
            try:
                found.append(json.loads(f.read()))
            except ValueError:
                found.append({"index": -1, "hash": "", "at": name, "signature": ""})
    return found


def checkpoint_parse(data: bytes) -> dict:
    """A checkpoint file a person hands back; ValueError when it is not one or not ours."""
    try:
        checkpoint = json.loads(data)
        valid = _checked(checkpoint)
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        raise ValueError("This is not a Speeko audit checkpoint file.") from e
    if not valid:
        raise ValueError("This checkpoint's signature does not verify: it was not made here.")
    return checkpoint


def _checked(checkpoint: dict) -> bool:
    return hmac.compare_digest(_signature(checkpoint), str(checkpoint.get("signature", "")))


def _checked_checkpoints(checkpoints: Iterable[dict]) -> list[dict]:
    """Checkpoints whose signature verifies; a forged one is refused, not trusted."""
    good = []
    for checkpoint in checkpoints:
        try:
            if _checked(checkpoint):
                good.append(checkpoint)
        except KeyError:
            continue
    return good


# --- consent rows against the chain ---------------------------------------------------------------


def audit_records_verify() -> list[str]:
    """Consent rows that differ from what their chain entries recorded, one line each."""
    recorded = {
        e.consent_public_id: e
        for e in AuditEntry.objects.filter(event=Event.CONSENT_RECORDED).iterator()
    }
    erasures = {
        e.consent_public_id: e
        for e in AuditEntry.objects.filter(event=Event.VOICE_ERASED).exclude(consent_public_id="")
    }
    problems = []
    for consent in ConsentRecord.objects.order_by("id").iterator():
        problem = _record_problem(consent, recorded.get(consent.public_id), erasures)
        if problem:
            problems.append(f"{consent.public_id}: {problem}")
    known = set(ConsentRecord.objects.values_list("public_id", flat=True))
    problems += [
        f"{public_id}: its consent row is missing"
        for public_id in recorded
        if public_id not in known
    ]
    return problems


def _record_problem(consent: ConsentRecord, entry: AuditEntry | None, erasures: dict) -> str:
    if entry is None:
        return "no consent.recorded entry in the chain"
    if consent.erased_at is None:
        if payload_digest(consent.audited_fields()) != entry.payload_digest:
            return "the row differs from its consent.recorded entry"
        return ""
    erasure = erasures.get(consent.public_id)
    if erasure is None:
        return "erased, but the chain has no erasure entry"
    kept = erasure.payload.get("kept")
    if kept is not None and json.loads(_canonical(consent.kept_fields())) != kept:
        return "the tombstone differs from its erasure entry"
    return ""
