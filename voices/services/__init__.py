"""Writes of the voices app, one module per concern; every public name is importable from here.

- consent: recording a speaker's consent and `consent_check`, the one test of what it allows;
- samples: the reference recordings of a draft voice;
- cloning: the fee, the worker's run, failure and refund;
- policy: whether a cloned voice may speak right now;
- erasure: staff approval, revocation and erasure (what is kept, and why).
"""

from voices.services.cloning import (
    PREVIEW_TEXT,
    PROFESSIONAL_RECOMMENDED_SECONDS,
    TIER_LIMITS,
    audio_render,
    clone_samples,
    clones_reconcile,
    voice_clone_cancel,
    voice_clone_fail,
    voice_clone_run,
    voice_clone_start,
    voice_rename,
)
from voices.services.consent import (
    CLONE,
    ConsentFields,
    consent_check,
    consent_create,
    consent_revocation_token,
    consent_use,
)
from voices.services.erasure import (
    consent_approve,
    consent_revoke,
    user_voices_erase,
    voice_erase,
)
from voices.services.policy import (
    voice_for_tts,
    voice_style,
    voice_style_for_tts,
    voice_tone,
    voice_use_for_tts,
)
from voices.services.samples import sample_add, sample_delete, samples_retry_clear

__all__ = [
    "CLONE",
    "PREVIEW_TEXT",
    "PROFESSIONAL_RECOMMENDED_SECONDS",
    "TIER_LIMITS",
    "ConsentFields",
    "audio_render",
    "clone_samples",
    "clones_reconcile",
    "consent_approve",
    "consent_check",
    "consent_create",
    "consent_revocation_token",
    "consent_revoke",
    "consent_use",
    "sample_add",
    "sample_delete",
    "samples_retry_clear",
    "user_voices_erase",
    "voice_clone_cancel",
    "voice_clone_fail",
    "voice_clone_run",
    "voice_clone_start",
    "voice_erase",
    "voice_rename",
    "voice_for_tts",
    "voice_style",
    "voice_style_for_tts",
    "voice_tone",
    "voice_use_for_tts",
]
