"""Decoding and analysing a stored sample on a worker, and ending analyses whose worker was lost.

The request only checked what a header tells (voices.uploads.audio_probe); here the file is
decoded, measured and checked against the consent recording. A sample that fails is marked
rejected with the message the person would have had at upload, and its file is deleted at once,
so it holds no storage quota.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from voices.exceptions import UploadRejected
from voices.models import Sample
from voices.services.verification import take_separate_check
from voices.storage import file_read, files_delete
from voices.uploads import CheckedAudio, ProbedAudio

logger = logging.getLogger(__name__)

LOST_MESSAGE = "The analysis of this recording did not finish. Remove it and upload it again."


def sample_analyse(*, sample_id: int) -> Sample | None:
    """Decode and analyse one sample still "analysing"; any other state is left alone, so a
    redelivered task, or the clone task and the analysis task both reaching it, does no harm."""
    sample = Sample.objects.filter(pk=sample_id, status=Sample.Status.ANALYSING).first()
    if sample is None:
        return Sample.objects.filter(pk=sample_id).first()
    try:
        data = file_read(sample.file)
    except (FileNotFoundError, OSError):
        return sample_reject(sample_id=sample_id, message=LOST_MESSAGE)
    probed = ProbedAudio(data, sample.content_type, sample.file.rsplit(".", 1)[-1], None)
    try:
        checked = probed.decoded(what="recording")
        take_separate_check(voice=sample.voice, checked=checked)
        analysis = _analyse(checked)  # slow: outside any transaction
    except UploadRejected as e:
        return sample_reject(sample_id=sample_id, message=e.message)
    return _sample_fill(sample_id=sample_id, checked=checked, analysis=analysis)


def _analyse(checked: CheckedAudio) -> dict:
    from voices.cloning import analyse
    from voices.cloning.errors import CloningError, NotEnoughSpeech

    try:
        result = analyse([(checked.audio, checked.sample_rate)])
    except NotEnoughSpeech as e:
        raise UploadRejected(
            f"Not enough speech in this recording ({e}). Each file needs at least 3 seconds of "
            "clear speech."
        ) from e
    except CloningError as e:
        raise UploadRejected(f"This recording cannot be used: {e}.") from e
    return {
        "speech_seconds": float(result.speech_seconds),
        "total_seconds": float(result.total_seconds),
        "snr_db": float(result.snr_db),
        "clipping_percent": round(100 * float(result.clipping_ratio), 2),
        "loudness_lufs": float(result.loudness_lufs),
        "consistency": result.consistency,
        "verdict": result.verdict,
        "advice": list(result.advice),
    }


@transaction.atomic
def _sample_fill(*, sample_id: int, checked: CheckedAudio, analysis: dict) -> Sample | None:
    sample = Sample.objects.select_for_update().filter(pk=sample_id).first()
    if sample is None or sample.status != Sample.Status.ANALYSING:
        return sample
    sample.status = Sample.Status.ANALYSED
    sample.seconds = round(checked.seconds, 2)
    sample.speech_seconds = analysis["speech_seconds"]
    sample.analysis = analysis
    sample.save(update_fields=["status", "seconds", "speech_seconds", "analysis"])
    return sample


@transaction.atomic
def sample_reject(*, sample_id: int, message: str) -> Sample | None:
    sample = Sample.objects.select_for_update().filter(pk=sample_id).first()
    if sample is None or sample.status != Sample.Status.ANALYSING:
        return sample
    name = sample.file
    sample.status, sample.error = Sample.Status.REJECTED, message[:400]
    sample.file, sample.speech_seconds, sample.analysis = "", 0.0, {"verdict": "reject"}
    sample.save(update_fields=["status", "error", "file", "speech_seconds", "analysis"])
    transaction.on_commit(lambda: files_delete([name]))
    return sample


def samples_reconcile(*, now=None) -> dict[str, int]:
    """Queue again the analysis of samples "analysing" for a while (its message may be lost);
    reject the ones analysing for too long (their worker keeps dying). A sample of a voice being
    cloned is left to the clone task, which analyses it first, and to clones_reconcile."""
    from voices.models import Voice
    from voices.tasks import sample_analyse_task

    now = now or timezone.now()
    waiting = Sample.objects.filter(status=Sample.Status.ANALYSING).exclude(
        voice__status=Voice.Status.PROCESSING
    )
    give_up_before = now - timedelta(seconds=settings.VOICES_ANALYSIS_MAX_SECONDS)
    rejected = 0
    for sample_id in waiting.filter(created_at__lt=give_up_before).values_list("pk", flat=True):
        sample = sample_reject(sample_id=sample_id, message=LOST_MESSAGE)
        rejected += int(sample is not None and sample.status == Sample.Status.REJECTED)
    requeue_before = now - timedelta(seconds=settings.VOICES_ANALYSIS_REQUEUE_SECONDS)
    requeued = 0
    for sample_id in waiting.filter(created_at__lt=requeue_before).values_list("pk", flat=True):
        sample_analyse_task.apply_async((sample_id,), queue=settings.VOICES_ANALYSIS_QUEUE)
        requeued += 1
    if rejected or requeued:
        logger.warning("sample analyses: %d requeued, %d given up", requeued, rejected)
    return {"requeued": requeued, "rejected": rejected}
