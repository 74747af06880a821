"""Consent and cloning through the API, with real recordings and the real cloning library."""

import os
import shutil
from pathlib import Path

import pytest

from billing.services import grant_free_tier
from voices.models import Voice

pytestmark = [pytest.mark.django_db, pytest.mark.model]

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEECH = Path(os.environ.get("SPEEKO_SHARED_DIR") or REPO_ROOT.parent / "shared") / "speech"
SAMPLES = ["ljspeech/LJ/LJ001-0001.flac", "ljspeech/LJ/LJ001-0003.flac"]
CONSENT = "ljspeech/LJ/LJ001-0014.flac"


@pytest.fixture
def recording(tmp_path):
    def copy(relative):
        target = tmp_path / Path(relative).name
        shutil.copyfile(SPEECH / relative, target)
        return target

    return copy


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _consent(api, recording, **overrides):
    token = api.post("/v1/consents/statement", {"speaker_name": "Linda Johnson"}).json()
    with open(recording(CONSENT), "rb") as fh:
        data = {
            "voice_name": "Narrator", "relation": "self", "speaker_name": "Linda Johnson",
            "signature": "Linda Johnson", "code_token": token["code_token"],
            "uses": ["personal"], "statements": ["all"], "recording": fh,
        }  # fmt: skip
        data.update(overrides)
        return (
            api.post("/v1/consents", data, content_type=None)
            if False
            else api.client.post(
                "/v1/consents", data, headers={"Authorization": f"Bearer {api.raw}"}
            )
        )


def test_it_records_consent_then_clones_with_the_guide_s_curl_fields(api, alice, recording):
    grant_free_tier(user=alice)
    statement = api.post("/v1/consents/statement", {"speaker_name": "Linda Johnson"}).json()
    assert "Linda Johnson" in statement["spoken_statement"]
    response = _consent(api, recording)
    assert response.status_code == 201, response.content
    consent = response.json()
    assert consent["consent_id"].startswith("cs_") and consent["relation"] == "self"
    assert (
        api.get(f"/v1/consents/{consent['consent_id']}").json()["speaker_name"] == "Linda Johnson"
    )

    # As in the product guide: name, file, consent_id (tier defaults to instant).
    files = [open(recording(p), "rb") for p in SAMPLES]  # noqa: SIM115
    try:
        response = api.client.post(
            "/v1/voices/clone",
            {"name": "my-narrator", "file": files, "consent_id": consent["consent_id"]},
            headers={"Authorization": f"Bearer {api.raw}"},
        )
    finally:
        for fh in files:
            fh.close()
    assert response.status_code == 202, response.content
    voice = response.json()
    assert voice["voice_id"].startswith("vc_") and voice["tier"] == "instant"
    stored = Voice.objects.get(public_id=voice["voice_id"])
    assert stored.name == "my-narrator" and stored.owner == alice
    listed = {v["id"] for v in api.get("/v1/voices?type=cloned").json()["voices"]}
    assert voice["voice_id"] in listed


def test_it_refuses_to_clone_without_consent_and_says_how(api, alice, recording):
    grant_free_tier(user=alice)
    with open(recording(SAMPLES[0]), "rb") as fh:
        response = api.client.post(
            "/v1/voices/clone",
            {"name": "x", "file": fh, "consent_id": "cs_missing"},
            headers={"Authorization": f"Bearer {api.raw}"},
        )
    assert response.status_code == 403
    message = response.json()["error"]["message"]
    assert "POST /v1/consents" in message
    assert not Voice.objects.exclude(status=Voice.Status.DRAFT).exists()


def test_it_refuses_bad_consent_uploads_with_the_right_status(api, alice, recording, tmp_path):
    not_audio = tmp_path / "statement.wav"
    not_audio.write_bytes(b"%PDF-1.4 this is not audio at all" * 10)
    token = api.post("/v1/consents/statement", {"speaker_name": "Linda"}).json()["code_token"]
    with open(not_audio, "rb") as fh:
        response = api.client.post(
            "/v1/consents",
            {"voice_name": "N", "relation": "self", "speaker_name": "Linda", "signature": "Linda",
             "code_token": token, "uses": ["personal"], "statements": ["all"], "recording": fh},
            headers={"Authorization": f"Bearer {api.raw}"},
        )  # fmt: skip
    assert response.status_code == 415
    assert "not an audio file" in response.json()["error"]["message"]
    response = _consent(api, recording, statements=["create"])
    assert response.status_code == 400
    assert "understand" in response.json()["error"]["message"]
    response = _consent(api, recording, code_token="forged")
    assert response.status_code == 400
    assert "code_token" in response.json()["error"]["message"]
    assert not Voice.objects.exists()


def test_it_hides_consents_from_other_accounts(api, keyed, bob, recording):
    consent_id = _consent(api, recording).json()["consent_id"]
    assert keyed(bob).get(f"/v1/consents/{consent_id}").status_code == 404
