"""Consent and cloning through the API, with real recordings and the real cloning library.

Cloning itself runs on a worker (tests/voices/test_flow.py runs one end to end); here the clone is
only started, and the worker's analysis, progress and failure are run or written the way the
worker does them. The request stores the samples without decoding them: it answers 202 at once.
"""

import shutil
from pathlib import Path

import pytest

from billing.selectors import balance_for
from billing.services import grant_free_tier
from tests.speech import SPEECH_DIR
from tests.voices.conftest import analyse_pending
from voices.models import Sample, Voice
from voices.services import clones_reconcile, voice_clone_fail
from voices.tasks import voice_clone_task

pytestmark = [pytest.mark.django_db, pytest.mark.model]

SAMPLES = ["ljspeech/LJ/LJ001-0001.flac", "ljspeech/LJ/LJ001-0003.flac"]
CONSENT = "ljspeech/LJ/LJ001-0014.flac"


@pytest.fixture
def recording(tmp_path):
    def copy(relative):
        target = tmp_path / Path(relative).name
        shutil.copyfile(SPEECH_DIR / relative, target)
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


def _clone_start(api, recording, *, name: str, consent_id: str):
    """POST /v1/voices/clone with the two LJ samples, as the product guide's curl does."""
    files = [open(recording(p), "rb") for p in SAMPLES]  # noqa: SIM115
    try:
        return api.client.post(
            "/v1/voices/clone",
            {"name": name, "file": files, "consent_id": consent_id},
            headers={"Authorization": f"Bearer {api.raw}"},
        )
    finally:
        for fh in files:
            fh.close()


def test_it_records_consent_then_clones_with_the_guide_s_curl_fields(
    api, alice, recording, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        voice_clone_task, "apply_async", lambda args, kwargs=None, **o: sent.append((args, o))
    )
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
    with django_capture_on_commit_callbacks(execute=True):
        response = _clone_start(
            api, recording, name="my-narrator", consent_id=consent["consent_id"]
        )
    # Accepted at once, still to be analysed and cloned by a worker (the fee is charged now).
    assert response.status_code == 202, response.content
    voice = response.json()
    assert voice["voice_id"].startswith("vc_") and voice["tier"] == "instant"
    assert voice["status"] == "processing" and voice["progress"] == 0
    assert voice["identity_score"] is None and voice["consent_id"] == consent["consent_id"]
    pending = voice["sample_analysis"]
    assert pending["status"] == "analysing" and pending["verdict"] is None
    assert [(s["status"], s["snr_db"]) for s in pending["samples"]] == [("analysing", None)] * 2

    # The worker analyses the samples before it clones; GET shows what it found.
    analyse_pending()
    analysis = api.get(f"/v1/voices/{voice['voice_id']}").json()["sample_analysis"]
    assert [s["name"] for s in analysis["samples"]] == [Path(p).name for p in SAMPLES]
    assert analysis["speech_seconds"] == pytest.approx(
        sum(s["speech_seconds"] for s in analysis["samples"])
    )
    assert analysis["speech_seconds"] > 10 and analysis["one_speaker"] is True
    # Each sample alone holds under 10 s of speech; together they are enough.
    assert analysis["verdict"] in {"ok", "warn"} and analysis["advice"]
    assert analysis["status"] == analysis["verdict"]
    for sample in analysis["samples"]:
        assert sample["status"] == "reject" and sample["error"] is None
        assert sample["snr_db"] > 15 and sample["clipping_percent"] < 1
        assert -40 < sample["loudness_lufs"] < -5 and sample["speech_seconds"] < 10
        assert sample["verdict"] == "reject" and "10 s" in sample["advice"][0]
    assert response["Location"].endswith(f"/v1/voices/{voice['voice_id']}")
    stored = Voice.objects.get(public_id=voice["voice_id"])
    assert stored.name == "my-narrator" and stored.owner == alice
    assert sent == [((stored.pk,), {"queue": "cloning_instant"})]
    assert balance_for(user=alice) == 4_500_000
    listed = {v["id"] for v in api.get("/v1/voices?type=cloned").json()["voices"]}
    assert voice["voice_id"] in listed

    # The worker reports progress on the voice; GET shows it.
    Voice.objects.filter(pk=stored.pk).update(progress=40)
    polled = api.get(f"/v1/voices/{voice['voice_id']}").json()
    assert (polled["status"], polled["progress"], polled["error"]) == ("processing", 40, None)
    assert polled["sample_analysis"] == analysis
    assert polled["consent_id"] == consent["consent_id"]
    voice_clone_fail(voice_id=stored.pk, message="Cloning failed: no usable speech.")
    polled = api.get(f"/v1/voices/{voice['voice_id']}").json()
    assert polled["status"] == "failed" and polled["error"] == "Cloning failed: no usable speech."
    assert balance_for(user=alice) == 5_000_000  # refunded
    # Nothing left to stop: a clear conflict, not a silent success.
    stop = api.post(f"/v1/voices/{voice['voice_id']}/cancel", {})
    assert stop.status_code == 409 and "not being cloned" in stop.json()["error"]["message"]


