"""Domain errors of the voices app; views and the synthesis app turn them into 4xx answers."""

from __future__ import annotations


class VoicePolicyError(Exception):
    """A cloned voice may not be used (or created) right now.

    `message` is written for the person using the product; `code` is short and stable for APIs.
    """

    code = "voice_policy"
    default_message = "This voice cannot be used."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class ConsentRequired(VoicePolicyError):
    code = "consent_required"
    default_message = "This voice has no recorded consent from its speaker, so it cannot be used."


class ConsentRevoked(VoicePolicyError):
    code = "consent_revoked"
    default_message = "The speaker revoked their consent; this voice has been erased."


class ConsentExpired(VoicePolicyError):
    code = "consent_expired"
    default_message = "The speaker's consent for this voice has expired."


class ConsentAwaitingReview(VoicePolicyError):
    code = "consent_awaiting_review"
    default_message = (
        "The voice in the consent recording did not clearly match the samples; our staff will "
        "review it before the voice can be used."
    )


class VoiceNotReady(VoicePolicyError):
    code = "voice_not_ready"
    default_message = "This voice is not ready yet."


class UploadRejected(Exception):
    """An uploaded file was refused; `message` says what to fix. Nothing was stored."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class CloneRefused(Exception):
    """A clone cannot start (not enough speech, not enough credit, wrong state)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class UseNotPermitted(VoicePolicyError):
    code = "use_not_permitted"
    default_message = "The speaker's consent does not permit this use of the voice."
