"""The whole cloning flow through the test client, with the real cloning library and engine.

Starting a clone only charges the fee and queues it; a worker clones. The end-to-end test starts a
real worker taking only the instant queue; the others run the queued task in this process, or
stand in for the cloning library where the real one adds nothing but minutes.
"""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from billing.pricing import cloning_fee_micros
from billing.selectors import balance_for
from tests.conftest import start_worker
from tests.voices.conftest import (
    LJ_SAMPLES,
    STRANGER,
    analyse_pending,
    broker_stand_in,
    flac_bytes,
    poll_clone_page,
)
from voices.audit import Event, audit_chain_verify, audit_records_verify
from voices.cloning.errors import CloningCancelled, CloningError
from voices.exceptions import UseNotPermitted
from voices.models import AuditEntry, ConsentRecord, Sample, Voice
from voices.prompts import GUIDED_PROMPTS, spoken_statement
from voices.services import voice_style_for_tts
from voices.tasks import voice_clone_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """Clone tasks sent to the broker, as (args, options); nothing reaches a real broker."""
    return broker_stand_in(monkeypatch, voice_clone_task)


def _never(**kwargs):
    raise AssertionError("the clone ran inside the web request")


def _consent(client, recording, **extra):
    """Record a consent; `recording(code)` gives the consent recording's file."""
    page = client.get(reverse("voices:clone"))
    assert page.status_code == 200
    code = client.session["voices:consent_code"]
    assert code in page.content.decode()
    with recording(code).open("rb") as f:
        data = {
            "voice_name": "Linda", "relation": "self", "speaker_name": "Linda Johnson",
            "statement_create": "on", "statement_understand": "on", "statement_truthful": "on",
            "uses": ["personal", "project"], "project_name": "Audiobook",
            "signature": "Linda Johnson", "recording": f, **extra,
        }  # fmt: skip
        response = client.post(reverse("voices:clone"), data, HTTP_USER_AGENT="pytest-browser/1.0")
    assert response.status_code == 302, response.content.decode()[:2000]
    return Voice.objects.get(owner__email="alice@example.com", name="Linda"), code


def _add_samples(client, paths, voice):
    files = [path.open("rb") for path in paths]
    url = reverse("voices:clone_samples", args=[voice.public_id])
    response = client.post(url, {"file": files}, HTTP_HX_REQUEST="true")
    for f in files:
        f.close()
    assert response.status_code == 200, response.content.decode()[:2000]
    assert 'id="samples"' in response.content.decode()
    assert voice.samples.count() == len(paths)
    # Stored, not yet analysed: the page polls while the analysis worker decodes them.
    assert "Analysing…" in response.content.decode()
    analysed = analyse_pending()
    assert [s.status for s in analysed] == [Sample.Status.ANALYSED] * len(paths)
    tier_page = client.get(reverse("voices:clone_tier", args=[voice.public_id]))
    assert b"$0.50" in tier_page.content


