"""The use policy: whether a cloned voice may speak right now, checked on every request."""

from __future__ import annotations

import io

import numpy as np

from voices import audit
from voices.exceptions import ConsentRevoked, VoiceNotReady, VoicePolicyError
from voices.models import ConsentRecord, Voice
from voices.selectors import voice_get_for_user
from voices.services.consent import CLONE, consent_check, consent_use
from voices.storage import file_read


def voice_style_for_tts(*, user, public_id: str, use: str = "", project: str = "") -> np.ndarray:
    """The style array [510,1,256] float32 of a cloned voice `user` may speak with for `use`
    (see voice_for_tts)."""
    return voice_style(voice_for_tts(user=user, public_id=public_id, use=use, project=project))


def voice_for_tts(*, user, public_id: str, use: str = "", project: str = "") -> Voice:
    """A cloned voice `user` may speak with for `use`.

    `use` (a key of USES; by default the consent's only use) and `project` (for the "project"
    use; by default the consent's project) say what the speech is for. Raises Http404 for a
    missing, erased or someone else's voice, and a VoicePolicyError (after appending the refusal
    to the audit chain) when the consent does not allow this use right now. Call it outside a
    transaction you roll back on that error, or the refusal is not recorded.
    """
    voice = voice_get_for_user(user=user, public_id=public_id)
    problem = _use_problem(voice, use=use, project=project)
    if problem is not None:
        audit.audit_append(
            event=audit.Event.USE_REFUSED,
            consent_public_id=getattr(getattr(voice, "consent", None), "public_id", ""),
            voice_public_id=voice.public_id,
            actor=f"user:{user.public_id}",
            payload={"code": problem.code, **({"use": use[:40]} if use else {})},
        )
        raise problem
    return voice


def voice_style(voice: Voice) -> np.ndarray:
    """A voice's style array [510,1,256] float32, read from storage."""
    return np.load(io.BytesIO(file_read(voice.style_file)), allow_pickle=False).astype(np.float32)


def voice_tone(voice: Voice) -> list[list[float]]:
    """The recording's tone a cloned voice speaks through ([Hz, dB] pairs; empty for a voice
    cloned without one)."""
    tone = (voice.stats or {}).get("tone")
    return tone if isinstance(tone, list) else []


def voice_use_for_tts(*, user, public_id: str, use: str = "", project: str = "") -> tuple[str, str]:
    """The (use, project) a request with this cloned voice speaks for, defaults filled in.

    Use it to record the use on a job; voice_style_for_tts decides whether it is permitted.
    """
    voice = voice_get_for_user(user=user, public_id=public_id)
    consent = ConsentRecord.objects.filter(voice=voice).first()
    if consent is None or len(consent.uses) != 1 and not use.strip():
        return use.strip().lower(), project.strip()
    return consent_use(consent=consent, use=use, project=project)


def _use_problem(voice: Voice, *, use: str, project: str) -> VoicePolicyError | None:
    consent = ConsentRecord.objects.filter(voice=voice).first()
    if voice.status == Voice.Status.REVOKED:
        return ConsentRevoked()
    ready = voice.status == Voice.Status.READY and voice.style_file
    try:
        # A consent problem outranks "not ready": the voice would not be usable once ready.
        consent_check(consent=consent, purpose=CLONE)
        if not ready:
            return VoiceNotReady()
        use, project = consent_use(consent=consent, use=use, project=project)
        consent_check(consent=consent, purpose=use, project=project)
    except VoicePolicyError as e:
        return e
    return None
