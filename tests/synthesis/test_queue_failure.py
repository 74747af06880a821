"""A job the broker would not take: the client hears so at once, and nothing is charged."""

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError

from billing.models import Reservation
from billing.selectors import balance_for
from speeko_site.api.services import api_key_create
from synthesis.models import Job
from synthesis.tasks import run_job
from tests.api.conftest import KeyClient
from tests.conftest import REPO_ROOT, subprocess_env
from tests.synthesis.conftest import FIVE_DOLLARS, fund


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(run_job, "delay", refuse)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/v1/tts", "/v1/tts?async=true"])
def test_a_job_that_cannot_be_queued_gets_a_prompt_503_and_is_refunded(
    client, alice, staff, broker_down, path
):
    fund(alice, staff)
    api = KeyClient(client, api_key_create(user=alice, name="app")[1])
    started = time.monotonic()
    response = api.post(path, {"text": "Hello there."})
    assert time.monotonic() - started < 10
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response.json()["error"]["code"] == "queue_unavailable"
    assert "nothing was charged" in response.json()["error"]["message"]
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and job.error_code == "not_queued"
    assert job.reservation.status == Reservation.Status.RELEASED
    assert balance_for(user=alice) == FIVE_DOLLARS


@pytest.mark.django_db(transaction=True)
def test_the_playground_says_so_too(client, alice, staff, broker_down):
    fund(alice, staff)
    client.force_login(alice)
    response = client.post(
        reverse("synthesis:playground"),
        {"text": "Hello there.", "voice": "af_heart", "speed": "1.0", "format": "mp3"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 503
    assert "Try again shortly" in response.content.decode()
    assert balance_for(user=alice) == FIVE_DOLLARS


@pytest.mark.worker
def test_a_worker_started_on_its_own_creates_the_embedded_broker_folders(tmp_path):
    run_dir = tmp_path / "fresh-run"
    env = subprocess_env(SPEEKO_TEST_RUN_DIR=str(run_dir), REDIS_URL="")
    celery = str(Path(sys.executable).with_name("celery"))
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        proc = subprocess.Popen(  # noqa: S603 - our own celery, fixed arguments
            [celery, "-A", "speeko_site", "worker", "--loglevel", "INFO", "--pool", "solo",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--queues", "default"],
            cwd=REPO_ROOT, env=env, stdout=out, stderr=out,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while "ready." not in log.read_text() and proc.poll() is None:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            assert proc.poll() is None, log.read_text()
            assert (run_dir / "broker" / "queue").is_dir()
            assert (run_dir / "broker" / "control").is_dir()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    shutil.rmtree(run_dir, ignore_errors=True)
