"""The guide's commands, run as printed with the real curl against a live server and worker."""

import io
import json
import os
import shutil
import subprocess

import pytest
import requests
import soundfile as sf

from synthesis.models import Job
from tests.api.conftest import fund
from tests.voices.conftest import LJ_SAMPLES

pytestmark = [pytest.mark.worker, pytest.mark.model]

TTS_COMMAND = """curl -X POST {url}/v1/tts -H "Authorization: Bearer $KEY" \\
  -d '{{ "text": "Hello from my cloned voice", "voice_id": "{voice_id}" }}'"""
CLONE_COMMAND = """curl -X POST {url}/v1/voices/clone -H "Authorization: Bearer $KEY" \\
  -F "name=my-narrator" -F "file=@{sample}\""""


def _curl(command: str, key: str, tmp_path) -> tuple[int, bytes]:
    done = subprocess.run(
        ["bash", "-c", f"{command} --silent --write-out '%{{http_code}}' -o body"],
        cwd=tmp_path,
        env={**os.environ, "KEY": key},
        capture_output=True,
        timeout=300,
        check=True,
    )
    return int(done.stdout), (tmp_path / "body").read_bytes()


@pytest.fixture
def funded_key(alice, staff, alice_key):
    fund(alice, staff)
    return alice_key


def test_the_guide_s_tts_curl_speaks_with_a_cloned_voice(
    live_server, funded_key, alice, make_voice, celery_worker_process, tmp_path
):
    assert shutil.which("curl"), "the guide's commands need curl"
    voice = make_voice(alice)
    command = TTS_COMMAND.format(url=live_server.url, voice_id=voice.public_id)
    status, body = _curl(command, funded_key, tmp_path)
    assert status == 200, body[:500]
    audio, rate = sf.read(io.BytesIO(body))
    assert rate == 24000 and 0.5 < len(audio) / rate < 10
    job = Job.objects.get()
    assert (job.text, job.voice) == ("Hello from my cloned voice", voice.public_id)
    assert job.format == "mp3"


def test_python_requests_with_a_json_string_works_too(
    live_server, funded_key, celery_worker_process
):
    response = requests.post(
        f"{live_server.url}/v1/tts",
        headers={"Authorization": f"Bearer {funded_key}"},
        data=json.dumps({"text": "Hello from requests.", "voice_id": "af_heart", "format": "wav"}),
        timeout=300,
    )
    assert response.status_code == 200, response.content[:500]
    audio, rate = sf.read(io.BytesIO(response.content))
    assert rate == 24000 and len(audio) / rate > 0.5


def test_the_guide_s_clone_curl_without_consent_says_what_to_do(
    live_server, funded_key, speech, tmp_path
):
    sample = speech(LJ_SAMPLES[0])
    command = CLONE_COMMAND.format(url=live_server.url, sample=sample)
    status, body = _curl(command, funded_key, tmp_path)
    assert status == 400
    message = json.loads(body)["error"]["message"]
    assert "POST /v1/consents/statement" in message and "POST /v1/consents " in message
    assert f"{live_server.url}/docs/api/#consent" in message
