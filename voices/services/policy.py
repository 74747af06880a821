"""The use policy: whether a cloned voice may speak right now, checked on every request."""

from __future__ import annotations

import io

import numpy as np

from voices import audit
from voices.exceptions import ConsentRevoked, VoiceNotReady, VoicePolicyError
from voices.models import ConsentRecord, Voice
from voices.selectors import voice_get_for_user
from voices.services.consent import CLONE, consent_check
from voices.storage import file_read


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
    if voice.status == Voice.Status.REVOKED:
        return ConsentRevoked()
    ready = voice.status == Voice.Status.READY and voice.style_file
    try:
        # A consent problem outranks "not ready": the voice would not be usable once ready.
        consent_check(consent=consent, purpose="use" if ready else CLONE)
    except VoicePolicyError as e:
        return e
    return None if ready else VoiceNotReady()
