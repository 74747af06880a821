"""Word timestamps through the API, on a live server with a real worker and the real model."""

import base64
import io
import json

import pytest
import requests
import soundfile as sf

from synthesis.models import Job
from tests.api.conftest import fund
from tests.conftest import wait_until
from tests.synthesis.conftest import LONG_TEXT

pytestmark = [pytest.mark.worker, pytest.mark.model]

TEXT = "Timestamps let a player highlight each word. They come from the model itself."


@pytest.fixture
def call(live_server, alice, staff, alice_key):
    fund(alice, staff)
    headers = {"Authorization": f"Bearer {alice_key}"}

    def run(method, path, **kwargs):
        return requests.request(
            method, f"{live_server.url}{path}", headers=headers, timeout=300, **kwargs
        )

    return run


def test_with_timestamps_answers_audio_words_and_characters(call, celery_worker_process):
    response = call("POST", "/v1/tts/with-timestamps", json={"text": TEXT, "format": "wav"})
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    audio, rate = sf.read(io.BytesIO(base64.b64decode(body["audio_base64"])))
    duration = len(audio) / rate
    assert rate == 24000 and body["duration_seconds"] == pytest.approx(duration, abs=1e-3)
    words = body["words"]
    assert [w["word"] for w in words] == TEXT.split()
    assert all(0 <= w["start"] < w["end"] <= duration + 1e-3 for w in words)
    assert [w["start"] for w in words] == sorted(w["start"] for w in words)
    alignment = body["alignment"]
    assert "".join(alignment["characters"]) == TEXT
    assert len(alignment["character_start_times_seconds"]) == len(TEXT)
    assert body["cost_micros"] > 0 and body["billable_characters"] == len(TEXT)


def test_an_async_job_with_timestamps_keeps_them_and_the_same_audio(call, celery_worker_process):
    timed = call("POST", "/v1/tts?async=true", json={"text": TEXT, "format": "wav",
                                                    "timestamps": True}).json()  # fmt: skip
    plain = call("POST", "/v1/tts?async=true", json={"text": TEXT, "format": "wav"}).json()
    wait_until(lambda: Job.objects.filter(status=Job.Status.DONE).count() == 2, timeout=120)
    done = call("GET", f"/v1/jobs/{timed['id']}").json()
    assert done["timestamps_url"].endswith(f"/v1/jobs/{timed['id']}/timestamps")
    words = call("GET", f"/v1/jobs/{timed['id']}/timestamps").json()["words"]
    assert [w["word"] for w in words] == TEXT.split()
    # Timing the words changes no sample of the audio.
    with_times = call("GET", f"/v1/jobs/{timed['id']}/audio").content
    without = call("GET", f"/v1/jobs/{plain['id']}/audio").content
    assert with_times == without
    assert call("GET", f"/v1/jobs/{plain['id']}/timestamps").status_code == 404
    assert call("GET", f"/v1/jobs/{plain['id']}").json()["timestamps_url"] is None


def test_timestamps_on_the_streaming_endpoint_say_where_to_ask(call):
    response = call("POST", "/v1/tts", json={"text": TEXT, "timestamps": True})
    assert response.status_code == 400
    assert "/v1/tts/with-timestamps" in response.json()["error"]["message"]
    assert not Job.objects.exists()


def test_the_stream_sends_words_with_the_audio_as_it_is_made(call, celery_worker_process):
    body = {"text": LONG_TEXT[:400], "format": "mp3", "voice_id": "am_michael"}
    response = call("POST", "/v1/tts/with-timestamps/stream", json=body, stream=True)
    assert response.status_code == 200, response.content[:500]
    job = Job.objects.get(public_id=response.headers["X-Request-Id"])
    lines = (json.loads(line) for line in response.iter_lines(chunk_size=1) if line)
    first = next(lines)
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING, "the first line came late"
    streamed = [first, *lines]
    assert len(streamed) > 2 and all("error" not in line for line in streamed)
    plain = call("POST", "/v1/tts/with-timestamps", json=body).json()
    audio = b"".join(base64.b64decode(line["audio_base64"]) for line in streamed)
    assert audio == base64.b64decode(plain["audio_base64"])
    words = [w for line in streamed for w in line["words"]]
    assert words == plain["words"] and len(words) == len(LONG_TEXT[:400].split())
    starts = [w["start"] for w in words]
    assert starts == sorted(starts)
    assert all(0 <= w["start"] < w["end"] <= plain["duration_seconds"] + 1e-3 for w in words)
    characters = [c for line in streamed for c in line["alignment"]["characters"]]
    assert characters == plain["alignment"]["characters"]
