"""Proving a consent on the cloning worker: was the statement said, and by the samples' speaker?

Both checks run before the clone; a consent passes only when the recogniser heard the one-time
code and the speaker's name in the statement's language AND the consent recording's voice matches
the samples. The outcome (with the transcript's digest and the recogniser's version) goes into
the audit chain either way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from voices import audit
from voices.exceptions import UploadRejected
from voices.models import ConsentRecord, Voice
from voices.prompts import STATEMENT_LANGUAGE
from voices.storage import file_read
from voices.uploads import CheckedAudio

SAME_TAKE_MESSAGE = (
    "This recording is (or contains part of) the consent statement. The consent must be a "
    "separate take: upload other recordings of the speaker as samples."
)


@dataclass(frozen=True)
class ConsentEvidence:
    code_heard: bool
    name_heard: bool
    transcript: str
    recogniser: str
    speaker_match: float

    @property
    def speaker_matches(self) -> bool:
        return self.speaker_match >= settings.VOICES_CONSENT_MATCH_THRESHOLD

    @property
    def passed(self) -> bool:
        return self.code_heard and self.name_heard and self.speaker_matches

    def problems(self) -> list[str]:
        """What failed, in words for the account holder."""
        said = []
        if not self.code_heard:
            said.append("the one-time code")
        if not self.name_heard:
            said.append("the speaker's name")
        problems = [f"the consent recording does not say {' or '.join(said)}"] if said else []
        if not self.speaker_matches:
            problems.append("the voice in the consent recording does not match the samples")
        return problems


def consent_evidence(*, consent: ConsentRecord, samples: list[bytes]) -> ConsentEvidence:
    """Listen to the consent recording (slow: a model run each; call it outside transactions)."""
    from voices.cloning.audio import decode
    from voices.evidence.recognise import transcribe
    from voices.evidence.statement import statement_check

    spoken = decode(file_read(consent.recording_file))
    heard = transcribe(*spoken, language=STATEMENT_LANGUAGE)
    check = statement_check(
        transcript=heard.text, code=consent.spoken_code, speaker_name=consent.speaker_name,
        language=STATEMENT_LANGUAGE,
    )  # fmt: skip
    return ConsentEvidence(
        code_heard=check.code_heard, name_heard=check.name_heard, transcript=heard.text,
        recogniser=heard.recogniser, speaker_match=_speaker_match(spoken=spoken, samples=samples),
    )  # fmt: skip


def _speaker_match(*, spoken: tuple[np.ndarray, int], samples: list[bytes]) -> float:
    """Cosine similarity of the consent recording's speaker and the samples' speaker."""
    from voices.cloning import similarity, speaker_embedding
    from voices.cloning.audio import decode, resample

    decoded = [decode(s) for s in samples[:8]]
    rate = decoded[0][1]
    reference = np.concatenate([resample(a, sr, rate) for a, sr in decoded])
    return float(similarity(speaker_embedding(*spoken), speaker_embedding(reference, rate)))


@transaction.atomic
def consent_verify(*, voice: Voice, evidence: ConsentEvidence) -> ConsentRecord:
    """Record the checks on the consent and in the audit chain; staff approval is kept."""
    consent = ConsentRecord.objects.select_for_update().get(voice=voice)
    V = ConsentRecord.Verification
    if consent.verification != V.APPROVED:
        consent.verification = V.VERIFIED if evidence.passed else V.NEEDS_REVIEW
    consent.speaker_match = round(evidence.speaker_match, 4)
    consent.code_heard, consent.name_heard = evidence.code_heard, evidence.name_heard
    consent.transcript = evidence.transcript[:600]
    consent.transcript_sha256 = hashlib.sha256(evidence.transcript.encode()).hexdigest()
    consent.recogniser = evidence.recogniser[:80]
    consent.verified_at = timezone.now()
    consent.save()
    audit.audit_append(
        event=audit.Event.CONSENT_VERIFIED if evidence.passed else audit.Event.CONSENT_NEEDS_REVIEW,
        consent_public_id=consent.public_id,
        voice_public_id=voice.public_id,
        actor="system:consent-check",
        payload={
            "similarity": consent.speaker_match,
            "threshold": settings.VOICES_CONSENT_MATCH_THRESHOLD,
            "code_heard": evidence.code_heard,
            "name_heard": evidence.name_heard,
            "language": STATEMENT_LANGUAGE,
            "transcript_sha256": consent.transcript_sha256,
            "recogniser": consent.recogniser,
        },
    )
    return consent


def take_separate_check(*, voice: Voice, checked: CheckedAudio) -> None:
    """Refuse a sample that is the consent recording, or shares a stretch of audio with it.

    The consent must be its own take: a statement cut from (or pasted into) the samples proves
    nothing about the speaker agreeing.
    """
    from voices.evidence.fingerprint import fingerprint, overlaps

    consent = take_same_file_check(voice=voice, data=checked.data)
    if consent is None or not consent.recording_file:
        return
    from voices.cloning.errors import CloningError

    try:
        recorded = _consent_fingerprint(consent)
    except CloningError:
        # The consent request checked only the recording's header. One that does not decode
        # shares no stretch with anything; the clone fails on it, saying so.
        return
    if overlaps(recorded, fingerprint(checked.audio, checked.sample_rate)):
        raise UploadRejected(SAME_TAKE_MESSAGE)


def take_same_file_check(*, voice: Voice, data: bytes) -> ConsentRecord | None:
    """The cheap half of take_separate_check, fit for a request: refuse the consent recording's
    own file by its digest. Returns the voice's consent."""
    from voices.storage import sha256_hex

    consent = ConsentRecord.objects.filter(voice=voice).first()
    if consent is not None and sha256_hex(data) == consent.recording_sha256:
        raise UploadRejected(SAME_TAKE_MESSAGE)
    return consent


def _consent_fingerprint(consent: ConsentRecord):
    from voices.cloning.audio import decode
    from voices.evidence.fingerprint import fingerprint

    return fingerprint(*decode(file_read(consent.recording_file)))
