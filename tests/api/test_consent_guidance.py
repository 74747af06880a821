"""A clone or consent request that is missing something says what to do, and lists the values
it accepts; the OpenAPI schema declares those values."""

import io

import pytest

from voices.models import ConsentRecord, Voice

pytestmark = pytest.mark.django_db


def _post(api, path, data):
    return api.client.post(path, data, headers={"Authorization": f"Bearer {api.raw}"})


def test_cloning_without_a_consent_names_the_steps_and_links_the_docs(api):
    sample = io.BytesIO(b"RIFF....WAVEfmt ")
    sample.name = "sample.wav"
    response = _post(api, "/v1/voices/clone", {"name": "My voice", "file": sample})
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert message.startswith("consent_id is required.")
    for step in ("POST /v1/consents/statement", "record the speaker", "POST /v1/consents "):
        assert step in message
    assert "http://testserver/docs/api/#consent" in message
    assert not Voice.objects.exists()


def test_an_unknown_consent_id_also_links_the_docs(api):
    sample = io.BytesIO(b"RIFF....WAVEfmt ")
    sample.name = "sample.wav"
    response = _post(
        api, "/v1/voices/clone", {"name": "My voice", "file": sample, "consent_id": "cs_nope"}
    )
    assert response.status_code == 403
    assert "/docs/api/#consent" in response.json()["error"]["message"]


def _consent_fields(**overrides):
    recording = io.BytesIO(b"not read: the enum check comes first")
    recording.name = "consent.wav"
    fields = {
        "voice_name": "N", "relation": "self", "speaker_name": "Linda", "signature": "Linda",
        "code_token": "t", "uses": ["personal"], "statements": ["all"], "recording": recording,
    }  # fmt: skip
    return {**fields, **overrides}


@pytest.mark.parametrize(
    ("field", "value", "accepted"),
    [
        ("relation", "me", ["'self'", "'other'"]),
        ("uses", ["any"], ["'personal'", "'commercial'", "'project'"]),
        ("uses", ["personal", "any"], ["'personal'", "'commercial'", "'project'"]),
    ],
)
def test_a_wrong_enum_value_lists_the_accepted_ones(api, field, value, accepted):
    response = _post(api, "/v1/consents", _consent_fields(**{field: value}))
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert message.startswith(f"{field}: not an accepted value; use ")
    for word in accepted:
        assert word in message
    assert not ConsentRecord.objects.exists()


def test_the_schema_declares_the_consent_enums(api):
    schema = api.get("/v1/openapi.json").json()
    body = schema["paths"]["/v1/consents"]["post"]["requestBody"]["content"]
    properties = body["multipart/form-data"]["schema"]["properties"]
    assert properties["relation"]["enum"] == ["self", "other"]
    assert properties["uses"]["items"]["enum"] == ["personal", "commercial", "project"]