def _start(client, voice, tier="instant"):
    response = client.post(reverse("voices:clone_tier", args=[voice.public_id]), {"tier": tier})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("voices:detail", args=[voice.public_id])
    voice.refresh_from_db()
    return voice


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_it_clones_a_consented_voice_end_to_end(client, alice, funded, spoken, settings, tmp_path):
    # The worker process reads the test run's media folder, not this test's private one.
    settings.MEDIA_ROOT = Path(os.environ["SPEEKO_TEST_RUN_DIR"]) / "media"
    funded(alice)
    client.force_login(alice)
    before = balance_for(user=alice)

    # A stock voice reads the statement and the samples: a speaker who really says the code.
    def statement(code):
        text = spoken_statement(speaker_name="Linda Johnson", code=code)
        return _file(tmp_path / "consent.flac", flac_bytes(*spoken(text)))

    samples = [
        _file(tmp_path / f"take{n}.flac", flac_bytes(*spoken(prompt)))
        for n, prompt in enumerate(GUIDED_PROMPTS[:3])
    ]
    voice, code = _consent(client, statement)
    consent = voice.consent
    assert voice.public_id.startswith("vc_") and consent.public_id.startswith("cs_")
    assert consent.spoken_text.endswith(f"My consent code is {code}.")
    assert "Linda Johnson" in consent.spoken_text
    assert consent.statement_version and len(consent.statements) == 3
    assert len(consent.recording_sha256) == 64
    assert consent.ip_address == "127.0.0.1" and consent.user_agent == "pytest-browser/1.0"
    _add_samples(client, samples, voice)

    # Only the instant queue: the clone has to be routed there, and this worker is enough.
    worker = start_worker(tmp_path, queues="cloning_instant")
    try:
        voice = _start(client, voice)
        # The request came back before the clone ran; the fee is charged when it starts.
        assert voice.status == Voice.Status.PROCESSING and voice.tier == Voice.Tier.INSTANT
        assert balance_for(user=alice) == before - 500_000
        final, seen = poll_clone_page(client, voice, worker)
    finally:
        worker.stop()
    voice.refresh_from_db()
    assert voice.status == Voice.Status.READY, (voice.error, worker.log()[-3000:])
    assert 200 in seen  # still cloning at least once while the page polled
    assert "Use in playground" in final.content.decode()
    assert 0 < voice.identity_score <= 1 and voice.progress == 100
    consent.refresh_from_db()
    assert consent.verification == ConsentRecord.Verification.VERIFIED, consent.speaker_match
    assert consent.code_heard and consent.name_heard, consent.transcript
    assert consent.recogniser.startswith("faster-whisper") and len(consent.transcript_sha256) == 64
    assert balance_for(user=alice) == before - 500_000  # charged once

    page = client.get(reverse("voices:detail", args=[voice.public_id])).content.decode()
    assert f"/synthesis/playground/?voice={voice.public_id}" in page
    preview = client.get(reverse("voices:preview", args=[voice.public_id]))
    assert preview.status_code == 200
    assert len(b"".join(preview.streaming_content)) > 1000
    # The speaker permitted two uses: a request says which one it is for.
    with pytest.raises(UseNotPermitted, match="Say which use"):
        voice_style_for_tts(user=alice, public_id=voice.public_id)
    style = voice_style_for_tts(user=alice, public_id=voice.public_id, use="personal")
    assert style.shape == (510, 1, 256)
    events = list(AuditEntry.objects.values_list("event", flat=True))
    assert events == [Event.CONSENT_RECORDED, Event.CONSENT_VERIFIED, Event.USE_REFUSED]
    assert audit_chain_verify().intact and audit_records_verify() == []


def test_a_consent_that_does_not_say_the_statement_stops_the_clone(
    client, alice, staff, funded, speech, queued, monkeypatch, django_capture_on_commit_callbacks
):
    """A real take of the speaker reading other words: neither the code nor the name is heard,
    and the voice is another person's, so nothing is cloned and the fee comes back."""
    monkeypatch.setattr("voices.services.cloning.clone_samples", _never)
    funded(alice)
    before = balance_for(user=alice)
    client.force_login(alice)
    voice, _ = _consent(client, lambda code: speech(STRANGER))
    _add_samples(client, [speech(name) for name in LJ_SAMPLES], voice)
    with django_capture_on_commit_callbacks(execute=True):
        voice = _start(client, voice)
    assert queued == [((voice.pk,), {"queue": "cloning_instant"})]
    voice_clone_task(voice.pk)  # what the worker does with that message
    voice.refresh_from_db()
    assert voice.status == Voice.Status.FAILED
    assert "does not say the one-time code or the speaker's name" in voice.error
    assert "does not match the samples" in voice.error
    assert balance_for(user=alice) == before
    consent = voice.consent
    assert consent.verification == ConsentRecord.Verification.NEEDS_REVIEW
    assert consent.code_heard is False and consent.name_heard is False and consent.transcript
    assert audit_records_verify() == []  # the row still matches what the chain recorded
    entry = AuditEntry.objects.get(event=Event.CONSENT_NEEDS_REVIEW)
    assert entry.payload["code_heard"] is False and entry.payload["name_heard"] is False
    assert entry.payload["transcript_sha256"] == consent.transcript_sha256
    assert entry.payload["recogniser"].startswith("faster-whisper")

    client.force_login(staff)
    listed = client.get(reverse("voices:staff_consents"), {"state": "needs_review"})
    assert consent.public_id in listed.content.decode()
    client.post(reverse("voices:staff_consent_approve", args=[consent.public_id]))
    consent.refresh_from_db()
    assert consent.verification == ConsentRecord.Verification.APPROVED
    # Approved by staff, the owner may start the clone again.
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        voice = _start(client, voice)
    assert voice.status == Voice.Status.PROCESSING


