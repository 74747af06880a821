"""A worker killed mid-job, and the broker delivering one task twice: real worker processes.

Runs on whatever the suite runs on (SQLite + file broker, or PostgreSQL + Redis). Redelivery is
simulated by publishing the same task id again, which is what Redis does once the visibility
timeout of an unacknowledged message expires (and what a requeue after a lost ack looks like).
"""

from __future__ import annotations

import io
from unittest import mock

import pytest
import soundfile as sf
from django.test import override_settings
from django.utils import timezone

from billing.selectors import balance_for
from synthesis import maintenance, services
from synthesis.models import Job
from synthesis.tasks import run_job
from tests.conftest import start_worker, wait_until
from tests.ops.conftest import (
    CREDIT,
    MEDIUM_TEXT,
    SHORT_TEXT,
    assert_ended_once,
    holder_of,
    refreshed,
    relay_bytes,
    settlements,
    task_ids,
)

pytestmark = [pytest.mark.worker, pytest.mark.model]
STALE = "3"  # seconds of silence after which a worker's job may be taken over


def _submit(user, text: str) -> Job:
    return services.job_submit(user=user, text=text, voice="af_heart", fmt="wav")


def _seconds_since_beat(job: Job) -> float:
    return (timezone.now() - refreshed(job).heartbeat_at).total_seconds()


def _duration(data: bytes) -> float:
    audio, rate = sf.read(io.BytesIO(data))
    return len(audio) / rate


def test_it_completes_a_killed_workers_job_once_on_redelivery(customer, tmp_path):
    workers = [
        start_worker(tmp_path, name=name, extra_env={"SYNTHESIS_STALE_SECONDS": STALE})
        for name in ("w1", "w2")
    ]
    try:
        job = _submit(customer, MEDIUM_TEXT)
        wait_until(lambda: refreshed(job).first_audio_at is not None, timeout=120)
        holder = holder_of(job, workers)
        (survivor,) = [w for w in workers if w is not holder]
        (task_id,) = task_ids(holder)
        holder.kill()
        assert refreshed(job).status == Job.Status.RUNNING and job.attempt == 1

        # The broker hands the unacknowledged message to the survivor once the dead worker's
        # heartbeat is stale; the survivor takes the job over from the start.
        wait_until(lambda: _seconds_since_beat(job) > float(STALE), timeout=30)
        run_job.apply_async((str(job.public_id),), task_id=task_id)
        wait_until(lambda: refreshed(job).is_terminal, timeout=180, message=survivor.log())

        assert job.status == Job.Status.DONE and job.attempt == 2
        stored = job.audio.open("rb").read()
        # The stored file is the second attempt alone, not the first one's audio plus it.
        assert stored == relay_bytes(job, 2)
        assert len(relay_bytes(job, 1)) < len(stored)
        assert _duration(stored) == pytest.approx(job.duration_seconds, abs=0.05)
        assert_ended_once(job, customer)
        assert balance_for(user=customer) == CREDIT - job.estimated_cost_micros

        # A late duplicate of the same delivery finds the job finished and changes nothing.
        run_job.apply_async((str(job.public_id),), task_id=task_id)
        wait_until(lambda: "nothing to do" in survivor.log(), timeout=60, message=survivor.log())
        assert refreshed(job).attempt == 2 and settlements(job) == 1
        assert job.audio.open("rb").read() == stored
    finally:
        for worker in workers:
            worker.stop()


def test_it_fails_and_refunds_a_killed_workers_job_when_no_retry_comes(customer, tmp_path):
    first = start_worker(tmp_path, name="w1")
    second = None
    try:
        job = _submit(customer, MEDIUM_TEXT)
        wait_until(lambda: refreshed(job).first_audio_at is not None, timeout=120)
        (task_id,) = task_ids(first)
        first.kill()

        # The periodic reconciler notices the silent job and refunds it.
        wait_until(lambda: _seconds_since_beat(job) > float(STALE), timeout=30)
        with override_settings(SYNTHESIS_STALE_SECONDS=int(STALE)):
            assert maintenance.jobs_reconcile() == {"failed": 1, "requeued": 0}
        assert refreshed(job).status == Job.Status.FAILED
        assert job.error_code == "worker_lost"
        assert balance_for(user=customer) == CREDIT
        assert_ended_once(job, customer)

        # The broker's redelivery comes later, to a new worker: the job stays failed, unpaid.
        second = start_worker(tmp_path, name="w2")
        run_job.apply_async((str(job.public_id),), task_id=task_id)
        wait_until(lambda: "nothing to do" in second.log(), timeout=60, message=second.log())
        assert refreshed(job).status == Job.Status.FAILED and job.attempt == 1
        assert balance_for(user=customer) == CREDIT
    finally:
        first.stop()
        if second:
            second.stop()


def test_it_runs_a_task_delivered_twice_at_once_only_once(customer, tmp_path):
    workers = [start_worker(tmp_path, name=name) for name in ("w1", "w2")]
    try:
        # Queue the job ourselves so both copies of the message carry the same task id.
        with mock.patch.object(run_job, "delay_on_commit"):
            job = _submit(customer, SHORT_TEXT)
        for _ in range(2):
            run_job.apply_async((str(job.public_id),), task_id=f"dup-{job.public_id}")
        wait_until(lambda: refreshed(job).is_terminal, timeout=180)
        wait_until(
            lambda: sum(len(task_ids(w)) for w in workers) == 2,
            timeout=60,
            message="\n".join(w.log() for w in workers),
        )
        # Give a slow second copy the time to do something wrong, then check it did not.
        wait_until(lambda: any("nothing to do" in w.log() for w in workers), timeout=60)

        assert job.status == Job.Status.DONE and job.attempt == 1
        stored = job.audio.open("rb").read()
        assert stored == relay_bytes(job, 1)
        assert_ended_once(job, customer)
        assert balance_for(user=customer) == CREDIT - job.estimated_cost_micros
    finally:
        for worker in workers:
            worker.stop()
