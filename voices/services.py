"""Writes of the voices app: consent, samples, cloning, use policy, revocation and erasure.

Erasure (what is deleted, what is kept, and why)
-----------------------------------------------
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

import dataclasses
import io
import logging
import secrets
import time
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from voices import audit
from voices.exceptions import (
    CloneRefused,
    ConsentAwaitingReview,
    ConsentExpired,
    ConsentRequired,
    ConsentRevoked,
    UploadRejected,
    VoiceNotReady,
    VoicePolicyError,
)
from voices.models import ConsentRecord, Sample, Voice
from voices.prompts import CONSENT_STATEMENTS, STATEMENT_VERSION, spoken_statement
from voices.selectors import user_storage_bytes, voice_get_for_user, voice_speech_seconds
from voices.storage import file_read, file_save, files_delete, sha256_hex
from voices.uploads import CheckedAudio, CheckedDocument

logger = logging.getLogger(__name__)

TIER_LIMITS = {
    # tier: (minimum, maximum) seconds of speech, from issue 6's contract with the cloning library
    Voice.Tier.INSTANT: (10.0, 300.0),
    Voice.Tier.PROFESSIONAL: (60.0, 600.0),
}
PROFESSIONAL_RECOMMENDED_SECONDS = 120.0
REVOKE_SALT = "voices.consent.revoke"
PREVIEW_TEXT = "Hello! This is my Speeko voice. I can read anything you type, in any language."


# --- consent -----------------------------------------------------------------------------------


def consent_create(
    *,
    user,
    voice_name: str,
    relation: str,
    speaker_name: str,
    speaker_email: str,
    uses: list[str],
    project_name: str,
    uses_note: str,
    expires_on: date | None,
    signature: str,
    code: str,
    recording: CheckedAudio,
    document: CheckedDocument | None,
    ip_address: str | None,
    user_agent: str,
) -> Voice:
    """Record the speaker's consent and open a draft voice for it.

    Preconditions (checked by the form): every statement ticked, at least one use, a signature.
    """
    if relation == ConsentRecord.Relation.OTHER and (document is None or not speaker_email):
        raise ConsentRequired(
            "When the speaker is someone else, upload their signed consent document and give "
            "their e-mail address."
        )
    _quota_check(user=user, adding=len(recording.data) + (len(document.data) if document else 0))
    recording_name = file_save(data=recording.data, folder="consent", ext=recording.ext)
    document_name = (
        file_save(data=document.data, folder="consent", ext=document.ext) if document else ""
    )
    try:
        voice, consent = _consent_rows_create(
            user=user,
            voice_name=voice_name,
            fields={
                "relation": relation,
                "speaker_name": speaker_name,
                "speaker_email": speaker_email,
                "statements": [{"key": k, "text": t} for k, t in CONSENT_STATEMENTS],
                "statement_version": STATEMENT_VERSION,
                "uses": uses,
                "project_name": project_name,
                "uses_note": uses_note,
                "expires_on": expires_on,
                "signature": signature,
                "spoken_text": spoken_statement(speaker_name=speaker_name, code=code),
                "spoken_code": code,
                "recording_file": recording_name,
                "recording_sha256": sha256_hex(recording.data),
                "recording_bytes": len(recording.data),
                "document_file": document_name,
                "document_sha256": sha256_hex(document.data) if document else "",
                "document_type": document.content_type if document else "",
                "document_bytes": len(document.data) if document else 0,
                "ip_address": ip_address,
                "user_agent": user_agent[:400],
            },
        )
    except Exception:
        files_delete([recording_name, document_name])
        raise
    if consent.relation == ConsentRecord.Relation.OTHER:
        transaction.on_commit(lambda: _speaker_notify(consent=consent))
    return voice


@transaction.atomic
def _consent_rows_create(*, user, voice_name: str, fields: dict) -> tuple[Voice, ConsentRecord]:
    voice = Voice.objects.create(owner=user, name=voice_name)
    consent = ConsentRecord.objects.create(
        voice=voice, voice_public_id=voice.public_id, user=user, user_public_id=user.public_id,
        **fields,
    )  # fmt: skip
    audit.audit_append(
        event=audit.Event.CONSENT_RECORDED,
        consent_public_id=consent.public_id,
        voice_public_id=voice.public_id,
        actor=f"user:{user.public_id}",
        payload={k: fields[k] for k in _AUDITED_CONSENT_FIELDS},
    )
    return voice, consent


_AUDITED_CONSENT_FIELDS = (
    "relation", "speaker_name", "speaker_email", "statement_version", "uses", "project_name",
    "expires_on", "signature", "spoken_text", "recording_sha256", "document_sha256", "ip_address",
    "user_agent",
)  # fmt: skip


def consent_revocation_token(*, consent: ConsentRecord) -> str:
    return signing.dumps(consent.public_id, salt=REVOKE_SALT)


def consent_from_revocation_token(token: str) -> ConsentRecord:
    """The consent a speaker's revocation link points at; 404 for a forged or unknown link."""
    try:
        public_id = signing.loads(token, salt=REVOKE_SALT)
    except signing.BadSignature as e:
        raise Http404("This revocation link is not valid.") from e
    consent = ConsentRecord.objects.filter(public_id=public_id).first()
    if consent is None:
        raise Http404("This revocation link is not valid.")
    return consent


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


