"""Cloned voices, their samples, the consent behind each one, and the consent audit chain.

Audio, style arrays and evidence live in MEDIA_ROOT under random names; the rows hold the names,
sizes and sha256 digests. Nothing here is ever served as a public URL.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


def _token(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(12)}"


def voice_public_id() -> str:
    return _token("vc")


def consent_public_id() -> str:
    return _token("cs")


def sample_public_id() -> str:
    return _token("smp")


class Voice(models.Model):
    """A cloned voice. It is created as a draft when its consent is recorded."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PROCESSING = "processing", "Processing"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        REVOKED = "revoked", "Revoked"

    class Tier(models.TextChoices):
        INSTANT = "instant", "Instant"
        PROFESSIONAL = "professional", "Professional"

    public_id = models.CharField(
        max_length=40, unique=True, default=voice_public_id, editable=False
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="voices"
    )
    name = models.CharField(max_length=80)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    tier = models.CharField(max_length=12, choices=Tier.choices, blank=True)
    identity_score = models.FloatField(null=True, blank=True)
    style_file = models.CharField(max_length=200, blank=True)
    preview_file = models.CharField(max_length=200, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_score = models.FloatField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    error = models.CharField(max_length=300, blank=True)
    fee_key = models.CharField(max_length=80, blank=True)
    stats = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.public_id})"

    @property
    def is_usable(self) -> bool:
        consent = getattr(self, "consent", None)
        return self.status == self.Status.READY and consent is not None and consent.is_usable