def _file(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("tier", "speech_seconds", "queue"),
    [("instant", 30, "cloning_instant"), ("professional", 90, "cloning")],
)
def test_starting_a_clone_only_charges_and_queues_it(
    client, alice, funded, make_voice, queued, monkeypatch, django_capture_on_commit_callbacks,
    tier, speech_seconds, queue,
):  # fmt: skip
    monkeypatch.setattr("voices.services.cloning.clone_samples", _never)
    funded(alice)
    client.force_login(alice)
    voice = make_voice(alice, status=Voice.Status.DRAFT)
    voice.samples.update(speech_seconds=speech_seconds)
    before = balance_for(user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        voice = _start(client, voice, tier)
    assert queued == [((voice.pk,), {"queue": queue})]
    assert voice.status == Voice.Status.PROCESSING and voice.tier == tier
    assert voice.progress == 0 and voice.error == ""
    assert balance_for(user=alice) == before - cloning_fee_micros(tier)
    page = client.get(reverse("voices:detail", args=[voice.public_id])).content.decode()
    assert "<progress" in page and "every 1s" in page and "Stop</button>" in page
    progress = client.get(
        reverse("voices:progress", args=[voice.public_id]), HTTP_HX_REQUEST="true"
    )
    assert progress.status_code == 200  # keep polling


def test_a_clone_stopped_while_queued_never_runs_and_is_refunded(
    client, alice, funded, make_voice, queued, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("voices.services.cloning.clone_samples", _never)
    funded(alice)
    client.force_login(alice)
    voice = make_voice(alice, status=Voice.Status.DRAFT)
    voice.samples.update(speech_seconds=30)
    before = balance_for(user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        _start(client, voice)
    response = client.post(reverse("voices:cancel", args=[voice.public_id]))
    assert response.status_code == 302
    voice_clone_task(voice.pk)  # the worker reaches the message
    voice.refresh_from_db()
    assert voice.status == Voice.Status.FAILED and voice.error == "Stopped before it finished."
    assert balance_for(user=alice) == before
    page = client.get(reverse("voices:detail", args=[voice.public_id])).content.decode()
    assert "Your fee was refunded." in page


@pytest.mark.parametrize(
    ("stop", "message"),
    [
        (CloningCancelled("cloning was cancelled"), "Stopped before it finished."),
        (CloningError("no usable speech"), "Cloning failed: no usable speech."),
    ],
)
def test_a_clone_stopped_or_failing_while_running_is_refunded(
    client, alice, funded, make_voice, queued, monkeypatch, django_capture_on_commit_callbacks,
    stop, message,
):  # fmt: skip
    funded(alice)
    client.force_login(alice)
    # Approved by staff: the worker goes straight to cloning.
    voice = make_voice(alice, status=Voice.Status.DRAFT, verification="approved")
    voice.samples.update(speech_seconds=30)
    before = balance_for(user=alice)

    def clone(*, samples, tier, progress, should_cancel):
        progress(40.0, 0.5)
        if isinstance(stop, CloningCancelled):
            client.post(reverse("voices:cancel", args=[voice.public_id]))  # Stop, mid-clone
            assert should_cancel()
        raise stop

    monkeypatch.setattr("voices.services.cloning.clone_samples", clone)
    with django_capture_on_commit_callbacks(execute=True):
        _start(client, voice)
    voice_clone_task(voice.pk)
    voice.refresh_from_db()
    assert voice.status == Voice.Status.FAILED and voice.error == message
    assert voice.progress == 40  # what the page showed until then
    assert balance_for(user=alice) == before


def test_it_refuses_to_start_without_credit(client, alice, speech, make_voice):
    client.force_login(alice)
    voice = make_voice(alice, status=Voice.Status.DRAFT)
    voice.samples.update(speech_seconds=30)
    response = client.post(
        reverse("voices:clone_tier", args=[voice.public_id]), {"tier": "instant"}
    )
    assert response.status_code == 400
    assert b"Not enough credit" in response.content
    voice.refresh_from_db()
    assert voice.status == Voice.Status.DRAFT


def test_it_refuses_a_tier_the_samples_dont_fit(client, alice, funded, make_voice):
    funded(alice)
    client.force_login(alice)
    voice = make_voice(alice, status=Voice.Status.DRAFT)
    response = client.post(
        reverse("voices:clone_tier", args=[voice.public_id]), {"tier": "instant"}
    )
    assert response.status_code == 400
    assert b"needs at least 10 s of speech" in response.content
