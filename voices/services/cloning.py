"""Cloning a consented draft voice: the fee, the queue, the worker's run, failure and refund."""

from __future__ import annotations

import dataclasses
import io
import logging
import secrets
import time
from collections.abc import Callable
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from voices.exceptions import CloneRefused, VoicePolicyError
from voices.models import ConsentRecord, Sample, Voice
from voices.selectors import voice_speech_seconds
from voices.services.consent import CLONE, consent_check
from voices.services.samples import draft_check
from voices.services.verification import consent_evidence, consent_verify
from voices.storage import file_read, file_save, files_delete

logger = logging.getLogger(__name__)

TIER_LIMITS = {
    # tier: (minimum, maximum) seconds of speech the cloning library accepts
    Voice.Tier.INSTANT: (10.0, 300.0),
    Voice.Tier.PROFESSIONAL: (60.0, 600.0),
}
PROFESSIONAL_RECOMMENDED_SECONDS = 120.0
PREVIEW_TEXT = "Hello! This is my Speeko voice. I can read anything you type, in any language."


def voice_clone_start(*, voice: Voice, tier: str, analyse_first: bool = False) -> Voice:
    """Charge the fee and queue the clone for a worker; returns the voice, now "processing".

    Both tiers run in the background (an instant clone takes 20 to 150 s of CPU, too long for a
    web request); the worker reports progress on the voice and leaves it ready or failed.
    Raises CloneRefused (not enough speech, not enough credit, wrong state, samples rejected or
    still being analysed). With `analyse_first` (the API, which answers before any decoding),
    samples still "analysing" are allowed: the worker analyses them, then checks the speech and
    fails (and refunds) the clone with the message this check would have given.
    """
    if tier not in TIER_LIMITS:
        raise CloneRefused("Choose the instant or the professional tier.")
    pending = _samples_check(voice=voice, analyse_first=analyse_first)
    if not pending:
        _speech_check(voice=voice, tier=tier)
    _clone_begin(voice=voice, tier=tier)
    from voices.tasks import voice_clone_task

    # One queue per tier, each with its own worker: an instant clone never waits behind a
    # professional one, and neither holds up speech.
    queue = settings.VOICES_CLONE_QUEUES[tier]
    voice_clone_task.apply_async_on_commit((voice.pk,), queue=queue)
    voice.refresh_from_db()
    return voice


def _samples_check(*, voice: Voice, analyse_first: bool) -> bool:
    """Refuse a clone while samples are rejected (or, unless `analyse_first`, still analysing);
    returns whether some are still analysing."""
    rejected = voice.samples.filter(status=Sample.Status.REJECTED)
    if rejected.exists():
        raise CloneRefused(_rejected_message(rejected))
    pending = voice.samples.filter(status=Sample.Status.ANALYSING).exists()
    if pending and not analyse_first:
        raise CloneRefused(
            "Some recordings are still being analysed. Wait until each shows its verdict, then "
            "choose a tier."
        )
    return pending


def _rejected_message(rejected) -> str:
    reasons = " ".join(f"{s.original_name or s.public_id}: {s.error}" for s in rejected)
    return f"Remove the recordings that can't be used, or replace them. {reasons}"


def _speech_check(*, voice: Voice, tier: str) -> None:
    low, high = TIER_LIMITS[tier]
    seconds = voice_speech_seconds(voice=voice)
    label = Voice.Tier(tier).label.lower()
    if seconds < low:
        raise CloneRefused(
            f"The {label} tier needs at least {low:.0f} s of speech; your samples hold "
            f"{seconds:.0f} s. Add more recordings."
        )
    if seconds > high:
        raise CloneRefused(
            f"The {label} tier takes at most {high / 60:.0f} minutes of speech; your samples "
            f"hold {seconds / 60:.1f}. Remove some, or choose the professional tier."
        )


@transaction.atomic
def _clone_begin(*, voice: Voice, tier: str) -> None:
    from billing.exceptions import InsufficientCredits
    from billing.pricing import cloning_fee_micros
    from billing.services import fee_charge

    # Lock the voice so a double-submitted form can't start (and charge) two clones.
    locked = Voice.objects.select_for_update().get(pk=voice.pk)
    draft_check(locked)
    try:
        consent_check(consent=ConsentRecord.objects.filter(voice=locked).first(), purpose=CLONE)
    except VoicePolicyError as e:
        raise CloneRefused(
            f"{e.message} Record the speaker's consent again to make a voice."
        ) from e
    fee_key = f"voice-clone:{locked.public_id}:{secrets.token_hex(4)}"
    try:
        fee_charge(
            user=locked.owner, amount_micros=cloning_fee_micros(tier), reference=locked.public_id,
            idempotency_key=fee_key, memo=f"{Voice.Tier(tier).label} voice clone",
        )  # fmt: skip
    except InsufficientCredits as e:
        raise CloneRefused(str(e)) from e
    # updated_at is when the clone started: progress updates leave it alone, and
    # clones_reconcile reads it.
    Voice.objects.filter(pk=locked.pk).update(
        status=Voice.Status.PROCESSING, tier=tier, fee_key=fee_key, progress=0,
        progress_score=None, cancel_requested=False, error="", updated_at=timezone.now(),
    )  # fmt: skip