class ConsentRecord(models.Model):
    """The speaker's consent for one voice.

    The evidence (who, what they agreed to, the statement they read, the files and their hashes,
    where it was given) is written once and never changed: `save()` refuses to touch it. Later
    events (verification, approval, revocation, erasure) only set the event fields, and erasure
    shrinks the row to a tombstone (see voices.services).
    """

    class Relation(models.TextChoices):
        SELF = "self", "Me"
        OTHER = "other", "Someone else"

    class Verification(models.TextChoices):
        PENDING = "pending", "Not yet checked"
        VERIFIED = "verified", "Verified"
        NEEDS_REVIEW = "needs_review", "Needs review"
        APPROVED = "approved", "Approved by staff"

    EVIDENCE_FIELDS = (
        "public_id", "voice_public_id", "user_public_id", "relation", "speaker_name",
        "speaker_email", "statements", "statement_version", "uses", "project_name", "uses_note",
        "expires_on", "signature", "spoken_text", "spoken_code", "recording_file",
        "recording_sha256", "document_file", "document_sha256", "document_type", "ip_address",
        "user_agent", "created_at",
    )  # fmt: skip
    # What the "consent.recorded" audit entry's payload holds: the chain's copy of the consent.
    AUDITED_FIELDS = (
        "relation", "speaker_name", "speaker_email", "statement_version", "uses", "project_name",
        "expires_on", "signature", "spoken_text", "recording_sha256", "document_sha256",
        "ip_address", "user_agent",
    )  # fmt: skip
    # What survives erasure, so a tombstone can still be compared with its erasure entry.
    KEPT_FIELDS = (
        "relation", "statement_version", "uses", "expires_on", "recording_sha256",
        "document_sha256",
    )  # fmt: skip
    TOMBSTONE_CLEARED = (
        "speaker_name", "speaker_email", "signature", "spoken_text", "uses_note", "project_name",
        "recording_file", "document_file", "ip_address", "user_agent", "transcript",
    )  # fmt: skip

    public_id = models.CharField(
        max_length=40, unique=True, default=consent_public_id, editable=False
    )
    voice = models.OneToOneField(
        Voice, on_delete=models.SET_NULL, null=True, blank=True, related_name="consent"
    )
    voice_public_id = models.CharField(max_length=40, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="consents"
    )
    user_public_id = models.UUIDField()
    relation = models.CharField(max_length=8, choices=Relation.choices)
    speaker_name = models.CharField(max_length=120)
    speaker_email = models.EmailField(blank=True)
    statements = models.JSONField(default=list)
    statement_version = models.CharField(max_length=20)
    uses = models.JSONField(default=list)
    project_name = models.CharField(max_length=120, blank=True)
    uses_note = models.CharField(max_length=500, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    signature = models.CharField(max_length=120)
    spoken_text = models.CharField(max_length=400)
    spoken_code = models.CharField(max_length=12)
    recording_file = models.CharField(max_length=200, blank=True)
    recording_sha256 = models.CharField(max_length=64)
    recording_bytes = models.PositiveBigIntegerField(default=0)
    document_file = models.CharField(max_length=200, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    document_type = models.CharField(max_length=40, blank=True)
    document_bytes = models.PositiveBigIntegerField(default=0)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    verification = models.CharField(
        max_length=14, choices=Verification.choices, default=Verification.PENDING
    )
    speaker_match = models.FloatField(null=True, blank=True)
    # The spoken statement, as the recogniser heard it on the cloning worker (None: not checked).
    code_heard = models.BooleanField(null=True, blank=True)
    name_heard = models.BooleanField(null=True, blank=True)
    transcript = models.CharField(max_length=600, blank=True)
    transcript_sha256 = models.CharField(max_length=64, blank=True)
    recogniser = models.CharField(max_length=80, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.CharField(max_length=120, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.CharField(max_length=20, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    erasure_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.public_id

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            self._refuse_evidence_change()
        super().save(*args, **kwargs)

    def _refuse_evidence_change(self) -> None:
        stored = type(self).objects.filter(pk=self.pk).values(*self.EVIDENCE_FIELDS).first() or {}
        for field in self.EVIDENCE_FIELDS:
            now = getattr(self, field)
            if now != stored.get(field) and not (
                self.erased_at and field in self.TOMBSTONE_CLEARED
            ):
                raise ValueError(f"consent evidence is immutable ({field} changed)")

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    @property
    def is_usable(self) -> bool:
        return (
            self.revoked_at is None
            and self.erased_at is None
            and not self.is_expired
            and self.verification in (self.Verification.VERIFIED, self.Verification.APPROVED)
            and not self.needs_staff
        )

    def audited_fields(self) -> dict:
        return {field: getattr(self, field) for field in self.AUDITED_FIELDS}

    def kept_fields(self) -> dict:
        return {field: getattr(self, field) for field in self.KEPT_FIELDS}

    @property
    def statement_heard(self) -> bool | None:
        if self.code_heard is None or self.name_heard is None:
            return None
        return self.code_heard and self.name_heard

    @property
    def needs_staff(self) -> bool:
        """Verified or not, a consent for someone else waits for staff to read its document."""
        return (
            self.relation == self.Relation.OTHER and self.verification != self.Verification.APPROVED
        )

    @property
    def state(self) -> str:
        """One word for lists and filters: revoked, expired, or the verification state."""
        if self.revoked_at or self.erased_at:
            return "revoked"
        if self.is_expired:
            return "expired"
        if self.verification == self.Verification.VERIFIED and self.needs_staff:
            return self.Verification.NEEDS_REVIEW
        return self.verification


class Sample(models.Model):
    """One reference recording of a voice: stored on upload, then decoded and analysed by a
    worker. A rejected sample keeps its row (and the reason) but not its file or its bytes."""

    class Kind(models.TextChoices):
        UPLOAD = "upload", "Uploaded"
        RECORDED = "recorded", "Recorded in the page"

    class Status(models.TextChoices):
        ANALYSING = "analysing", "Analysing"
        ANALYSED = "analysed", "Analysed"
        REJECTED = "rejected", "Rejected"

    public_id = models.CharField(
        max_length=40, unique=True, default=sample_public_id, editable=False
    )
    voice = models.ForeignKey(Voice, on_delete=models.CASCADE, related_name="samples")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.UPLOAD)
    prompt_index = models.PositiveSmallIntegerField(null=True, blank=True)
    original_name = models.CharField(max_length=120, blank=True)
    file = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    seconds = models.FloatField(default=0.0)
    speech_seconds = models.FloatField(default=0.0)
    analysis = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ANALYSED, db_index=True
    )
    error = models.CharField(max_length=400, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.public_id


class AuditEntry(models.Model):
    """One link of the consent audit hash chain (see voices.audit).

    `payload` may be blanked at erasure; `payload_digest` (which the chain covers) stays, so the
    chain remains verifiable after personal data is gone.
    """

    index = models.PositiveBigIntegerField(unique=True)
    event = models.CharField(max_length=40)
    consent_public_id = models.CharField(max_length=40, blank=True, db_index=True)
    voice_public_id = models.CharField(max_length=40, blank=True, db_index=True)
    actor = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField()
    payload = models.JSONField(default=dict, blank=True)
    payload_digest = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["index"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.index} {self.event}"


class AuditHead(models.Model):
    """A single row locked while appending, so two writers never claim the same index."""

    last_index = models.BigIntegerField(default=-1)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head at #{self.last_index}"
