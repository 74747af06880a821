from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

Format = Literal["mp3", "wav", "opus", "flac", "pcm"]


class ErrorBody(Schema):
    code: str
    message: str


class ErrorOut(Schema):
    error: ErrorBody


USE_HELP = (
    "Cloned voices only: what the speech is for (personal, commercial or project), one of the "
    "uses the speaker consented to; default: the consent's only use. Others are refused (403)."
)
PROJECT_HELP = 'With use "project": the project\'s name, as in the consent (default: that name).'


class TTSIn(Schema):
    text: str = Field(..., min_length=1, description="Text (or SSML with ssml=true) to speak.")
    voice_id: str = Field("af_heart", description="Stock voice, blend, or cloned voice id.")
    format: Format = "mp3"
    speed: float = Field(1.0, ge=0.5, le=2.0)
    language: str | None = Field(None, description="Kokoro language code; default: the voice's.")
    ssml: bool = False
    use: str = Field("", description=USE_HELP)
    project: str = Field("", description=PROJECT_HELP)


ERRORS = dict.fromkeys((400, 401, 402, 403, 404, 409, 413, 415, 422, 429), ErrorOut)


class JobOut(Schema):
    id: str
    status: str
    voice_id: str
    format: str
    language: str
    speed: float
    billable_characters: int
    cost_micros: int
    cost_usd: str
    progress: float
    duration_seconds: float
    created_at: datetime
    finished_at: datetime | None
    audio_url: str | None
    error: ErrorBody | None


class SpeechIn(Schema):
    model: str = "tts-1"
    input: str = Field(..., min_length=1)
    voice: str | dict[str, str]
    response_format: Literal["mp3", "opus", "aac", "flac", "wav", "pcm"] = "mp3"
    speed: float = Field(1.0, ge=0.25, le=4.0)
    instructions: str | None = None
    stream_format: Literal["audio", "sse"] | None = None
    use: str = Field("", description=USE_HELP)
    project: str = Field("", description=PROJECT_HELP)


class VoiceOut(Schema):
    id: str
    type: Literal["stock", "cloned"]
    name: str
    language: str | None
    language_name: str | None
    gender: str | None
    status: str
    tier: str | None = None
    progress: int | None = Field(
        None, description="A cloned voice's percent done, 0 to 100 (100 once it is ready)."
    )
    error: str | None = Field(None, description="Why a cloned voice failed (its fee was refunded).")
    identity_score: float | None = None
    stopping: bool = Field(
        False, description="A stop was requested; the clone ends failed and refunded shortly."
    )
    created_at: datetime | None = None


class VoiceList(Schema):
    voices: list[VoiceOut]


class BalanceOut(Schema):
    balance_micros: int
    balance_usd: str
    characters_remaining_standard: int
    characters_remaining_cloned: int


class UsageDay(Schema):
    date: date
    characters: int
    cost_micros: int
    jobs: int


class UsageGroup(Schema):
    key: str
    characters: int
    cost_micros: int
    jobs: int


class UsageOut(Schema):
    days: list[UsageDay]
    by_voice: list[UsageGroup]
    by_key: list[UsageGroup]


class DeletedOut(Schema):
    id: str
    deleted: bool
