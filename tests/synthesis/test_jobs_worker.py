"""Jobs end to end: a real Celery worker process running the real Kokoro model."""

import io
import os
import signal

import av
import numpy as np
import pytest
import soundfile as sf
from django.urls import reverse

from billing.models import Reservation
from billing.selectors import balance_for
from synthesis import services
from synthesis.models import Job
from tests.conftest import wait_until
from tests.synthesis.conftest import FIVE_DOLLARS, LONG_TEXT, SHORT_TEXT

pytestmark = [pytest.mark.worker, pytest.mark.model]


def _submit(client, text, fmt="wav", voice="af_heart"):
    response = client.post(
        reverse("synthesis:playground"),
        {"text": text, "voice": voice, "speed": "1.0", "format": fmt, "language": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    return Job.objects.latest("created_at")


def _read_stream(client, job):
    response = client.get(reverse("synthesis:job_stream", args=[job.public_id]))
    assert response.status_code == 200
    assert response.streaming
    assert response["X-Accel-Buffering"] == "no"
    return b"".join(response.streaming_content)


def _refresh(job):
    job.refresh_from_db()
    return job


def test_it_submits_streams_and_settles_through_a_real_worker(
    client, funded_alice, celery_worker_process
):
    client.force_login(funded_alice)
    job = _submit(client, SHORT_TEXT)
    assert job.status in {Job.Status.QUEUED, Job.Status.RUNNING}
    held = FIVE_DOLLARS - job.estimated_cost_micros
    assert balance_for(user=funded_alice) == held

    streamed = _read_stream(client, job)
    wait_until(lambda: _refresh(job).status == Job.Status.DONE, timeout=120)

    stored = job.audio.open("rb").read()
    assert streamed == stored
    audio, rate = sf.read(io.BytesIO(streamed))
    assert rate == 24000
    assert 1.5 < len(audio) / rate < 8
    assert np.abs(audio).max() > 0.05
    assert job.duration_seconds == pytest.approx(len(audio) / rate, abs=0.05)

    assert job.reservation.status == Reservation.Status.SETTLED
    assert job.charged_micros == job.estimated_cost_micros > 0
    assert balance_for(user=funded_alice) == FIVE_DOLLARS - job.charged_micros
    assert job.first_audio_at is not None and job.waveform

    # A client that connects after the end gets the whole file from the first byte.
    assert _read_stream(client, job) == stored


def test_a_flac_job_streams_length_unknown_and_stores_a_complete_file(
    client, funded_alice, celery_worker_process
):
    client.force_login(funded_alice)
    job = _submit(client, SHORT_TEXT, fmt="flac")
    streamed = _read_stream(client, job)
    wait_until(lambda: _refresh(job).status == Job.Status.DONE, timeout=120)
    stored = job.audio.open("rb").read()

    # STREAMINFO (bytes 8-42) is the only difference: total samples 0 and an all-zero MD5
    # ("unknown") in the stream, the real values in the file.
    assert streamed[:8] == stored[:8] == b"fLaC\x00\x00\x00\x22"
    assert streamed[42:] == stored[42:]
    assert streamed[26:42] == bytes(16) != stored[26:42]
    audio, rate = sf.read(io.BytesIO(stored), dtype="int16")
    assert rate == 24000
    assert job.duration_seconds == pytest.approx(len(audio) / rate, abs=0.001)
    assert int.from_bytes(stored[18:26]) & (1 << 36) - 1 == len(audio)
    with av.open(io.BytesIO(streamed), format="flac") as container:
        decoded = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(audio=0)])
    np.testing.assert_array_equal(decoded, audio)


