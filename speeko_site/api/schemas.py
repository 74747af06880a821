from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from speeko_site.core.inputs import LANGUAGE_MAX, NAME_MAX, VOICE_ID_MAX

Format = Literal["mp3", "wav", "opus", "flac", "pcm", "aac"]
VoiceName = Annotated[str, Field(max_length=VOICE_ID_MAX)]


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
    voice_id: str = Field(
        "af_heart", max_length=VOICE_ID_MAX, description="Stock voice, blend, or cloned voice id."
    )
    format: Format = "mp3"
    speed: float = Field(1.0, ge=0.5, le=2.0)
    language: str | None = Field(
        None, max_length=LANGUAGE_MAX, description="Kokoro language code; default: the voice's."
    )
    ssml: bool = False
    timestamps: bool = Field(
        False,
        description="With ?async=true: also time every word and character; the job's "
        "timestamps_url has them once it is done. For audio and times in one answer use "
        "POST /v1/tts/with-timestamps.",
    )
    pronunciation_dictionary_ids: list[str] = Field(
        default_factory=list,
        max_length=3,
        description="Up to 3 of your pronunciation dictionaries (pd_...), applied in order.",
    )
    use: str = Field("", description=USE_HELP)
    project: str = Field("", description=PROJECT_HELP)


ERRORS = dict.fromkeys((400, 401, 402, 403, 404, 409, 413, 415, 422, 429, 503), ErrorOut)


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
    timestamps_url: str | None = Field(
        None, description="Word and character times, once a job asked for them is done."
    )


class SpeechIn(Schema):
    model: str = Field(
        "tts-1",
        max_length=NAME_MAX,
        description="Accepted for compatibility and ignored: every request uses Kokoro.",
    )
    input: str = Field(..., min_length=1)
    voice: VoiceName | dict[str, VoiceName]
    response_format: Literal["mp3", "opus", "aac", "flac", "wav", "pcm"] = "mp3"
    speed: float = Field(
        1.0, ge=0.25, le=4.0, description="Kept between 0.5 and 2.0, the range Kokoro sounds right."
    )
    instructions: str | None = Field(
        None,
        max_length=4096,
        description="Accepted for compatibility and ignored: steer delivery with SSML on /v1/tts.",
    )
    stream_format: Literal["audio", "sse"] | None = None
    use: str = Field("", description=USE_HELP)
    project: str = Field("", description=PROJECT_HELP)


Verdict = Literal["ok", "warn", "reject"]


SampleStatus = Literal["analysing", "ok", "warn", "reject"]


class SampleAnalysisItem(Schema):
    sample_id: str
    name: str
    status: SampleStatus = Field(
        description='"analysing" until a worker has decoded and measured the sample (the '
        "figures are null until then), then its verdict."
    )
    error: str | None = Field(
        None, description="Why a rejected sample can't be used (its file was deleted)."
    )
    seconds: float
    speech_seconds: float
    snr_db: float | None = Field(description="Speech to background noise, in dB.")
    clipping_percent: float | None = Field(description="Share of clipped samples, in percent.")
    loudness_lufs: float | None
    consistency: float | None = Field(
        description="Agreement of the sample's two halves, 0 to 1 (low: several speakers)."
    )
    one_speaker: bool | None = Field(description="Whether one person seems to speak throughout.")
    verdict: Verdict | None = Field(description="null while the sample is analysing.")
    advice: list[str]


class SampleAnalysisOut(Schema):
    status: SampleStatus = Field(
        description='"analysing" while any sample is; then the worst verdict among them.'
    )
    speech_seconds: float = Field(description="Speech in all samples together, in seconds.")
    verdict: Verdict | None = Field(
        description="The worst verdict among the samples; null while any is analysing."
    )
    one_speaker: bool
    advice: list[str]
    samples: list[SampleAnalysisItem]


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
    consent_id: str | None = Field(
        None, description="A cloned voice's consent; a draft is cloned by passing it again."
    )
    sample_analysis: SampleAnalysisOut | None = Field(
        None,
        description="A cloned voice's samples as analysed on upload, with advice for better ones.",
    )


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


class KeyUsageGroup(UsageGroup):
    key: str = Field(description='The API key\'s id, or "web" for the website.')
    name: str = Field(description="The key's name as shown on the API keys page.")


class UsageOut(Schema):
    days: list[UsageDay]
    by_voice: list[UsageGroup]
    by_key: list[KeyUsageGroup]


class DeletedOut(Schema):
    id: str
    deleted: bool


class WordOut(Schema):
    word: str
    start: float = Field(description="Seconds from the start of the audio.")
    end: float


class AlignmentOut(Schema):
    characters: list[str]
    character_start_times_seconds: list[float]
    character_end_times_seconds: list[float]


class MarkOut(Schema):
    name: str
    time_seconds: float = Field(description="Seconds from the start of the audio.")


class TimestampsOut(Schema):
    words: list[WordOut] = Field(description="Every spoken word, as spoken (normalised).")
    alignment: AlignmentOut = Field(
        description="The words joined by spaces, every character with its start and end."
    )
    marks: list[MarkOut] = Field(
        default_factory=list,
        description="Each SSML <mark name> in document order, with when the audio reaches it: "
        "the start of the word after it, or the end of the words before it when a pause "
        "or the end of the text follows.",
    )


class ErrorDetail(Schema):
    code: str
    message: str


class TimedAudioChunkOut(TimestampsOut):
    """One line of /v1/tts/with-timestamps/stream (application/x-ndjson)."""

    audio_base64: str = Field(
        description="The next bytes of the audio file (may be empty); all lines' bytes, "
        "joined, are the whole file."
    )
    error: ErrorDetail | None = Field(
        None, description="Only on a last line, when the speech could not be finished."
    )


class AudioWithTimestampsOut(TimestampsOut):
    request_id: str
    format: str
    audio_base64: str
    duration_seconds: float
    billable_characters: int
    cost_micros: int


def inline_schema(model: type[Schema]) -> dict[str, Any]:
    """A model's JSON schema with its definitions written in place, for a response that
    ninja does not list in the components (an OpenAPI document resolves $ref from its root)."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def expand(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                rest = {k: v for k, v in node.items() if k != "$ref"}
                return {**expand(definitions[node["$ref"].rsplit("/", 1)[-1]]), **rest}
            return {k: expand(v) for k, v in node.items()}
        if isinstance(node, list):
            return [expand(v) for v in node]
        return node

    return expand(schema)
