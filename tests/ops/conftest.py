"""Fixtures for the operations tests: funded API customers, the Procfile stack, worker logs."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator

import pytest

from billing.models import Reservation
from billing.selectors import balance_for
from billing.services import credits_adjust
from synthesis.models import Job
from synthesis.relay import get_relay
from tests.conftest import REPO_ROOT, WorkerProcess, subprocess_env, wait_until
from tests.support.stack import Stack

CREDIT = 5_000_000
# ~15 s of speech: a worker is killed after its first bytes, long before the end, and the
# takeover still fits a 2-core CI.
MEDIUM_TEXT = (
    "The lighthouse keeper climbed the stairs every evening at dusk. He wound the clockwork, "
    "polished the great lens, and watched the ships slide past the rocks until it was dark."
)
SHORT_TEXT = "Every accepted job ends exactly once."


@pytest.fixture
def customer(transactional_db, staff):
    from tests.conftest import _make_user

    user = _make_user("ops@example.com", "correct horse battery staple 42")
    credits_adjust(user=user, amount_micros=CREDIT, memo="ops test credit", staff_user=staff)
    return user


@pytest.fixture
def api_key(customer) -> str:
    from speeko_site.api.services import api_key_create

    _, raw = api_key_create(user=customer, name="ops")
    return raw


@pytest.fixture
def stack(transactional_db, tmp_path) -> Iterator[Stack]:
    """Processes of the Procfile, on the test database and the test broker."""
    running = Stack(env=subprocess_env(), log_dir=tmp_path)
    yield running
    running.stop_all()


def refreshed(job: Job) -> Job:
    job.refresh_from_db()
    return job


def holder_of(job: Job, workers: list[WorkerProcess], timeout: float = 60) -> WorkerProcess:
    """The worker whose log says it started this job's current attempt."""
    needle = f"synthesis job {job.public_id}: attempt"

    def find():
        return next((w for w in workers if needle in w.log()), None)

    return wait_until(find, timeout=timeout, message="no worker started the job")


def task_ids(worker: WorkerProcess) -> list[str]:
    return re.findall(r"Task synthesis\.run_job\[([^]]+)\] received", worker.log())


def relay_bytes(job: Job, attempt: int) -> bytes:
    """What the relay carried for one attempt (to compare with the stored file)."""
    return b"".join(get_relay().read(str(job.public_id), attempt, gone=lambda: True, poll=0.2))


def settlements(job: Job) -> int:
    return job.reservation.entries.filter(kind="settlement").count()


def assert_ended_once(job: Job, user) -> None:
    """One terminal state, and money that matches it: charged once, or not at all."""
    job = refreshed(job)
    assert job.is_terminal, job.status
    reservation = Reservation.objects.get(pk=job.reservation_id)
    if job.status == Job.Status.DONE:
        assert reservation.status == Reservation.Status.SETTLED
        assert settlements(job) == 1
        assert job.charged_micros == job.estimated_cost_micros
    else:
        assert reservation.status == Reservation.Status.RELEASED
        assert settlements(job) == 0
        assert job.charged_micros == 0
        assert not job.audio
    charged = sum(j.charged_micros for j in Job.objects.filter(owner=user, status=Job.Status.DONE))
    held = sum(
        r.amount_micros
        for r in Reservation.objects.filter(account__user=user, status=Reservation.Status.HELD)
    )
    assert balance_for(user=user) == CREDIT - charged - held


def wait_for_redis(timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ping = subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"],
            capture_output=True, text=True, timeout=10, cwd=REPO_ROOT,
        )  # fmt: skip
        if ping.stdout.strip() == "PONG":
            return True
        time.sleep(0.2)
    return False
