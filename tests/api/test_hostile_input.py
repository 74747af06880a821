"""Input no person means to send: it gets a 400 that says what is wrong, never a 500 and never
a row the database refuses (PostgreSQL stores no NUL and checks every column length)."""

import io
import json

import numpy as np
import pytest
import soundfile as sf

from synthesis.models import Job
from synthesis.tasks import run_job
from tests.api.conftest import fund

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr(run_job, "delay_on_commit", lambda *a: None)


def _wav(seconds=1.0, sr=16000) -> bytes:
    buffer = io.BytesIO()
    t = np.arange(int(seconds * sr)) / sr
    sf.write(buffer, (0.1 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), sr, format="WAV")
    return buffer.getvalue()


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="audio/wav")


def _clone(api, *, key: str, data: bytes):
    return api.client.post(
        "/v1/voices/clone",
        {"name": "Narrator", "consent_id": "cs_nothing", "file": _upload("a.wav", data)},
        headers={"Authorization": f"Bearer {api.raw}", "Idempotency-Key": key},
    )


def test_it_takes_an_idempotency_key_on_a_multipart_clone(api):
    first = _clone(api, key="clone-1", data=_wav())
    assert first.status_code == 403
    assert "No consent with this id" in first.json()["error"]["message"]
    assert _clone(api, key="clone-1", data=_wav()).status_code == 403


def test_a_multipart_body_is_identified_by_its_fields_and_file_contents(rf):
    from speeko_site.api.idempotency import _body_digest

    def digest(name="Narrator", data=b"RIFF one"):
        request = rf.post("/v1/voices/clone", {"name": name, "file": _upload("a.wav", data)})
        request.POST  # noqa: B018 - parsed first, as the view's arguments are
        return _body_digest(request)

    assert digest() == digest()
    assert digest() != digest(data=b"RIFF two")
    assert digest() != digest(name="Other")


def test_it_takes_an_idempotency_key_on_a_multipart_consent(api):
    response = api.client.post(
        "/v1/consents",
        {
            "voice_name": "Narrator", "relation": "self", "speaker_name": "Linda Johnson",
            "signature": "Linda Johnson", "code_token": "forged", "uses": ["personal"],
            "statements": ["all"], "recording": _upload("consent.wav", _wav()),
        },
        headers={"Authorization": f"Bearer {api.raw}", "Idempotency-Key": "consent-1"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "code_token is invalid" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"text": "Hello\u0000 there"}, "U+0000"),
        ({"text": "Hello \ud800 there"}, "U+D800"),
        ({"text": "Hello", "voice_id": "af_heart\u0000"}, "U+0000"),
        ({"text": "Hello", "voice_id": "a" * 23_999}, "at most 200 characters"),
        ({"text": "Hello", "language": "x" * 500}, "at most 8 characters"),
    ],
)
def test_it_refuses_what_the_database_would_refuse(api, alice, staff, body, message):
    fund(alice, staff)
    response = api.client.post(
        "/v1/tts?async=true",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.raw}"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"
    assert message in response.json()["error"]["message"]
    assert not Job.objects.exists()


def test_it_refuses_an_over_long_openai_voice(api, alice, staff):
    fund(alice, staff)
    response = api.post("/v1/audio/speech", {"input": "Hello", "voice": "v" * 5000})
    assert response.status_code == 400
    assert "at most 200 characters" in response.json()["error"]["message"]
    assert not Job.objects.exists()


def test_it_refuses_control_characters_in_the_url(api):
    assert api.get("/v1/voices", data={"q": "heart\u0000"}).status_code == 400
    assert api.get("/v1/voices", data={"q": "h" * 5000}).status_code == 400
    assert api.get("/v1/voices", data={"q": "heart"}).status_code == 200
    assert api.get("/v1/jobs/abc%00def").status_code == 400


def test_it_refuses_a_nul_in_a_form_field_on_the_pages(client, alice):
    client.force_login(alice)
    response = client.post("/voices/clone/", {"voice_name": "Nar\u0000rator"})
    assert response.status_code == 400
    assert b"U+0000" in response.content


def test_ordinary_text_with_tabs_and_line_breaks_passes(api, alice, staff):
    fund(alice, staff)
    response = api.post("/v1/tts?async=true", {"text": "One.\r\n\tTwo, «three» — 四."})
    assert response.status_code == 202