# --- samples -----------------------------------------------------------------------------------


def sample_add(
    *,
    voice: Voice,
    checked: CheckedAudio,
    kind: str = Sample.Kind.UPLOAD,
    prompt_index: int | None = None,
    original_name: str = "",
) -> Sample:
    """Analyse and store one reference recording; a new take of a guided prompt replaces the old."""
    _draft_check(voice)
    _size_check(voice=voice, adding=len(checked.data))
    analysis = _analyse(checked)  # slow: outside any transaction
    name = file_save(data=checked.data, folder="samples", ext=checked.ext)
    try:
        sample, replaced = _sample_row_create(
            voice=voice, checked=checked, analysis=analysis, name=name, kind=kind,
            prompt_index=prompt_index, original_name=original_name[:120],
        )  # fmt: skip
    except Exception:
        files_delete([name])
        raise
    transaction.on_commit(lambda: files_delete(replaced))
    return sample


@transaction.atomic
def _sample_row_create(*, voice, checked, analysis, name, kind, prompt_index, original_name):
    replaced = []
    if prompt_index is not None:
        old = Sample.objects.select_for_update().filter(voice=voice, prompt_index=prompt_index)
        replaced = [s.file for s in old]
        old.delete()
    sample = Sample.objects.create(
        voice=voice, kind=kind, prompt_index=prompt_index, original_name=original_name, file=name,
        content_type=checked.content_type, size_bytes=len(checked.data),
        sha256=sha256_hex(checked.data), seconds=round(checked.seconds, 2),
        speech_seconds=analysis["speech_seconds"], analysis=analysis,
    )  # fmt: skip
    return sample, replaced


def _analyse(checked: CheckedAudio) -> dict:
    from voices.cloning import analyse
    from voices.cloning.errors import CloningError, NotEnoughSpeech

    try:
        result = analyse([(checked.audio, checked.sample_rate)])
    except NotEnoughSpeech as e:
        raise UploadRejected(
            f"Not enough speech in this recording ({e}). Each file needs at least 3 seconds of "
            "clear speech."
        ) from e
    except CloningError as e:
        raise UploadRejected(f"This recording cannot be used: {e}.") from e
    return {
        "speech_seconds": float(result.speech_seconds),
        "total_seconds": float(result.total_seconds),
        "snr_db": float(result.snr_db),
        "clipping_percent": round(100 * float(result.clipping_ratio), 2),
        "loudness_lufs": float(result.loudness_lufs),
        "consistency": result.consistency,
        "verdict": result.verdict,
        "advice": list(result.advice),
    }


@transaction.atomic
def sample_delete(*, sample: Sample) -> None:
    _draft_check(sample.voice)
    name = sample.file
    sample.delete()
    transaction.on_commit(lambda: files_delete([name]))


def _draft_check(voice: Voice) -> None:
    if voice.status not in (Voice.Status.DRAFT, Voice.Status.FAILED):
        raise UploadRejected("This voice has already been cloned; its samples can't change.")


def _size_check(*, voice: Voice, adding: int) -> None:
    used = sum(voice.samples.values_list("size_bytes", flat=True))
    if used + adding > settings.VOICES_MAX_VOICE_BYTES:
        limit = settings.VOICES_MAX_VOICE_BYTES // (1024 * 1024)
        raise UploadRejected(
            f"A voice's samples may total at most {limit} MB. Remove a sample or upload a "
            "compressed file (FLAC, OGG, MP3)."
        )
    _quota_check(user=voice.owner, adding=adding)


