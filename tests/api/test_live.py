"""The API over real HTTP: a live server, a real worker, the real model, real clients."""

import io

import pytest
import requests
import soundfile as sf

from synthesis.models import Job
from tests.api.conftest import fund
from tests.conftest import wait_until
from tests.synthesis.conftest import LONG_TEXT

pytestmark = [pytest.mark.worker, pytest.mark.model]


@pytest.fixture
def funded_key(alice, staff, alice_key):
    fund(alice, staff)
    return alice_key


def test_it_streams_first_bytes_before_the_job_finishes(
    live_server, funded_key, celery_worker_process
):
    response = requests.post(
        f"{live_server.url}/v1/tts",
        json={"text": LONG_TEXT[:800], "voice_id": "af_heart", "format": "wav"},
        headers={"Authorization": f"Bearer {funded_key}"},
        stream=True,
        timeout=300,
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "audio/wav"
    assert int(response.headers["X-Billable-Characters"]) > 700
    job = Job.objects.get(public_id=response.headers["X-Request-Id"])
    chunks = response.iter_content(chunk_size=4096)
    first = next(chunks)
    assert first[:4] == b"RIFF"
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING, "the first bytes should arrive mid-synthesis"
    body = first + b"".join(chunks)
    wait_until(lambda: Job.objects.get(pk=job.pk).status == Job.Status.DONE, timeout=60)
    job.refresh_from_db()
    assert body == job.audio.open("rb").read()
    audio, rate = sf.read(io.BytesIO(body))
    assert rate == 24000 and len(audio) / rate > 15


def test_it_works_with_the_official_openai_client(live_server, funded_key, celery_worker_process):
    from openai import OpenAI

    client = OpenAI(base_url=f"{live_server.url}/v1", api_key=funded_key, max_retries=0)
    speech = client.audio.speech.create(
        model="tts-1", voice="nova", input="Hello from an OpenAI client.", response_format="wav"
    )
    audio, rate = sf.read(io.BytesIO(speech.content))
    assert rate == 24000 and 1 < len(audio) / rate < 10

    with client.audio.speech.with_streaming_response.create(
        model="tts-1", voice="af_bella(1)+am_echo(1)", input="Streaming, too.",
        response_format="mp3",
    ) as streamed:  # fmt: skip
        data = b"".join(streamed.iter_bytes())
    audio, _ = sf.read(io.BytesIO(data))
    assert len(audio) > 10_000
    voices = {job.voice for job in Job.objects.all()}
    assert voices == {"af_nova", "af_bella(1)+am_echo(1)"}

    from openai import AuthenticationError

    bad = OpenAI(base_url=f"{live_server.url}/v1", api_key="sk_live_wrong", max_retries=0)
    with pytest.raises(AuthenticationError):
        bad.audio.speech.create(model="tts-1", voice="nova", input="No.")
