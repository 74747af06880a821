"""Consent and cloning endpoints. Validation is the voices app's own consent form and upload
checks, so the API and the pages refuse exactly the same things."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from speeko_site.api.api import api
from speeko_site.api.cloning import clone_submit, upload_status
from speeko_site.api.errors import error_response
from speeko_site.api.guidance import consent_help
from speeko_site.api.idempotency import idempotent
from speeko_site.api.schemas import ERRORS, SampleAnalysisOut
from voices import selectors as voice_selectors
from voices import services as voice_services
from voices.exceptions import CloneRefused, UploadRejected, VoicePolicyError
from voices.forms import ConsentForm
from voices.prompts import CONSENT_STATEMENTS, STATEMENT_VERSION, consent_code_new
from voices.prompts import spoken_statement as statement_for

Relation = Literal["self", "other"]
VOICE_NAME_MAX = 80  # Voice.name
CONSENT_ID_MAX = 40  # ConsentRecord.public_id
# The clone endpoint's multipart fields, with the limits the OpenAPI schema shows.
CloneName = Annotated[
    str, Form(..., min_length=1, max_length=VOICE_NAME_MAX, description="The voice's name.")
]
CloneConsentId = Annotated[
    str,
    Form(..., max_length=CONSENT_ID_MAX, description="The id POST /v1/consents returned (cs_...)."),
]
CloneTier = Annotated[
    Literal["instant", "professional"],
    Form("instant", description="instant (10 s to 5 min of speech) or professional (1 to 10 min)."),
]
Use = Literal["personal", "commercial", "project"]
CODE_SALT = "speeko.api.consent-code"
CODE_MAX_AGE = 3600


class StatementIn(Schema):
    speaker_name: str = Field(..., min_length=1, max_length=120)


class StatementText(Schema):
    key: str
    text: str


class StatementOut(Schema):
    spoken_statement: str
    code_token: str
    expires_in_seconds: int
    statement_version: str
    statements: list[StatementText]


class ConsentOut(Schema):
    consent_id: str
    voice_id: str | None
    relation: str
    speaker_name: str
    uses: list[str]
    expires_on: date | None
    verification: str
    statement_heard: bool | None = Field(
        description="Whether the spoken statement said the one-time code and the speaker's name "
        "(null until a cloning worker has listened to it)."
    )
    speaker_match: float | None = Field(
        description="Similarity of the consent recording's voice and the samples' (0 to 1)."
    )
    revoked: bool
    created_at: datetime


class CloneOut(Schema):
    voice_id: str
    status: str = Field(
        description='"processing" until a worker finishes: poll GET /v1/voices/{voice_id}.'
    )
    tier: str
    progress: int = Field(description="Percent done, 0 to 100.")
    identity_score: float | None = Field(description="Set once the voice is ready.")
    consent_id: str
    sample_analysis: SampleAnalysisOut | None


def _consent_payload(consent: Any) -> dict[str, Any]:
    return {
        "consent_id": consent.public_id, "voice_id": consent.voice_public_id or None,
        "relation": consent.relation, "speaker_name": consent.speaker_name,
        "uses": consent.uses, "expires_on": consent.expires_on,
        "verification": consent.state, "statement_heard": consent.statement_heard,
        "speaker_match": consent.speaker_match, "revoked": consent.revoked_at is not None,
        "created_at": consent.created_at,
    }  # fmt: skip


@api.post("/consents/statement", response={200: StatementOut, **ERRORS}, tags=["Consent"])
def consent_statement(request: HttpRequest, payload: StatementIn):
    """The sentence the speaker must read aloud, with a one-time code, before POST /consents."""
    code = consent_code_new()
    token = signing.dumps({"code": code, "user": str(request.user.public_id)}, salt=CODE_SALT)
    return {
        "spoken_statement": statement_for(speaker_name=payload.speaker_name, code=code),
        "code_token": token, "expires_in_seconds": CODE_MAX_AGE,
        "statement_version": STATEMENT_VERSION,
        "statements": [{"key": k, "text": t} for k, t in CONSENT_STATEMENTS],
    }  # fmt: skip


def _code_from(request: HttpRequest, token: str) -> str:
    try:
        data = signing.loads(token, salt=CODE_SALT, max_age=CODE_MAX_AGE)
    except signing.BadSignature as e:
        raise HttpError(
            400, "code_token is invalid or older than an hour; get a new one from "
            "POST /v1/consents/statement and record the statement again.",
        ) from e  # fmt: skip
    if data.get("user") != str(request.user.public_id):
        raise HttpError(400, "code_token belongs to another account.")
    return data["code"]


def _form_for(request: HttpRequest, statements: list[str]) -> ConsentForm:
    data = request.POST.copy()
    for key, _ in CONSENT_STATEMENTS:
        if key in statements or "all" in statements:
            data[f"statement_{key}"] = "on"
    return ConsentForm(data, request.FILES)


def _form_error(form: ConsentForm) -> HttpResponse:
    problems = [
        f"{'' if field == '__all__' else field.removeprefix('statement_') + ': '}{message}"
        for field, messages in form.errors.items()
        for message in messages
    ]
    status = 400
    upload = request_file = form.files.get("recording")
    if "recording" in form.errors and upload is not None:
        status = upload_status(request_file, settings.VOICES_MAX_FILE_BYTES)
    return error_response(status, "invalid_consent", "; ".join(problems))


@api.post("/consents", response={201: ConsentOut, **ERRORS}, tags=["Consent"])
def consent_create(
    request: HttpRequest,
    voice_name: Form[str],
    relation: Form[Relation],
    speaker_name: Form[str],
    signature: Form[str],
    code_token: Form[str],
    uses: Form[list[Use]],
    statements: Form[list[str]],
    recording: File[UploadedFile],
    speaker_email: Form[str] = "",
    project_name: Form[str] = "",
    uses_note: Form[str] = "",
    expires_on: Form[str] = "",
    document: File[UploadedFile] = None,
):
    """Record a speaker's consent. `statements` lists the keys the speaker agrees to (or `all`)."""

    def work(record: Any) -> HttpResponse:
        code = _code_from(request, code_token)
        form = _form_for(request, statements)
        if not form.is_valid():
            return _form_error(form)
        voice = voice_services.consent_create(
            user=request.user, fields=form.consent_fields(), code=code,
            ip_address=request.META.get("REMOTE_ADDR"),
            user_agent=request.headers.get("User-Agent", ""),
        )  # fmt: skip
        return api.create_response(request, _consent_payload(voice.consent), status=201)

    return idempotent(request, _guarded(work))


