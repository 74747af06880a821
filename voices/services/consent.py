"""Recording a speaker's consent, and the one check every later step makes against it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from voices import audit
from voices.exceptions import (
    ConsentAwaitingReview,
    ConsentExpired,
    ConsentRequired,
    ConsentRevoked,
    UseNotPermitted,
)
from voices.models import ConsentRecord, Voice
from voices.prompts import CONSENT_STATEMENTS, STATEMENT_VERSION, USES, spoken_statement
from voices.selectors import REVOKE_SALT
from voices.services.samples import quota_check
from voices.storage import file_save, files_delete, sha256_hex
from voices.uploads import CheckedDocument, ProbedAudio

# The purpose of making a voice from the consent, as opposed to speaking with it for a use.
CLONE = "clone"


@dataclass(frozen=True)
class ConsentFields:
    """What the account holder states about the speaker; the form and the API both build it."""

    voice_name: str
    relation: str
    speaker_name: str
    uses: list[str]
    signature: str
    recording: ProbedAudio
    speaker_email: str = ""
    project_name: str = ""
    uses_note: str = ""
    expires_on: date | None = None
    document: CheckedDocument | None = None


def consent_create(
    *,
    user,
    fields: ConsentFields,
    code: str,
    ip_address: str | None,
    user_agent: str,
) -> Voice:
    """Record the speaker's consent and open a draft voice for it.

    Preconditions (checked by the form): every statement ticked, at least one use, a signature.
    """
    recording, document = fields.recording, fields.document
    if fields.relation == ConsentRecord.Relation.OTHER and (
        document is None or not fields.speaker_email
    ):
        raise ConsentRequired(
            "When the speaker is someone else, upload their signed consent document and give "
            "their e-mail address."
        )
    quota_check(user=user, adding=len(recording.data) + (len(document.data) if document else 0))
    recording_name = file_save(data=recording.data, folder="consent", ext=recording.ext)
    document_name = (
        file_save(data=document.data, folder="consent", ext=document.ext) if document else ""
    )
    try:
        voice, consent = _consent_rows_create(
            user=user,
            voice_name=fields.voice_name,
            row=_consent_row(fields=fields, code=code) | {
                "recording_file": recording_name,
                "document_file": document_name,
                "ip_address": ip_address,
                "user_agent": user_agent[:400],
            },
        )  # fmt: skip
    except Exception:
        files_delete([recording_name, document_name])
        raise
    if consent.relation == ConsentRecord.Relation.OTHER:
        transaction.on_commit(lambda: _speaker_notify(consent=consent))
    return voice


def _consent_row(*, fields: ConsentFields, code: str) -> dict:
    recording, document = fields.recording, fields.document
    return {
        "relation": fields.relation,
        "speaker_name": fields.speaker_name,
        "speaker_email": fields.speaker_email,
        "statements": [{"key": k, "text": t} for k, t in CONSENT_STATEMENTS],
        "statement_version": STATEMENT_VERSION,
        "uses": list(fields.uses),
        "project_name": fields.project_name,
        "uses_note": fields.uses_note,
        "expires_on": fields.expires_on,
        "signature": fields.signature,
        "spoken_text": spoken_statement(speaker_name=fields.speaker_name, code=code),
        "spoken_code": code,
        "recording_sha256": sha256_hex(recording.data),
        "recording_bytes": len(recording.data),
        "document_sha256": sha256_hex(document.data) if document else "",
        "document_type": document.content_type if document else "",
        "document_bytes": len(document.data) if document else 0,
    }


@transaction.atomic
def _consent_rows_create(*, user, voice_name: str, row: dict) -> tuple[Voice, ConsentRecord]:
    voice = Voice.objects.create(owner=user, name=voice_name)
    consent = ConsentRecord.objects.create(
        voice=voice, voice_public_id=voice.public_id, user=user, user_public_id=user.public_id,
        **row,
    )  # fmt: skip
    # Audited as stored (the database normalises an IPv6 address), so the row can be compared.
    consent.refresh_from_db()
    audit.audit_append(
        event=audit.Event.CONSENT_RECORDED,
        consent_public_id=consent.public_id,
        voice_public_id=voice.public_id,
        actor=f"user:{user.public_id}",
        payload=consent.audited_fields(),
    )
    return voice, consent


def consent_check(*, consent: ConsentRecord | None, purpose: str, project: str = "") -> None:
    """Raise the VoicePolicyError that stops `purpose` under this consent, if any.

    `purpose` is CLONE (making the voice) or the use (a key of USES) the voice is about to speak
    for; `project` names the project when that use is "project".
    """
    if consent is None:
        raise ConsentRequired()
    if consent.revoked_at or consent.erased_at:
        raise ConsentRevoked()
    if consent.is_expired:
        raise ConsentExpired()
    if purpose == CLONE:
        return
    if consent.verification not in (
        ConsentRecord.Verification.VERIFIED,
        ConsentRecord.Verification.APPROVED,
    ):
        raise ConsentAwaitingReview()
    if consent.needs_staff:
        raise ConsentAwaitingReview(
            "The speaker is someone else: our staff check their signed consent document before "
            "the voice can be used."
        )
    if purpose not in consent.uses:
        raise UseNotPermitted(
            f"The speaker's consent does not permit {_use_label(purpose)}; it permits "
            f"{_uses_text(consent)}. Choose a permitted use."
        )
    if purpose == "project" and project.strip().casefold() != consent.project_name.casefold():
        raise UseNotPermitted(
            f"The speaker's consent permits this voice only for the project "
            f"“{consent.project_name}”."
        )


def consent_use(*, consent: ConsentRecord, use: str = "", project: str = "") -> tuple[str, str]:
    """The (use, project) a request speaks for: as asked, or else the consent's only use."""
    use = use.strip().lower()
    if not use:
        if len(consent.uses) != 1:
            raise UseNotPermitted(
                f"Say which use this speech is for: the speaker's consent permits "
                f"{_uses_text(consent)}."
            )
        use = consent.uses[0]
    if use != "project":
        return use, ""
    return use, project.strip() or consent.project_name


def _use_label(use: str) -> str:
    label = dict(USES).get(use)
    return f"“{label.lower()}”" if label else f"the use “{use[:40]}”"


def _uses_text(consent: ConsentRecord) -> str:
    labels = [
        f"“{consent.project_name}” only" if use == "project" else dict(USES).get(use, use).lower()
        for use in consent.uses
    ]
    return " and ".join(labels) or "no use"


def consent_revocation_token(*, consent: ConsentRecord) -> str:
    return signing.dumps(consent.public_id, salt=REVOKE_SALT)


def _speaker_notify(*, consent: ConsentRecord) -> None:
    path = reverse("voices:revoke", args=[consent_revocation_token(consent=consent)])
    uses = ", ".join(consent.uses)
    body = (
        f"Hello {consent.speaker_name},\n\n"
        f"A Speeko account recorded your consent to create a synthetic copy of your voice "
        f"(consent {consent.public_id}, permitted uses: {uses}"
        f"{', until ' + consent.expires_on.isoformat() if consent.expires_on else ''}).\n\n"
        f"If you did not agree to this, or you change your mind, open this link to revoke your "
        f"consent. The voice will be disabled and erased at once:\n\n"
        f"{settings.SITE_URL.rstrip('/')}{path}\n"
    )
    send_mail(
        "[Speeko] Your consent to a synthetic voice",
        body,
        None,
        [consent.speaker_email],
        fail_silently=True,
    )
