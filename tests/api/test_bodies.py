"""Request bodies as the guide's curl and Python examples send them, and errors that say what to
send instead."""

import json
from urllib.parse import urlencode

import pytest

from synthesis.models import Job
from tests.api.conftest import fund

pytestmark = pytest.mark.django_db

TTS = {"text": "Hello from my cloned voice", "voice_id": "af_heart"}


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    from synthesis.tasks import run_job

    monkeypatch.setattr(run_job, "delay_on_commit", lambda *a: None)


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "text/plain", "", "application/json"],
)
def test_it_reads_a_json_object_whatever_the_content_type_says(api, alice, staff, content_type):
    fund(alice, staff)
    body = json.dumps({**TTS, "speed": 1.25, "format": "wav"})
    response = api.post("/v1/tts?async=true", body, content_type=content_type)
    assert response.status_code == 202, response.content
    job = Job.objects.get()
    assert (job.text, job.voice, job.speed, job.format) == (TTS["text"], "af_heart", 1.25, "wav")


def test_it_reads_form_fields_with_the_same_names(api, alice, staff):
    fund(alice, staff)
    body = urlencode({**TTS, "speed": "0.75", "format": "flac", "ssml": "false"})
    response = api.post(
        "/v1/tts?async=true", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 202, response.content
    job = Job.objects.get()
    assert (job.text, job.speed, job.format, job.ssml) == (TTS["text"], 0.75, "flac", False)


def test_it_validates_form_fields_like_json_ones(api, alice, staff):
    fund(alice, staff)
    body = urlencode({"voice_id": "af_heart", "speed": "fast"})
    response = api.post("/v1/tts", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert "text: Field required" in message and "speed:" in message
    assert not Job.objects.exists()


def test_it_answers_415_for_a_body_that_is_neither_json_nor_a_form(api, alice, staff):
    fund(alice, staff)
    response = api.post("/v1/tts", "say hello", content_type="text/plain")
    assert response.status_code == 415
    error = response.json()["error"]
    assert error["code"] == "unsupported_media_type"
    assert "JSON object" in error["message"] and "form fields" in error["message"]
    response = api.post("/v1/tts", "[1, 2]", content_type="text/plain")
    assert response.status_code == 415
    assert not Job.objects.exists()


def test_the_openai_endpoint_reads_a_mislabelled_json_body(api, alice, staff):
    fund(alice, staff)
    body = json.dumps({"model": "tts-1", "input": "Hi.", "voice": "nova", "response_format": "wav"})
    response = api.post("/v1/audio/speech", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200, response.content
    assert Job.objects.get().voice == "af_nova"