@api.get("/consents/{consent_id}", response={200: ConsentOut, **ERRORS}, tags=["Consent"])
def consent_get(request: HttpRequest, consent_id: str):
    return _consent_payload(_own_consent(request, consent_id))


def _own_consent(request: HttpRequest, consent_id: str) -> Any:
    from django.http import Http404

    consent = voice_selectors.consent_get_for_user(user=request.user, public_id=consent_id)
    # Staff may audit any consent in the console; through the API everyone sees only their own.
    if consent.user_id != request.user.pk:
        raise Http404("No such consent record.")
    return consent


def _guarded(work: Any) -> Any:
    def run(record: Any) -> HttpResponse:
        try:
            return work(record)
        except UploadRejected as e:
            return error_response(400, "upload_rejected", e.message)
        except CloneRefused as e:
            status = 402 if "credit" in e.message.lower() else 400
            return error_response(status, "clone_refused", e.message)
        except VoicePolicyError as e:
            return error_response(403, e.code, e.message)

    return run


@api.post("/voices/clone", response={202: CloneOut, **ERRORS}, tags=["Voices"])
def voice_clone(
    request: HttpRequest,
    name: CloneName,
    consent_id: CloneConsentId,
    file: File[list[UploadedFile]],
    tier: CloneTier = "instant",
):
    """Clone a voice from one or more recordings, under a consent recorded with POST /consents.

    Answers 202 at once with the voice `processing` and each sample `analysing` (the fee is
    charged now; nothing is decoded in the request). A worker analyses the samples first: when
    they can't be used (too little speech, a file that does not decode, ...) the voice ends
    `failed` with the reason in `error` and the fee refunded. Otherwise it clones (an instant
    voice in about a minute, a professional one in several) while GET /v1/voices/{voice_id}
    reports each sample's analysis, `progress`, then `ready`, or `failed` with `error` and the
    fee refunded.
    """

    def work(record: Any) -> HttpResponse:
        voice = _consented_draft(request, consent_id)
        return clone_submit(request, voice=voice, name=name, files=file, tier=tier)

    return idempotent(request, _guarded(work))


def _consented_draft(request: HttpRequest, consent_id: str) -> Any:
    from django.http import Http404

    from voices.models import Voice

    if not consent_id.startswith("cs_"):
        return _refuse_consent(request)
    try:
        consent = _own_consent(request, consent_id)
    except Http404:
        return _refuse_consent(request)
    voice = consent.voice
    if voice is None or consent.revoked_at:
        raise HttpError(
            403, "This consent was revoked or its voice erased. " + consent_help(request)
        )
    if voice.status not in (Voice.Status.DRAFT, Voice.Status.FAILED):
        raise HttpError(409, f"This consent was already used for voice {voice.public_id}.")
    return voice


def _refuse_consent(request: HttpRequest) -> Any:
    raise HttpError(403, "No consent with this id in your account. " + consent_help(request))
