"""Staff approval, revocation and erasure (what is deleted, what is kept, and why).

A voice is erased when its owner deletes it, when the speaker (through the link in their e-mail)
or staff revoke the consent, or when the owner's account is deleted. Erasure, in one transaction
with the files removed right after it commits:

- deleted: every sample recording, the style array, the preview, the consent recording and the
  signed consent document; the audio generated with the voice (the synthesis app listens to
  `voices.signals.voice_erased`); the voice row itself (a revoked voice keeps an empty row with
  status "revoked" so its owner sees why it stopped working, until they delete it);
- kept, as a tombstone of the consent record: its ids (cs_, vc_, the account's public UUID), the
  relation (me / someone else), the statement version, the permitted uses, the expiry date, the
  sha256 digests of the evidence files, the creation, verification, approval, revocation and
  erasure times and who revoked it. The speaker's name and e-mail, the signature, the statement
  text, the IP address and the user agent are blanked.
- kept, in the audit chain: one entry per event (consent, verification, approval, revocation,
  refusal, erasure) with ids, times and a digest of its details; the details themselves are
  blanked.

Why: the tombstone and the chain let us prove later that a voice was made with consent and was
erased when asked, without keeping the personal data or the voice itself. The digests cannot be
turned back into the recordings.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from billing.services import fee_refund
from voices import audit
from voices.exceptions import ConsentRevoked
from voices.models import ConsentRecord, Voice
from voices.storage import files_delete


@transaction.atomic
def consent_approve(*, consent: ConsentRecord, staff_user) -> ConsentRecord:
    """Staff confirm (after listening) that the consent recording's speaker is the samples' one."""
    consent = ConsentRecord.objects.select_for_update().get(pk=consent.pk)
    if consent.revoked_at or consent.erased_at:
        raise ConsentRevoked("This consent was revoked; there is nothing to approve.")
    consent.verification = ConsentRecord.Verification.APPROVED
    consent.approved_at = timezone.now()
    consent.approved_by = str(staff_user.public_id)
    consent.save()
    audit.audit_append(
        event=audit.Event.CONSENT_APPROVED,
        consent_public_id=consent.public_id,
        voice_public_id=consent.voice_public_id,
        actor=f"staff:{staff_user.public_id}",
    )
    return consent


def consent_revoke(*, consent: ConsentRecord, by: str, actor: str) -> None:
    """Revoke a consent (by the speaker, the owner or staff): the voice is disabled and erased."""
    with transaction.atomic():
        consent = ConsentRecord.objects.select_for_update().get(pk=consent.pk)
        if consent.revoked_at is not None:
            return
        consent.revoked_at, consent.revoked_by = timezone.now(), by
        consent.save()
        audit.audit_append(
            event=audit.Event.CONSENT_REVOKED,
            consent_public_id=consent.public_id,
            voice_public_id=consent.voice_public_id,
            actor=actor,
        )
        if consent.voice_id is not None:
            voice_erase(voice=consent.voice, reason=f"revoked by {by}", actor=actor, keep_row=True)
        else:
            _consent_tombstone(consent=consent, reason=f"revoked by {by}")


@transaction.atomic
def voice_erase(*, voice: Voice, reason: str, actor: str, keep_row: bool = False) -> None:
    """Erase a voice and its evidence (see the module docstring for what is kept).

    `keep_row` leaves an empty voice with status "revoked" for its owner to see.
    """
    voice = Voice.objects.select_for_update().get(pk=voice.pk)
    if voice.status == Voice.Status.PROCESSING and voice.fee_key:
        # Erased mid-clone: the worker will find no voice to finish and never reach its refund.
        fee_refund(idempotency_key=voice.fee_key, reason=f"Clone of {voice.public_id} erased")
    files = [voice.style_file, voice.preview_file, *voice.samples.values_list("file", flat=True)]
    consent = ConsentRecord.objects.select_for_update().filter(voice=voice).first()
    if consent is not None:
        files += [consent.recording_file, consent.document_file]
        _consent_tombstone(consent=consent, reason=reason)
    audit.audit_append(
        event=audit.Event.VOICE_ERASED,
        consent_public_id=consent.public_id if consent else "",
        voice_public_id=voice.public_id,
        actor=actor,
        payload={
            "reason": reason,
            **({"kept": consent.kept_fields()} if consent is not None else {}),
        },
    )
    public_id, owner = voice.public_id, voice.owner
    voice.samples.all().delete()
    if keep_row:
        voice.status, voice.style_file, voice.preview_file = Voice.Status.REVOKED, "", ""
        voice.save(update_fields=["status", "style_file", "preview_file", "updated_at"])
    else:
        voice.delete()

    def after_commit() -> None:
        files_delete(files)
        from voices.signals import voice_erased

        voice_erased.send(sender=Voice, voice_public_id=public_id, user=owner)

    transaction.on_commit(after_commit)


def _consent_tombstone(*, consent: ConsentRecord, reason: str) -> None:
    if consent.erased_at is None:
        consent.erased_at, consent.erasure_reason = timezone.now(), reason[:40]
    for field in ConsentRecord.TOMBSTONE_CLEARED:
        setattr(consent, field, None if field == "ip_address" else "")
    consent.save()
    audit.audit_blank_payloads(consent_public_id=consent.public_id)


def user_voices_erase(*, user) -> None:
    """Erase every voice of an account that is being deleted (revoked ones included)."""
    for voice in Voice.objects.filter(owner=user):
        voice_erase(voice=voice, reason="account deleted", actor=f"user:{user.public_id}")