def voice_clone_run(*, voice_id: int) -> Voice | None:
    """Run the clone of a voice in "processing" state and finish it (ready or failed).

    Idempotent: a voice in any other state is left alone, so a redelivered task does nothing.
    """
    voice = Voice.objects.filter(pk=voice_id, status=Voice.Status.PROCESSING).first()
    if voice is None:
        return Voice.objects.filter(pk=voice_id).first()
    if voice.cancel_requested:
        # Stopped while it waited in the queue: don't spend a model load finding out.
        return voice_clone_fail(voice_id=voice_id, message="Stopped before it finished.")
    from voices.cloning.errors import CloningCancelled, CloningError

    problem = _samples_problem(voice=voice)
    if problem:
        return voice_clone_fail(voice_id=voice_id, message=problem)
    samples = [file_read(s.file) for s in voice.samples.all()]
    problem = _consent_problem(voice=voice, samples=samples)
    if problem:
        return voice_clone_fail(voice_id=voice_id, message=problem)
    try:
        result = clone_samples(
            samples=samples, tier=voice.tier, progress=_progress_writer(voice_id),
            should_cancel=_cancel_reader(voice_id),
        )  # fmt: skip
    except CloningCancelled:
        return voice_clone_fail(voice_id=voice_id, message="Stopped before it finished.")
    except CloningError as e:
        return voice_clone_fail(voice_id=voice_id, message=f"Cloning failed: {e}.")
    return _clone_finish(voice_id=voice_id, result=result)


def _samples_problem(*, voice: Voice) -> str:
    """Analyse the samples still waiting (the API queues the clone before any decoding), then
    say why they can't be cloned from ("" when they can), in the words of the upload checks."""
    from voices.services.analysis import sample_analyse

    for sample_id in voice.samples.filter(status=Sample.Status.ANALYSING).values_list(
        "pk", flat=True
    ):
        sample_analyse(sample_id=sample_id)
    try:
        _samples_check(voice=voice, analyse_first=False)
        _speech_check(voice=voice, tier=voice.tier)
    except CloneRefused as e:
        return f"{e.message} Nothing was cloned; the fee was refunded."
    return ""


def _consent_problem(*, voice: Voice, samples: list[bytes]) -> str:
    """Why the consent does not let this clone go ahead ("" when it does); checks are recorded."""
    from voices.cloning.errors import CloningError

    consent = ConsentRecord.objects.get(voice=voice)
    try:
        evidence = consent_evidence(consent=consent, samples=samples)
    except CloningError as e:
        # The request checked only the recording's header; this is the first full decode.
        return (
            f"The consent recording could not be decoded ({e}). Nothing was cloned. Record the "
            "consent again."
        )
    consent_verify(voice=voice, evidence=evidence)
    # Staff who listened and approved have the last word; the checks are still recorded.
    if evidence.passed or consent.verification == ConsentRecord.Verification.APPROVED:
        return ""
    problems = "; ".join(evidence.problems())
    return (
        f"The consent could not be verified: {problems}. Nothing was cloned. Record the consent "
        "again, or ask staff to review it."
    )


