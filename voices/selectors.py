"""Reads of the voices app. Anything user-owned is fetched for a user and 404s for everyone else."""

from __future__ import annotations

from datetime import date, timedelta

from django.core import signing
from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from speeko_site.core.dates import day_start
from voices.models import AuditEntry, ConsentRecord, Sample, Voice

VISIBLE = [s for s in Voice.Status.values if s != Voice.Status.DRAFT]
REVOKE_SALT = "voices.consent.revoke"


def voices_for_user(*, user) -> QuerySet[Voice]:
    """The user's cloned voices (usable or not), newest first; drafts are in `drafts_for_user`."""
    return (
        Voice.objects.filter(owner=user, status__in=VISIBLE)
        .select_related("consent")
        .order_by("-created_at", "-id")
    )


def drafts_for_user(*, user) -> QuerySet[Voice]:
    return Voice.objects.filter(owner=user, status=Voice.Status.DRAFT).order_by("-created_at")


def voice_get_for_user(*, user, public_id: str) -> Voice:
    """A voice of `user` (drafts included); 404 for a missing, erased or another user's voice."""
    voice = (
        Voice.objects.filter(owner_id=getattr(user, "pk", None), public_id=public_id)
        .select_related("consent", "owner")
        .first()
    )
    if voice is None:
        raise Http404("No such voice.")
    return voice


def sample_get_for_user(*, user, public_id: str) -> Sample:
    sample = (
        Sample.objects.filter(voice__owner_id=getattr(user, "pk", None), public_id=public_id)
        .select_related("voice")
        .first()
    )
    if sample is None:
        raise Http404("No such sample.")
    return sample


def consent_get_for_user(*, user, public_id: str) -> ConsentRecord:
    """A consent record for its account holder, or for staff; 404 for everyone else."""
    records = ConsentRecord.objects.filter(public_id=public_id)
    if not getattr(user, "is_staff", False):
        records = records.filter(user_id=getattr(user, "pk", None))
    consent = records.select_related("voice", "user").first()
    if consent is None:
        raise Http404("No such consent record.")
    return consent


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


def voice_speech_seconds(*, voice: Voice) -> float:
    return float(voice.samples.aggregate(total=Sum("speech_seconds"))["total"] or 0.0)


def sample_verdicts(*, samples: list[Sample], speech_seconds: float) -> list[tuple]:
    """(sample, verdict, advice) for each sample, judged as part of its set.

    Length is a property of the set (three 9 s clips make 27 s, enough for an instant voice), so
    every sample is judged with the set's total speech, and the length advice, the same for all,
    is left to the set's summary. Noise, clipping, loudness and one-speaker stay per sample.
    """
    from voices.cloning.analysis import _judge

    _, length_advice = _judge(speech_seconds, 99.0, 0.0, 0.0, None)
    judged = []
    for sample in samples:
        a = sample.analysis or {}
        if sample.status == Sample.Status.ANALYSING:
            judged.append((sample, "analysing", []))
            continue
        if sample.status == Sample.Status.REJECTED:
            judged.append((sample, "reject", [sample.error]))
            continue
        if "snr_db" not in a:
            judged.append((sample, a.get("verdict", "ok"), a.get("advice", [])))
            continue
        verdict, advice = _judge(speech_seconds, a["snr_db"], a["clipping_percent"] / 100,
                                 a["loudness_lufs"], a.get("consistency"))  # fmt: skip
        advice = [line for line in advice if line not in length_advice] or ["Clean recording."]
        judged.append((sample, verdict, advice))
    return judged


def user_storage_bytes(*, user) -> int:
    """Bytes of recordings and evidence an account holds, for the storage quota."""
    # A rejected sample's file is deleted at once; its row stays to say why, and costs nothing.
    kept = Sample.objects.filter(voice__owner=user).exclude(status=Sample.Status.REJECTED)
    samples = kept.aggregate(n=Sum("size_bytes"))["n"] or 0
    evidence = ConsentRecord.objects.filter(user=user, erased_at__isnull=True).aggregate(
        n=Sum("recording_bytes") + Sum("document_bytes")
    )["n"]
    return int(samples) + int(evidence or 0)


# --- stock voices -------------------------------------------------------------------------------


def stock_voices(*, lang: str | None = None, gender: str | None = None, q: str | None = None):
    """Stock voices from the engine catalogue, filtered by language code, gender and a search."""
    from synthesis.engine import get_engine

    items = list(get_engine().voice_catalogue())
    needle = (q or "").strip().lower()
    return [
        v
        for v in items
        if (not lang or v.lang == lang)
        and (not gender or v.gender == gender)
        and (
            not needle
            or needle in v.id.lower()
            or needle in v.display_name.lower()
            or needle in v.language.lower()
        )
    ]


def stock_voice_get(*, voice_id: str):
    for voice in stock_voices():
        if voice.id == voice_id:
            return voice
    raise Http404("No such stock voice.")


def stock_languages() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for v in stock_voices():
        seen.setdefault(v.lang, v.language)
    return sorted(seen.items(), key=lambda item: item[1])


# --- staff --------------------------------------------------------------------------------------

STAFF_STATES = ["verified", "needs_review", "approved", "pending", "revoked", "expired"]


def consents_for_staff(
    *,
    state: str = "",
    relation: str = "",
    since: date | None = None,
    until: date | None = None,
    q: str = "",
) -> QuerySet[ConsentRecord]:
    records = ConsentRecord.objects.select_related("voice", "user").order_by("-created_at", "-id")
    today = timezone.localdate()
    live = Q(revoked_at__isnull=True, erased_at__isnull=True)
    not_expired = Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    if state == "revoked":
        records = records.exclude(live)
    elif state == "expired":
        records = records.filter(live, expires_on__lt=today)
    elif state == "needs_review":
        # A consent for someone else waits for staff even once its checks have passed.
        waiting = Q(verification=state) | Q(
            verification=ConsentRecord.Verification.VERIFIED,
            relation=ConsentRecord.Relation.OTHER,
        )
        records = records.filter(live & not_expired & waiting)
    elif state == "verified":
        records = records.filter(live & not_expired, verification=state).exclude(
            relation=ConsentRecord.Relation.OTHER
        )
    elif state in STAFF_STATES:
        records = records.filter(live & not_expired, verification=state)
    if relation:
        records = records.filter(relation=relation)
    if since:
        records = records.filter(created_at__gte=day_start(since))
    if until:
        records = records.filter(created_at__lt=day_start(until + timedelta(days=1)))
    if q.strip():
        term = q.strip()
        records = records.filter(
            Q(voice_public_id__icontains=term)
            | Q(public_id__icontains=term)
            | Q(speaker_name__icontains=term)
            | Q(user__email__icontains=term)
        )
    return records


def audit_entries_for_consent(*, consent: ConsentRecord) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        Q(consent_public_id=consent.public_id) | Q(voice_public_id=consent.voice_public_id)
    ).order_by("index")