def test_it_stops_a_queued_clone_and_refunds_the_fee(
    api, alice, bob, keyed, recording, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(voice_clone_task, "apply_async", lambda *a, **o: None)
    grant_free_tier(user=alice)
    consent = _consent(api, recording).json()
    with django_capture_on_commit_callbacks(execute=True):
        started = _clone_start(api, recording, name="to-stop", consent_id=consent["consent_id"])
    started = started.json()
    assert balance_for(user=alice) == 4_500_000

    # Another account cannot tell the voice exists, let alone stop it.
    assert keyed(bob).post(f"/v1/voices/{started['voice_id']}/cancel", {}).status_code == 404
    stop = api.post(f"/v1/voices/{started['voice_id']}/cancel", {})
    assert stop.status_code == 202, stop.content
    assert stop.json()["status"] == "processing" and stop.json()["stopping"] is True

    # The worker reaches the message: the clone never runs, the voice fails, the fee returns.
    voice = Voice.objects.get(public_id=started["voice_id"])
    voice_clone_task(voice.pk)
    polled = api.get(f"/v1/voices/{started['voice_id']}").json()
    assert polled["status"] == "failed" and polled["stopping"] is False
    assert balance_for(user=alice) == 5_000_000


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


def test_a_clone_refused_in_the_request_leaves_a_listed_draft_without_its_samples(
    api, alice, recording, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(voice_clone_task, "apply_async", lambda *a, **o: None)
    consent = _consent(api, recording).json()  # and no credit to pay for the clone
    refused = _clone_start(api, recording, name="unpaid", consent_id=consent["consent_id"])
    assert refused.status_code == 402, refused.content
    body = refused.json()
    assert body["error"]["code"] == "clone_refused"
    assert [s["name"] for s in body["sample_analysis"]["samples"]] == [
        Path(p).name for p in SAMPLES
    ]

    draft = Voice.objects.get(consent__public_id=consent["consent_id"])
    assert draft.status == Voice.Status.DRAFT and not draft.samples.exists()
    listed = {v["id"]: v for v in api.get("/v1/voices?type=cloned").json()["voices"]}
    assert listed[draft.public_id]["status"] == "draft"
    assert listed[draft.public_id]["consent_id"] == consent["consent_id"]
    assert listed[draft.public_id]["sample_analysis"] is None

    # The same consent, with credit this time.
    grant_free_tier(user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        again = _clone_start(api, recording, name="long", consent_id=consent["consent_id"])
    assert again.status_code == 202, again.content
    assert again.json()["voice_id"] == draft.public_id
    assert len(again.json()["sample_analysis"]["samples"]) == 2


def _short_clone(api, recording, consent_id):
    with open(recording(SAMPLES[0]), "rb") as fh:
        return api.client.post(
            "/v1/voices/clone",
            {"name": "short", "file": fh, "consent_id": consent_id},
            headers={"Authorization": f"Bearer {api.raw}"},
        )


def test_the_request_decodes_nothing_and_the_worker_refuses_too_little_speech_once(
    api, alice, recording, monkeypatch, django_capture_on_commit_callbacks
):
    import voices.cloning.audio

    monkeypatch.setattr(voice_clone_task, "apply_async", lambda *a, **o: None)
    grant_free_tier(user=alice)
    consent = _consent(api, recording).json()

    def no_decoding(*args, **kwargs):
        raise AssertionError("the request decoded audio")

    monkeypatch.setattr(voices.cloning.audio, "decode", no_decoding)
    with django_capture_on_commit_callbacks(execute=True):
        started = _short_clone(api, recording, consent["consent_id"])
    monkeypatch.undo()
    # One sentence of LJ Speech holds under the instant tier's 10 s of speech, which only the
    # worker's decoding can tell: the request accepts it and charges the fee.
    assert started.status_code == 202, started.content
    assert started.json()["sample_analysis"]["samples"][0]["status"] == "analysing"
    assert balance_for(user=alice) == 4_500_000
    voice = Voice.objects.get(public_id=started.json()["voice_id"])

    decoded = []
    real_decode = voices.cloning.audio.decode
    monkeypatch.setattr(
        voices.cloning.audio, "decode", lambda *a, **k: decoded.append(1) or real_decode(*a, **k)
    )
    voice_clone_task(voice.pk)  # the worker: analyse, then refuse; the clone never runs
    assert decoded
    polled = api.get(f"/v1/voices/{voice.public_id}").json()
    assert polled["status"] == "failed"
    assert "needs at least 10 s of speech" in polled["error"] and "refunded" in polled["error"]
    assert polled["sample_analysis"]["speech_seconds"] < 10
    assert polled["sample_analysis"]["samples"][0]["snr_db"] > 15
    assert balance_for(user=alice) == 5_000_000

    # A redelivered task, a second failure and the reconciler refund nothing more.
    voice_clone_task(voice.pk)
    voice_clone_fail(voice_id=voice.pk, message="again")
    clones_reconcile()
    assert balance_for(user=alice) == 5_000_000

    # The same consent again, with enough speech: the failed clone's samples are replaced.
    with django_capture_on_commit_callbacks(execute=True):
        again = _clone_start(api, recording, name="long", consent_id=consent["consent_id"])
    assert again.status_code == 202, again.content
    assert again.json()["voice_id"] == voice.public_id
    assert [s["name"] for s in again.json()["sample_analysis"]["samples"]] == [
        Path(p).name for p in SAMPLES
    ]


def test_the_worker_fails_a_clone_whose_sample_does_not_decode_with_the_upload_message(
    api, alice, recording, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(voice_clone_task, "apply_async", lambda *a, **o: None)
    grant_free_tier(user=alice)
    consent = _consent(api, recording).json()
    cut = recording(SAMPLES[0])
    cut.write_bytes(cut.read_bytes()[:20_000])  # its header is whole; its audio is not
    with open(cut, "rb") as a, open(recording(SAMPLES[1]), "rb") as b:
        started = api.client.post(
            "/v1/voices/clone",
            {"name": "cut", "file": [a, b], "consent_id": consent["consent_id"]},
            headers={"Authorization": f"Bearer {api.raw}"},
        )
    assert started.status_code == 202, started.content
    voice = Voice.objects.get(public_id=started.json()["voice_id"])
    assert voice.samples.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        voice_clone_task(voice.pk)
    polled = api.get(f"/v1/voices/{voice.public_id}").json()
    assert polled["status"] == "failed" and "could not be decoded" in polled["error"]
    assert "LJ001-0001.flac" in polled["error"]
    statuses = {s["name"]: s["status"] for s in polled["sample_analysis"]["samples"]}
    assert statuses["LJ001-0001.flac"] == "reject" and statuses["LJ001-0003.flac"] != "analysing"
    rejected = voice.samples.get(status=Sample.Status.REJECTED)
    assert not rejected.file and "could not be decoded" in rejected.error
    assert balance_for(user=alice) == 5_000_000


def test_the_clone_form_fields_have_limits_in_the_schema_and_the_answer(api, alice, recording):
    schema = api.get("/v1/openapi.json").json()
    body = schema["paths"]["/v1/voices/clone"]["post"]["requestBody"]["content"]
    fields = body["multipart/form-data"]["schema"]["properties"]
    assert fields["name"]["maxLength"] == 80 and fields["consent_id"]["maxLength"] == 40
    assert fields["tier"]["enum"] == ["instant", "professional"]

    consent = _consent(api, recording).json()
    too_long = _clone_start(api, recording, name="n" * 81, consent_id=consent["consent_id"])
    assert too_long.status_code == 400
    assert "name" in too_long.json()["error"]["message"]
    assert "80" in too_long.json()["error"]["message"]
    with open(recording(SAMPLES[0]), "rb") as fh:
        bad_tier = api.client.post(
            "/v1/voices/clone",
            {"name": "x", "file": fh, "consent_id": consent["consent_id"], "tier": "deluxe"},
            headers={"Authorization": f"Bearer {api.raw}"},
        )
    assert bad_tier.status_code == 400
    assert "instant" in bad_tier.json()["error"]["message"]
    assert not Sample.objects.exists()