def clone_samples(
    *,
    samples: list[bytes],
    tier: str,
    progress: Callable[[float, float | None], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
):
    """The one place the product calls the cloning library (voices.cloning.clone)."""
    from voices.cloning import clone

    budget = settings.VOICES_PROFESSIONAL_BUDGET_SECONDS
    extra = {"budget_seconds": budget} if budget and tier == Voice.Tier.PROFESSIONAL else {}
    return clone(samples, tier, progress=progress, seed=0, should_cancel=should_cancel, **extra)


def _progress_writer(voice_id: int) -> Callable[[float, float | None], None]:
    last = [0.0]

    def write(percent: float, score: float | None = None) -> None:
        # At most twice a second: the page polls once a second, the database needn't hear more.
        if time.monotonic() - last[0] < 0.5 and percent < 100:
            return
        last[0] = time.monotonic()
        Voice.objects.filter(pk=voice_id, status=Voice.Status.PROCESSING).update(
            progress=max(0, min(99, int(percent))), progress_score=score
        )

    return write


def _cancel_reader(voice_id: int) -> Callable[[], bool]:
    def should_cancel() -> bool:
        return not Voice.objects.filter(
            pk=voice_id, status=Voice.Status.PROCESSING, cancel_requested=False
        ).exists()

    return should_cancel


def _clone_finish(*, voice_id: int, result) -> Voice | None:
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(result.style, dtype=np.float32), allow_pickle=False)
    style_name = file_save(data=buffer.getvalue(), folder="styles", ext="npy")
    preview_name = _preview_render(style=result.style, tone=result.tone)
    with transaction.atomic():
        voice = Voice.objects.select_for_update().filter(pk=voice_id).first()
        if voice is None or voice.status != Voice.Status.PROCESSING:
            # Erased or stopped while cloning: keep nothing.
            transaction.on_commit(lambda: files_delete([style_name, preview_name]))
            return voice
        voice.status = Voice.Status.READY
        voice.style_file, voice.preview_file = style_name, preview_name
        voice.identity_score = float(result.identity_score)
        voice.progress, voice.progress_score = 100, float(result.identity_score)
        voice.stats = _clone_stats(result)
        voice.save()
    return voice


def _clone_stats(result) -> dict:
    """Everything the library reports about a clone except the style array, as JSON."""
    if dataclasses.is_dataclass(result):
        fields = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
    else:
        fields = dict(vars(result))
    fields.pop("style", None)
    return _jsonable(fields)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist() if value.size <= 64 else f"array{list(value.shape)}"
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def voice_clone_fail(*, voice_id: int, message: str) -> Voice | None:
    """Leave a processing voice failed (samples kept, so it can be retried) and refund its fee."""
    from billing.services import fee_refund

    with transaction.atomic():
        voice = Voice.objects.select_for_update().filter(pk=voice_id).first()
        if voice is None or voice.status != Voice.Status.PROCESSING:
            return voice
        voice.status, voice.error = Voice.Status.FAILED, message[:300]
        voice.save(update_fields=["status", "error", "updated_at"])
        if voice.fee_key:
            fee_refund(idempotency_key=voice.fee_key, reason=f"Clone of {voice.public_id} failed")
    return voice


def clones_reconcile() -> int:
    """Fail and refund every clone still processing VOICES_CLONE_MAX_SECONDS after it started.

    Its message was lost (the broker was down when it was sent, or a worker was killed hard on the
    file broker) or its worker kept dying: nothing else would ever end it. Returns how many.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.VOICES_CLONE_MAX_SECONDS)
    stuck = list(
        Voice.objects.filter(status=Voice.Status.PROCESSING, updated_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    for voice_id in stuck:
        voice_clone_fail(voice_id=voice_id, message="The cloning job was lost; try again.")
    return len(stuck)


def voice_clone_cancel(*, voice: Voice) -> bool:
    """Ask the worker to stop this clone; False when there is no clone in progress to stop.

    The worker polls the flag between steps (and before it starts a queued clone), then fails
    the voice and refunds the fee.
    """
    stopping = Voice.objects.filter(pk=voice.pk, status=Voice.Status.PROCESSING).update(
        cancel_requested=True
    )
    return stopping > 0


def _preview_render(*, style: np.ndarray, tone: list) -> str:
    """A short preview of a cloned voice, through its recording's tone as every job speaks it;
    a failing engine costs the preview, not the voice."""
    try:
        from synthesis.engine import StylePerLanguage
        from voices.cloning.languages import localise

        voice = StylePerLanguage(np.asarray(style, dtype=np.float32), localise, tone=tone)
        data, ext = audio_render(text=PREVIEW_TEXT, voice=voice)
    except Exception:
        logger.exception("could not render a voice preview")
        return ""
    return file_save(data=data, folder="previews", ext=ext)


def audio_render(*, text: str, voice, lang: str | None = None) -> tuple[bytes, str]:
    """Speak `text` with the engine and encode it as MP3 (WAV if no MP3 encoder is installed)."""
    from synthesis.engine import SAMPLE_RATE, get_engine

    audio = get_engine().synthesize(text, voice=voice, speed=1.0, lang=lang)
    try:
        from synthesis.engine.formats import encode_stream
    except ImportError:
        import soundfile

        buffer = io.BytesIO()
        soundfile.write(buffer, audio, SAMPLE_RATE, format="WAV", subtype="PCM_16")
        return buffer.getvalue(), "wav"
    return b"".join(encode_stream(iter([audio]), "mp3")), "mp3"


def voice_rename(*, voice: Voice, name: str) -> Voice:
    voice.name = name.strip()[:80] or voice.name
    voice.save(update_fields=["name", "updated_at"])
    return voice
