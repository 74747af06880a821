"""Nothing stays reserved forever: the reconciler's limits, without a worker."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.conf import settings
from django.utils import timezone

from billing.models import Reservation
from billing.selectors import balance_for
from synthesis import maintenance, services
from synthesis.models import Job
from synthesis.tasks import run_job
from tests.ops.conftest import CREDIT, SHORT_TEXT, refreshed


def _queued_job(user) -> Job:
    with mock.patch.object(run_job, "delay_on_commit"):
        return services.job_submit(user=user, text=SHORT_TEXT, voice="af_heart", fmt="wav")


def test_it_requeues_a_queued_job_then_gives_it_up_and_refunds_it(customer):
    job = _queued_job(customer)
    assert balance_for(user=customer) == CREDIT - job.estimated_cost_micros
    later = timezone.now() + timedelta(seconds=settings.SYNTHESIS_REQUEUE_AFTER_SECONDS + 1)
    with mock.patch.object(run_job, "delay") as delay:
        assert maintenance.jobs_reconcile(now=later) == {"failed": 0, "requeued": 1}
    delay.assert_called_once_with(str(job.public_id))
    assert refreshed(job).status == Job.Status.QUEUED

    much_later = timezone.now() + timedelta(seconds=settings.SYNTHESIS_QUEUED_MAX_SECONDS + 1)
    with mock.patch.object(run_job, "delay") as delay:
        assert maintenance.jobs_reconcile(now=much_later) == {"failed": 1, "requeued": 0}
    delay.assert_not_called()
    assert refreshed(job).status == Job.Status.FAILED and job.error_code == "not_started"
    assert job.reservation.status == Reservation.Status.RELEASED
    assert balance_for(user=customer) == CREDIT


def test_it_fails_and_refunds_a_running_job_whose_worker_went_silent(customer):
    job = _queued_job(customer)
    claimed = services._job_claim(public_id=str(job.public_id))
    assert claimed.status == Job.Status.RUNNING
    silent = timezone.now() + timedelta(seconds=settings.SYNTHESIS_STALE_SECONDS + 1)
    assert maintenance.jobs_reconcile(now=silent)["failed"] == 1
    assert refreshed(job).status == Job.Status.FAILED and job.error_code == "worker_lost"
    assert balance_for(user=customer) == CREDIT
    # Running it again changes nothing: each job ends once.
    assert maintenance.jobs_reconcile(now=silent) == {"failed": 0, "requeued": 0}