def _quota_check(*, user, adding: int) -> None:
    if user_storage_bytes(user=user) + adding > settings.VOICES_USER_QUOTA_BYTES:
        limit = settings.VOICES_USER_QUOTA_BYTES // (1024 * 1024)
        raise UploadRejected(
            f"Your recordings would exceed your {limit} MB storage quota. Delete voices or "
            "drafts you no longer need."
        )


# --- cloning -----------------------------------------------------------------------------------


def voice_clone_start(*, voice: Voice, tier: str) -> Voice:
    """Charge the fee and queue the clone for a worker; returns the voice, now "processing".

    Both tiers run in the background (an instant clone takes 20 to 150 s of CPU, too long for a
    web request); the worker reports progress on the voice and leaves it ready or failed.
    Raises CloneRefused (not enough speech, not enough credit, wrong state).
    """
    if tier not in TIER_LIMITS:
        raise CloneRefused("Choose the instant or the professional tier.")
    _speech_check(voice=voice, tier=tier)
    _clone_begin(voice=voice, tier=tier)
    from voices.tasks import voice_clone_task

    # One queue per tier, each with its own worker: an instant clone never waits behind a
    # professional one, and neither holds up speech.
    queue = settings.VOICES_CLONE_QUEUES[tier]
    voice_clone_task.apply_async_on_commit((voice.pk,), queue=queue)
    voice.refresh_from_db()
    return voice


def _speech_check(*, voice: Voice, tier: str) -> None:
    low, high = TIER_LIMITS[tier]
    seconds = voice_speech_seconds(voice=voice)
    label = Voice.Tier(tier).label.lower()
    if seconds < low:
        raise CloneRefused(
            f"The {label} tier needs at least {low:.0f} s of speech; your samples hold "
            f"{seconds:.0f} s. Add more recordings."
        )
    if seconds > high:
        raise CloneRefused(
            f"The {label} tier takes at most {high / 60:.0f} minutes of speech; your samples "
            f"hold {seconds / 60:.1f}. Remove some, or choose the professional tier."
        )


@transaction.atomic
def _clone_begin(*, voice: Voice, tier: str) -> None:
    from billing.exceptions import InsufficientCredits
    from billing.pricing import cloning_fee_micros
    from billing.services import fee_charge

    # Lock the voice so a double-submitted form can't start (and charge) two clones.
    locked = Voice.objects.select_for_update().get(pk=voice.pk)
    _draft_check(locked)
    consent = ConsentRecord.objects.filter(voice=locked).first()
    if consent is None or consent.revoked_at or consent.is_expired:
        raise CloneRefused("This voice has no valid consent; record the speaker's consent first.")
    fee_key = f"voice-clone:{locked.public_id}:{secrets.token_hex(4)}"
    try:
        fee_charge(
            user=locked.owner, amount_micros=cloning_fee_micros(tier), reference=locked.public_id,
            idempotency_key=fee_key, memo=f"{Voice.Tier(tier).label} voice clone",
        )  # fmt: skip
    except InsufficientCredits as e:
        raise CloneRefused(str(e)) from e
    # updated_at is when the clone started: progress updates leave it alone, and
    # clones_reconcile reads it.
    Voice.objects.filter(pk=locked.pk).update(
        status=Voice.Status.PROCESSING, tier=tier, fee_key=fee_key, progress=0,
        progress_score=None, cancel_requested=False, error="", updated_at=timezone.now(),
    )  # fmt: skip


def voice_clone_run(*, voice_id: int) -> Voice | None:
    """Run the clone of a voice in "processing" state and finish it (ready or failed).

    Idempotent: a voice in any other state is left alone, so a redelivered task does nothing.
    """
    voice = Voice.objects.filter(pk=voice_id, status=Voice.Status.PROCESSING).first()
    if voice is None:
        return Voice.objects.filter(pk=voice_id).first()
    if voice.cancel_requested:
        # Stopped while it waited in the queue: don't spend a model load finding out.
        return voice_clone_fail(voice_id=voice_id, message="Stopped before it finished.")
    from voices.cloning.errors import CloningCancelled, CloningError

    samples = [file_read(s.file) for s in voice.samples.all()]
    try:
        result = clone_samples(
            samples=samples, tier=voice.tier, progress=_progress_writer(voice_id),
            should_cancel=_cancel_reader(voice_id),
        )  # fmt: skip
        match = _consent_match(voice=voice, samples=samples)
    except CloningCancelled:
        return voice_clone_fail(voice_id=voice_id, message="Stopped before it finished.")
    except CloningError as e:
        return voice_clone_fail(voice_id=voice_id, message=f"Cloning failed: {e}.")
    return _clone_finish(voice_id=voice_id, result=result, match=match)


