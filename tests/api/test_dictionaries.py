"""Pronunciation dictionaries through the API: versions, PLS, isolation, use in /v1/tts."""

import io

import pytest

from synthesis.models import Job, PronunciationDictionary
from tests.api.conftest import fund
from tests.engine.test_lexicon import PLS

pytestmark = pytest.mark.django_db

RULES = [
    {"grapheme": "Speeko", "type": "phoneme", "phoneme": "spˈikO"},
    {"grapheme": "WHO", "type": "alias", "alias": "World Health Organization",
     "case_sensitive": True},
]  # fmt: skip


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    from synthesis.tasks import run_job

    monkeypatch.setattr(run_job, "delay_on_commit", lambda *a: None)


def _create(api, rules=RULES, name="Brand names"):
    return api.post("/v1/pronunciation-dictionaries", {"name": name, "rules": rules})


def test_it_creates_versions_and_keeps_the_old_ones(api):
    created = _create(api)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["id"].startswith("pd_") and body["version"] == 1 and body["rules_count"] == 2
    assert body["rules"][1] == {
        "grapheme": "WHO", "type": "alias", "phoneme": None,
        "alias": "World Health Organization", "case_sensitive": True,
    }  # fmt: skip
    path = f"/v1/pronunciation-dictionaries/{body['id']}"
    changed = api.client.put(
        f"{path}/rules", {"rules": RULES[:1]}, content_type="application/json",
        headers={"Authorization": f"Bearer {api.raw}"},
    )  # fmt: skip
    assert changed.status_code == 200 and changed.json()["version"] == 2
    assert api.get(path).json()["rules_count"] == 1
    assert api.get(f"{path}?version=1").json()["rules_count"] == 2
    assert api.get(f"{path}?version=7").status_code == 404
    listed = api.get("/v1/pronunciation-dictionaries").json()["dictionaries"]
    assert [(d["id"], d["version"]) for d in listed] == [(body["id"], 2)]
    assert api.delete(path).json() == {"id": body["id"], "deleted": True}
    assert not PronunciationDictionary.objects.exists()


def test_it_reads_a_pls_file(api):
    upload = io.BytesIO(PLS.encode())
    upload.name = "brands.pls"
    response = api.client.post(
        "/v1/pronunciation-dictionaries/add-from-file", {"name": "From PLS", "file": upload},
        headers={"Authorization": f"Bearer {api.raw}"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert [r["grapheme"] for r in response.json()["rules"]] == ["Speeko", "SPEEKO", "W3C"]


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([{"grapheme": "x", "type": "phoneme", "phoneme": "123"}], "no IPA symbol"),
        ([{"grapheme": "x", "type": "alias", "alias": ""}], "either phonemes"),
        ([{"grapheme": "x", "type": "sound", "phoneme": "a"}], "'phoneme' or 'alias'"),
    ],
)
def test_bad_rules_are_refused_with_a_reason(api, rules, message):
    response = _create(api, rules=rules)
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]
    assert not PronunciationDictionary.objects.exists()


def test_a_bad_pls_file_is_a_400(api):
    upload = io.BytesIO(b"<lexicon")
    upload.name = "broken.pls"
    response = api.client.post(
        "/v1/pronunciation-dictionaries/add-from-file", {"name": "x", "file": upload},
        headers={"Authorization": f"Bearer {api.raw}"},
    )  # fmt: skip
    assert response.status_code == 400 and "not valid XML" in response.json()["error"]["message"]


def test_other_accounts_cannot_see_or_use_a_dictionary(api, keyed, bob, staff):
    dictionary_id = _create(api).json()["id"]
    other = keyed(bob)
    assert other.get(f"/v1/pronunciation-dictionaries/{dictionary_id}").status_code == 404
    assert other.delete(f"/v1/pronunciation-dictionaries/{dictionary_id}").status_code == 404
    fund(bob, staff)
    response = other.post(
        "/v1/tts?async=true",
        {"text": "Hello Speeko.", "pronunciation_dictionary_ids": [dictionary_id]},
    )
    assert response.status_code == 400
    assert dictionary_id in response.json()["error"]["message"]
    assert not Job.objects.exists()


def test_a_job_keeps_the_rules_of_the_version_it_used(api, alice, staff):
    fund(alice, staff)
    dictionary_id = _create(api).json()["id"]
    response = api.post(
        "/v1/tts?async=true",
        {"text": "The WHO and Speeko.", "pronunciation_dictionary_ids": [dictionary_id]},
    )
    assert response.status_code == 202, response.content
    job = Job.objects.get()
    assert job.dictionaries == [[dictionary_id, 1]]
    assert [r["grapheme"] for r in job.lexicon] == ["Speeko", "WHO"]
    api.client.put(
        f"/v1/pronunciation-dictionaries/{dictionary_id}/rules", {"rules": RULES[:1]},
        content_type="application/json", headers={"Authorization": f"Bearer {api.raw}"},
    )  # fmt: skip
    job.refresh_from_db()
    assert len(job.lexicon) == 2  # a later version does not change a job already made
    pinned = api.post(
        "/v1/tts?async=true",
        {"text": "Again.", "pronunciation_dictionary_ids": [f"{dictionary_id}@1"]},
    )
    assert pinned.status_code == 202
    assert Job.objects.get(public_id=pinned.json()["id"]).dictionaries == [[dictionary_id, 1]]
    too_many = api.post(
        "/v1/tts", {"text": "x", "pronunciation_dictionary_ids": [dictionary_id] * 4}
    )
    assert too_many.status_code == 400


def test_the_schema_declares_timestamps_and_dictionaries(api):
    schema = api.get("/v1/openapi.json").json()
    for path in (
        "/v1/tts/with-timestamps", "/v1/jobs/{job_id}/timestamps",
        "/v1/pronunciation-dictionaries", "/v1/pronunciation-dictionaries/add-from-file",
        "/v1/pronunciation-dictionaries/{dictionary_id}/rules",
    ):  # fmt: skip
        assert path in schema["paths"], path
    tts = schema["components"]["schemas"]["TTSIn"]["properties"]
    assert tts["pronunciation_dictionary_ids"]["items"]["type"] == "string"
    assert tts["timestamps"]["type"] == "boolean"
    assert "aac" in tts["format"]["enum"]
    rule = schema["components"]["schemas"]["RuleIn"]["properties"]
    assert rule["type"]["enum"] == ["phoneme", "alias"]
