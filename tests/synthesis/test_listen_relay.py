"""The player's PCM stream: a listener may connect while the job is still queued and gets the
first attempt's samples from the relay, and a job that never runs ends the stream."""

import pytest

from synthesis import selectors, services
from synthesis.models import Job
from synthesis.relay import get_relay, listen_stream_id
from tests.synthesis.conftest import SHORT_TEXT

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queued_job(funded_alice, monkeypatch):
    from synthesis.tasks import run_job

    monkeypatch.setattr(run_job, "delay_on_commit", lambda *a: None)
    fields = {
        "voice": "af_heart", "voice_kind": Job.VoiceKind.STOCK, "text": SHORT_TEXT,
        "format": "mp3", "billable_characters": 42, "estimated_cost_micros": 1260,
    }  # fmt: skip
    return services._job_create(user=funded_alice, fields=fields)


def _claim(job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, attempt=1)


def test_a_listener_of_a_queued_job_gets_the_first_attempts_samples(queued_job):
    # Connected while the job waits for a worker: the row it holds says queued, attempt 0.
    chunks = selectors.job_listen_chunks(job=queued_job)
    _claim(queued_job)
    writer = get_relay().writer(listen_stream_id(str(queued_job.public_id)), 1)
    writer.write(b"\x01\x00" * 100)
    writer.write(b"\x02\x00" * 50)
    writer.close()
    assert b"".join(chunks) == b"\x01\x00" * 100 + b"\x02\x00" * 50


def test_a_listener_of_a_job_cancelled_in_the_queue_is_let_go(queued_job):
    chunks = selectors.job_listen_chunks(job=queued_job)
    services.job_cancel(job=queued_job)
    assert b"".join(chunks) == b""


def test_a_listener_waits_only_as_long_as_a_job_may_stay_queued(queued_job):
    assert b"".join(selectors.job_listen_chunks(job=queued_job, queue_timeout=0)) == b""
    assert Job.objects.get(pk=queued_job.pk).status == Job.Status.QUEUED


def test_a_job_that_never_started_has_nothing_to_listen_to(queued_job):
    services.job_fail(job=queued_job, code="not_queued", message="The job could not be queued.")
    queued_job.refresh_from_db()
    assert list(selectors.job_listen_chunks(job=queued_job)) == []


def test_a_late_listener_of_a_running_job_reads_the_current_attempt(queued_job):
    Job.objects.filter(pk=queued_job.pk).update(status=Job.Status.RUNNING, attempt=2)
    queued_job.refresh_from_db()
    stale = get_relay().writer(listen_stream_id(str(queued_job.public_id)), 1)
    stale.write(b"\x09\x00" * 10)
    stale.close()
    current = get_relay().writer(listen_stream_id(str(queued_job.public_id)), 2)
    current.write(b"\x03\x00" * 10)
    current.close()
    assert b"".join(selectors.job_listen_chunks(job=queued_job)) == b"\x03\x00" * 10