def clone_samples(
    *,
    samples: list[bytes],
    tier: str,
    progress: Callable[[float, float | None], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
):
    """The one place the product calls the cloning library (voices.cloning.clone)."""
    from voices.cloning import clone

    budget = settings.VOICES_PROFESSIONAL_BUDGET_SECONDS
    extra = {"budget_seconds": budget} if budget and tier == Voice.Tier.PROFESSIONAL else {}
    return clone(samples, tier, progress=progress, seed=0, should_cancel=should_cancel, **extra)


def _progress_writer(voice_id: int) -> Callable[[float, float | None], None]:
    last = [0.0]

    def write(percent: float, score: float | None = None) -> None:
        # At most twice a second: the page polls once a second, the database needn't hear more.
        if time.monotonic() - last[0] < 0.5 and percent < 100:
            return
        last[0] = time.monotonic()
        Voice.objects.filter(pk=voice_id, status=Voice.Status.PROCESSING).update(
            progress=max(0, min(99, int(percent))), progress_score=score
        )

    return write


def _cancel_reader(voice_id: int) -> Callable[[], bool]:
    def should_cancel() -> bool:
        return not Voice.objects.filter(
            pk=voice_id, status=Voice.Status.PROCESSING, cancel_requested=False
        ).exists()

    return should_cancel


def _consent_match(*, voice: Voice, samples: list[bytes]) -> float:
    """Cosine similarity of the consent recording's speaker and the samples' speaker."""
    from voices.cloning import similarity, speaker_embedding
    from voices.cloning.audio import decode

    consent = ConsentRecord.objects.get(voice=voice)
    spoken = decode(file_read(consent.recording_file))
    decoded = [decode(s) for s in samples[:8]]
    reference = np.concatenate([_resampled(a, sr, decoded[0][1]) for a, sr in decoded])
    return similarity(speaker_embedding(*spoken), speaker_embedding(reference, decoded[0][1]))


def _resampled(audio: np.ndarray, sr: int, target: int) -> np.ndarray:
    from voices.cloning.audio import resample

    return resample(audio, sr, target)


def _clone_finish(*, voice_id: int, result, match: float) -> Voice | None:
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(result.style, dtype=np.float32), allow_pickle=False)
    style_name = file_save(data=buffer.getvalue(), folder="styles", ext="npy")
    preview_name = _preview_render(style=result.style)
    with transaction.atomic():
        voice = Voice.objects.select_for_update().filter(pk=voice_id).first()
        if voice is None or voice.status != Voice.Status.PROCESSING:
            # Erased or stopped while cloning: keep nothing.
            transaction.on_commit(lambda: files_delete([style_name, preview_name]))
            return voice
        voice.status = Voice.Status.READY
        voice.style_file, voice.preview_file = style_name, preview_name
        voice.identity_score = float(result.identity_score)
        voice.progress, voice.progress_score = 100, float(result.identity_score)
        voice.stats = _clone_stats(result)
        voice.save()
        _consent_verify(voice=voice, match=match)
    return voice


def _consent_verify(*, voice: Voice, match: float) -> None:
    consent = ConsentRecord.objects.select_for_update().get(voice=voice)
    verified = match >= settings.VOICES_CONSENT_MATCH_THRESHOLD
    V = ConsentRecord.Verification
    if consent.verification != V.APPROVED:
        consent.verification = V.VERIFIED if verified else V.NEEDS_REVIEW
    consent.speaker_match = round(float(match), 4)
    consent.verified_at = timezone.now()
    consent.save()
    audit.audit_append(
        event=audit.Event.CONSENT_VERIFIED if verified else audit.Event.CONSENT_NEEDS_REVIEW,
        consent_public_id=consent.public_id,
        voice_public_id=voice.public_id,
        actor="system:speaker-check",
        payload={
            "similarity": consent.speaker_match,
            "threshold": settings.VOICES_CONSENT_MATCH_THRESHOLD,
        },
    )


def _clone_stats(result) -> dict:
    """Everything the library reports about a clone except the style array, as JSON."""
    if dataclasses.is_dataclass(result):
        fields = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
    else:
        fields = dict(vars(result))
    fields.pop("style", None)
    return _jsonable(fields)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist() if value.size <= 64 else f"array{list(value.shape)}"
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def voice_clone_fail(*, voice_id: int, message: str) -> Voice | None:
    """Leave a processing voice failed (samples kept, so it can be retried) and refund its fee."""
    from billing.services import fee_refund

    with transaction.atomic():
        voice = Voice.objects.select_for_update().filter(pk=voice_id).first()
        if voice is None or voice.status != Voice.Status.PROCESSING:
            return voice
        voice.status, voice.error = Voice.Status.FAILED, message[:300]
        voice.save(update_fields=["status", "error", "updated_at"])
        if voice.fee_key:
            fee_refund(idempotency_key=voice.fee_key, reason=f"Clone of {voice.public_id} failed")
    return voice


