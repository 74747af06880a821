"""Synthesis upkeep: fail and refund jobs whose worker went silent, requeue lost messages,
expire stored audio, and tell billing's reconciler which reservations still belong to a live job.
Run by Celery beat on the maintenance queue (see `synthesis.tasks`)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from synthesis.models import Job
from synthesis.services import job_fail


def jobs_reconcile(*, now: Any = None) -> dict[str, int]:
    """Fail (and refund) running jobs whose worker went silent; requeue queued jobs whose
    message may have been lost. Safe to run any number of times, from any process."""
    from synthesis.tasks import run_job

    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.SYNTHESIS_STALE_SECONDS)
    failed = _jobs_fail(
        Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=stale),
        code="worker_lost",
        message="The worker running this job stopped; your credits were refunded.",
    )
    # A job no worker has started for this long (no worker on its queue, messages lost again
    # and again) is given up and refunded, so its credit is never held forever.
    abandoned_before = now - timedelta(seconds=settings.SYNTHESIS_QUEUED_MAX_SECONDS)
    failed += _jobs_fail(
        Job.objects.filter(status=Job.Status.QUEUED, created_at__lt=abandoned_before),
        code="not_started",
        message="No worker started this job in time; your credits were refunded.",
    )
    requeue_before = now - timedelta(seconds=settings.SYNTHESIS_REQUEUE_AFTER_SECONDS)
    queued = Job.objects.filter(status=Job.Status.QUEUED, created_at__lt=requeue_before)
    requeued = 0
    for public_id in queued.values_list("public_id", flat=True):
        run_job.delay(str(public_id))
        requeued += 1
    return {"failed": failed, "requeued": requeued}


def _jobs_fail(jobs: Any, *, code: str, message: str) -> int:
    """Fail and refund each job, unless it moved on (finished, or a new attempt) meanwhile."""
    return sum(job_fail(job=job, code=code, message=message, attempt=job.attempt) for job in jobs)


def audio_expire(*, now: Any = None) -> int:
    """Delete stored audio older than the retention period; the job row stays as history."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SYNTHESIS_RETENTION_DAYS)
    expired = Job.objects.filter(finished_at__lt=cutoff, audio_deleted_at__isnull=True).exclude(
        audio=""
    )
    count = 0
    for job in expired:
        job.audio.delete(save=False)
        Job.objects.filter(pk=job.pk).update(audio="", audio_deleted_at=now)
        count += 1
    _spool_sweep(older_than=now - timedelta(hours=6))
    return count


def _spool_sweep(*, older_than: Any) -> None:
    folder: Path = settings.SYNTHESIS_SPOOL_DIR
    if not folder.exists():
        return
    limit = older_than.timestamp()
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def reservation_is_active(reference: str) -> bool | None:
    """Billing's reconciler asks whether a reservation still belongs to a live job."""
    if not reference.startswith("synthesis:"):
        return None
    try:
        public_id = uuid.UUID(reference.split(":", 1)[1])
    except ValueError:
        return None
    return Job.objects.filter(
        public_id=public_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
    ).exists()