def _read_listen(client, job):
    response = client.get(reverse("synthesis:job_listen", args=[job.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/L16;rate=24000;channels=1"
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("fmt", ["wav", "opus"])
def test_the_player_stream_carries_the_jobs_samples_as_pcm(
    client, funded_alice, celery_worker_process, fmt
):
    client.force_login(funded_alice)
    job = _submit(client, SHORT_TEXT, fmt=fmt)
    listened = np.frombuffer(_read_listen(client, job), dtype="<i2")
    wait_until(lambda: _refresh(job).status == Job.Status.DONE, timeout=120)
    assert len(listened) == round(job.duration_seconds * 24000)
    assert np.abs(listened).max() > 1000
    if fmt == "wav":
        stored, _ = sf.read(io.BytesIO(job.audio.open("rb").read()), dtype="int16")
        np.testing.assert_array_equal(listened, stored)


def test_it_gives_a_late_joining_reader_the_whole_stream(
    client, funded_alice, celery_worker_process
):
    client.force_login(funded_alice)
    job = _submit(client, LONG_TEXT[:700], fmt="mp3")
    wait_until(lambda: _refresh(job).first_audio_at is not None, timeout=120)
    assert job.status == Job.Status.RUNNING
    late = _read_stream(client, job)
    wait_until(lambda: _refresh(job).status == Job.Status.DONE, timeout=180)
    assert late == job.audio.open("rb").read()
    audio, _ = sf.read(io.BytesIO(late))
    assert len(audio) / 24000 > 10


def test_it_refunds_a_cancelled_job_and_stops_the_worker(
    client, funded_alice, celery_worker_process
):
    client.force_login(funded_alice)
    job = _submit(client, LONG_TEXT)
    wait_until(lambda: _refresh(job).first_audio_at is not None, timeout=120)
    response = client.post(reverse("synthesis:job_cancel", args=[job.public_id]))
    assert response.status_code == 200
    assert _refresh(job).status == Job.Status.CANCELLED
    assert balance_for(user=funded_alice) == FIVE_DOLLARS
    # The stream of a cancelled job ends instead of hanging.
    _read_stream(client, job)
    wait_until(lambda: "cancelled" in celery_worker_process.log() or _idle(job), timeout=30)
    assert _refresh(job).status == Job.Status.CANCELLED
    assert not job.audio
    assert client.post(reverse("synthesis:job_cancel", args=[job.public_id])).status_code == 409


def _idle(job):
    return Job.objects.filter(pk=job.pk, status=Job.Status.CANCELLED).exists()


def test_it_refunds_a_job_that_fails_in_the_worker(funded_alice, celery_worker_process):
    # Bypass validation to get a request only the worker can reject.
    job = services._job_create(
        user=funded_alice,
        fields={
            "voice": "af_nobody", "voice_kind": Job.VoiceKind.STOCK, "text": SHORT_TEXT,
            "format": "wav", "billable_characters": 40, "estimated_cost_micros": 1200,
        },
    )  # fmt: skip
    assert balance_for(user=funded_alice) == FIVE_DOLLARS - 1200
    wait_until(lambda: _refresh(job).status == Job.Status.FAILED, timeout=120)
    assert job.error_code == "invalid_request"
    assert "af_nobody" in job.error_message
    assert job.reservation.status == Reservation.Status.RELEASED
    assert balance_for(user=funded_alice) == FIVE_DOLLARS


def test_it_never_charges_twice_when_a_worker_is_killed_mid_job(
    client, funded_alice, celery_worker_process, tmp_path
):
    from tests.conftest import start_worker

    client.force_login(funded_alice)
    job = _submit(client, LONG_TEXT[:900])
    wait_until(lambda: _refresh(job).first_audio_at is not None, timeout=120)
    os.kill(celery_worker_process.proc.pid, signal.SIGKILL)
    celery_worker_process.proc.wait(timeout=10)
    assert _refresh(job).status == Job.Status.RUNNING
    first_attempt = job.attempt

    # The message comes back (broker redelivery, or the reconciler's requeue): a new worker
    # takes the job over once the dead one's heartbeat is stale, and the result is charged once.
    second = start_worker(tmp_path, name="w2", extra_env={"SYNTHESIS_STALE_SECONDS": "5"})
    try:
        wait_until(
            lambda: (timezone_now() - _refresh(job).heartbeat_at).total_seconds() > 5,
            timeout=60,
        )
        from synthesis.tasks import run_job

        run_job.delay(str(job.public_id))
        # A duplicate delivery changes nothing: the job is claimed (or already finished).
        run_job.delay(str(job.public_id))
        wait_until(lambda: _refresh(job).status == Job.Status.DONE, timeout=300)
    finally:
        second.stop()
    assert job.attempt == first_attempt + 1
    audio, _ = sf.read(io.BytesIO(job.audio.open("rb").read()))
    assert len(audio) / 24000 > 30
    assert balance_for(user=funded_alice) == FIVE_DOLLARS - job.estimated_cost_micros
    settlements = job.reservation.entries.filter(kind="settlement").count()
    assert settlements == 1


def timezone_now():
    from django.utils import timezone

    return timezone.now()
