"""Domain errors of synthesis jobs; views and the API turn them into 4xx answers."""

from __future__ import annotations


class SynthesisError(Exception):
    """Base class: `code` is stable for API clients, the message is for people."""

    code = "synthesis_error"
    status = 400

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class InvalidRequest(SynthesisError):
    code = "invalid_request"


class InvalidSSML(InvalidRequest):
    code = "invalid_ssml"


class TextTooLong(InvalidRequest):
    code = "text_too_long"
    status = 413


class AudioTooLong(SynthesisError):
    """Raised inside a worker when a job's audio runs past what its billed characters allow."""

    code = "audio_too_long"


class UnknownVoice(InvalidRequest):
    code = "unknown_voice"


class TooManyJobs(SynthesisError):
    code = "too_many_jobs"
    status = 429
    retry_after = 5


class KeyLimitReached(SynthesisError):
    code = "rate_limited"
    status = 429


class QueueUnavailable(SynthesisError):
    code = "queue_unavailable"
    status = 503
    retry_after = 10


class JobFinished(SynthesisError):
    code = "job_finished"
    status = 409


class JobCancelled(SynthesisError):
    """Raised inside a worker when the job was cancelled while it was being synthesised."""

    code = "job_cancelled"
    status = 409