def clones_reconcile() -> int:
    """Fail and refund every clone still processing VOICES_CLONE_MAX_SECONDS after it started.

    Its message was lost (the broker was down when it was sent, or a worker was killed hard on the
    file broker) or its worker kept dying: nothing else would ever end it. Returns how many.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.VOICES_CLONE_MAX_SECONDS)
    stuck = list(
        Voice.objects.filter(status=Voice.Status.PROCESSING, updated_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    for voice_id in stuck:
        voice_clone_fail(voice_id=voice_id, message="The cloning job was lost; try again.")
    return len(stuck)


def voice_clone_cancel(*, voice: Voice) -> bool:
    """Ask the worker to stop this clone; False when there is no clone in progress to stop.

    The worker polls the flag between steps (and before it starts a queued clone), then fails
    the voice and refunds the fee.
    """
    stopping = Voice.objects.filter(pk=voice.pk, status=Voice.Status.PROCESSING).update(
        cancel_requested=True
    )
    return stopping > 0


def _preview_render(*, style: np.ndarray) -> str:
    """A short preview of a cloned voice; a failing engine costs the preview, not the voice."""
    try:
        data, ext = audio_render(text=PREVIEW_TEXT, voice=np.asarray(style, dtype=np.float32))
    except Exception:
        logger.exception("could not render a voice preview")
        return ""
    return file_save(data=data, folder="previews", ext=ext)


def audio_render(*, text: str, voice, lang: str | None = None) -> tuple[bytes, str]:
    """Speak `text` with the engine and encode it as MP3 (WAV if no MP3 encoder is installed)."""
    from synthesis.engine import SAMPLE_RATE, get_engine

    audio = get_engine().synthesize(text, voice=voice, speed=1.0, lang=lang)
    try:
        from synthesis.engine.formats import encode_stream
    except ImportError:
        import soundfile

        buffer = io.BytesIO()
        soundfile.write(buffer, audio, SAMPLE_RATE, format="WAV", subtype="PCM_16")
        return buffer.getvalue(), "wav"
    return b"".join(encode_stream(iter([audio]), "mp3")), "mp3"


def voice_rename(*, voice: Voice, name: str) -> Voice:
    voice.name = name.strip()[:80] or voice.name
    voice.save(update_fields=["name", "updated_at"])
    return voice


# --- use policy --------------------------------------------------------------------------------


def voice_style_for_tts(*, user, public_id: str) -> np.ndarray:
    """The style array [510,1,256] float32 of a cloned voice `user` may speak with.

    Raises Http404 for a missing, erased or someone else's voice, and a VoicePolicyError (after
    appending the refusal to the audit chain) when the consent does not allow use right now.
    Call it outside a transaction you roll back on that error, or the refusal is not recorded.
    """
    voice = voice_get_for_user(user=user, public_id=public_id)
    problem = _use_problem(voice)
    if problem is not None:
        audit.audit_append(
            event=audit.Event.USE_REFUSED,
            consent_public_id=getattr(getattr(voice, "consent", None), "public_id", ""),
            voice_public_id=voice.public_id,
            actor=f"user:{user.public_id}",
            payload={"code": problem.code},
        )
        raise problem
    return np.load(io.BytesIO(file_read(voice.style_file)), allow_pickle=False).astype(np.float32)


def _use_problem(voice: Voice) -> VoicePolicyError | None:
    consent = ConsentRecord.objects.filter(voice=voice).first()
    if voice.status == Voice.Status.REVOKED or (consent and consent.revoked_at):
        return ConsentRevoked()
    if consent is None:
        return ConsentRequired()
    if consent.is_expired:
        return ConsentExpired()
    if voice.status != Voice.Status.READY or not voice.style_file:
        return VoiceNotReady()
    if consent.verification not in (
        ConsentRecord.Verification.VERIFIED,
        ConsentRecord.Verification.APPROVED,
    ):
        return ConsentAwaitingReview()
    return None


# --- staff, revocation, erasure ----------------------------------------------------------------


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
        payload={"reason": reason},
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
