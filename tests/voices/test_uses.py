"""A cloned voice speaks only for the uses its speaker consented to; the use goes on the job."""

import pytest
from django.urls import reverse

from synthesis.models import Job
from synthesis.services import job_submit
from tests.api.conftest import KeyClient
from voices.audit import Event, audit_chain_verify
from voices.exceptions import UseNotPermitted
from voices.models import AuditEntry, ConsentRecord
from voices.services import voice_style_for_tts

pytestmark = pytest.mark.django_db


def _consent_uses(voice, uses, project_name=""):
    # Evidence is immutable through the model; a test sets the uses the form would have.
    ConsentRecord.objects.filter(voice=voice).update(uses=uses, project_name=project_name)


def test_the_only_permitted_use_is_the_default(alice, make_voice):
    voice = make_voice(alice)  # uses: personal
    assert voice_style_for_tts(user=alice, public_id=voice.public_id).shape == (510, 1, 256)
    style = voice_style_for_tts(user=alice, public_id=voice.public_id, use="personal")
    assert style.shape == (510, 1, 256)


def test_a_use_not_ticked_is_refused_and_audited(alice, make_voice):
    voice = make_voice(alice)
    with pytest.raises(UseNotPermitted) as caught:
        voice_style_for_tts(user=alice, public_id=voice.public_id, use="commercial")
    assert "does not permit “commercial use”" in caught.value.message
    assert "personal, non-commercial use" in caught.value.message
    refusal = AuditEntry.objects.get(event=Event.USE_REFUSED)
    assert refusal.payload == {"code": "use_not_permitted", "use": "commercial"}
    assert audit_chain_verify().intact


def test_several_uses_need_the_request_to_say_which(alice, make_voice):
    voice = make_voice(alice)
    _consent_uses(voice, ["personal", "commercial"])
    with pytest.raises(UseNotPermitted, match="Say which use"):
        voice_style_for_tts(user=alice, public_id=voice.public_id)
    assert voice_style_for_tts(user=alice, public_id=voice.public_id, use="commercial").size


def test_a_project_voice_speaks_only_for_its_project(alice, make_voice):
    voice = make_voice(alice)
    _consent_uses(voice, ["project"], "Audiobook")
    assert voice_style_for_tts(user=alice, public_id=voice.public_id).size
    assert voice_style_for_tts(
        user=alice, public_id=voice.public_id, use="project", project="audiobook"
    ).size
    with pytest.raises(UseNotPermitted, match="only for the project “Audiobook”"):
        voice_style_for_tts(user=alice, public_id=voice.public_id, use="project", project="Ads")


@pytest.mark.model
def test_the_job_records_the_use(alice, funded, make_voice):
    funded(alice)
    voice = make_voice(alice)
    _consent_uses(voice, ["personal", "project"], "Audiobook")
    job = job_submit(user=alice, text="Hello there.", voice=voice.public_id, use="project")
    assert (job.use, job.project) == ("project", "Audiobook")
    stock = job_submit(user=alice, text="Hello there.", voice="af_heart", use="commercial")
    assert (stock.use, stock.project) == ("", "")  # stock voices need no consent


@pytest.mark.model
def test_the_api_refuses_another_use_with_403(client, alice, funded, make_voice):
    from speeko_site.api.services import api_key_create

    funded(alice)
    voice = make_voice(alice)
    api = KeyClient(client, api_key_create(user=alice, name="k")[1])
    body = {"text": "Hello there.", "voice_id": voice.public_id}
    refused = api.post("/v1/tts?async=true", {**body, "use": "commercial"})
    assert refused.status_code == 403, refused.content
    assert refused.json()["error"]["code"] == "use_not_permitted"
    assert not Job.objects.exists()
    accepted = api.post("/v1/tts?async=true", body)
    assert accepted.status_code == 202, accepted.content
    assert Job.objects.get().use == "personal"


@pytest.mark.model
def test_the_playground_offers_the_use_and_refuses_others(client, alice, funded, make_voice):
    funded(alice)
    voice = make_voice(alice)
    client.force_login(alice)
    page = client.get(reverse("synthesis:playground"), {"voice": voice.public_id})
    assert 'name="use"' in page.content.decode()
    data = {"text": "Hello there.", "voice": voice.public_id, "speed": 1.0, "format": "mp3"}
    refused = client.post(reverse("synthesis:playground"), {**data, "use": "commercial"})
    assert refused.status_code == 403
    assert "does not permit" in refused.content.decode()
    client.post(reverse("synthesis:playground"), {**data, "use": "personal"})
    assert Job.objects.get().use == "personal"
