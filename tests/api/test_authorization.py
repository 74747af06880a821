"""Every resource x every verb x every kind of caller: no unexpected 2xx, ever."""

import pytest

from synthesis import services
from synthesis.models import Job
from tests.api.conftest import KeyClient
from voices.models import Voice

pytestmark = pytest.mark.django_db

CALLERS = ("owner", "other", "no_key", "revoked", "staff")
EXPECTED_DENIAL = {"other": 404, "staff": 404, "no_key": 401, "revoked": 401}


@pytest.fixture
def world(client, keyed, alice, bob, staff, monkeypatch):
    from synthesis.tasks import run_job
    from tests.api.conftest import fund

    monkeypatch.setattr(run_job, "delay_on_commit", lambda *a: None)
    fund(alice, staff)
    job = services._job_create(
        user=alice,
        fields={
            "voice": "af_heart", "voice_kind": Job.VoiceKind.STOCK, "text": "Hi.",
            "format": "mp3", "billable_characters": 3, "estimated_cost_micros": 90,
        },
    )  # fmt: skip
    voice = Voice.objects.create(owner=alice, name="Alice clone", status=Voice.Status.READY)
    callers = {
        "owner": keyed(alice),
        "other": keyed(bob),
        "no_key": KeyClient(client, None),
        "revoked": keyed(alice, revoked=True),
        "staff": keyed(staff),
    }
    return {"job": job, "voice": voice, "callers": callers}


OBJECT_REQUESTS = [
    ("get", "/v1/jobs/{job}"),
    ("get", "/v1/jobs/{job}/audio"),
    ("get", "/v1/voices/{voice}"),
    ("delete", "/v1/voices/{voice}"),
]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("verb", "template"), OBJECT_REQUESTS)
def test_it_serves_objects_to_their_owner_only(world, caller, verb, template):
    path = template.format(job=world["job"].public_id, voice=world["voice"].public_id)
    response = getattr(world["callers"][caller], verb)(path)
    if caller == "owner":
        assert response.status_code < 300, response.content
    else:
        assert response.status_code == EXPECTED_DENIAL[caller], (caller, path, response.content)
        assert "error" in response.json()
    assert Voice.objects.filter(pk=world["voice"].pk).exists() == (
        not (caller == "owner" and verb == "delete")
    )


ACCOUNT_REQUESTS = [
    ("get", "/v1/balance", None),
    ("get", "/v1/usage", None),
    ("get", "/v1/voices", None),
    ("post", "/v1/tts?async=true", {"text": "Hello.", "voice_id": "af_heart"}),
    ("post", "/v1/audio/speech", {"model": "tts-1", "input": "Hello.", "voice": "nova"}),
]


@pytest.mark.parametrize("caller", ("no_key", "revoked"))
@pytest.mark.parametrize(("verb", "path", "body"), ACCOUNT_REQUESTS)
def test_it_refuses_account_endpoints_without_a_valid_key(world, caller, verb, path, body):
    client = world["callers"][caller]
    response = client.post(path, body) if verb == "post" else client.get(path)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_it_shows_each_caller_only_their_own_voices_and_balance(world):
    owner, other = world["callers"]["owner"], world["callers"]["other"]
    voice_id = world["voice"].public_id
    assert voice_id in {v["id"] for v in owner.get("/v1/voices?type=cloned").json()["voices"]}
    assert voice_id not in {v["id"] for v in other.get("/v1/voices").json()["voices"]}
    assert owner.get("/v1/balance").json()["balance_micros"] > 0
    assert other.get("/v1/balance").json()["balance_micros"] == 0


def test_it_does_not_let_another_user_speak_with_a_cloned_voice(world):
    other = world["callers"]["other"]
    response = other.post(
        "/v1/tts?async=true", {"text": "Hi.", "voice_id": world["voice"].public_id}
    )
    assert response.status_code == 400
    assert "no cloned voice" in response.json()["error"]["message"]
