"""The whole cloning flow through the test client, with the real cloning library and engine."""

import pytest
from django.urls import reverse

from billing.selectors import balance_for
from tests.voices.conftest import LJ_CONSENT, LJ_SAMPLES, STRANGER
from voices.audit import Event, audit_chain_verify
from voices.exceptions import ConsentAwaitingReview
from voices.models import AuditEntry, ConsentRecord, Voice
from voices.services import voice_style_for_tts

pytestmark = pytest.mark.django_db


def _consent(client, speech, recording: str, **extra):
    page = client.get(reverse("voices:clone"))
    assert page.status_code == 200
    code = client.session["voices:consent_code"]
    assert code in page.content.decode()
    with speech(recording).open("rb") as f:
        data = {
            "voice_name": "Linda", "relation": "self", "speaker_name": "Linda Johnson",
            "statement_create": "on", "statement_understand": "on", "statement_truthful": "on",
            "uses": ["personal", "project"], "project_name": "Audiobook",
            "signature": "Linda Johnson", "recording": f, **extra,
        }  # fmt: skip
        response = client.post(reverse("voices:clone"), data, HTTP_USER_AGENT="pytest-browser/1.0")
    assert response.status_code == 302, response.content.decode()[:2000]
    return Voice.objects.get(owner__email="alice@example.com", name="Linda"), code


def _samples_and_clone(client, speech, voice):
    files = [speech(name).open("rb") for name in LJ_SAMPLES]
    url = reverse("voices:clone_samples", args=[voice.public_id])
    response = client.post(url, {"file": files}, HTTP_HX_REQUEST="true")
    for f in files:
        f.close()
    assert response.status_code == 200, response.content.decode()[:2000]
    assert 'id="samples"' in response.content.decode()
    assert voice.samples.count() == 2
    tier_page = client.get(reverse("voices:clone_tier", args=[voice.public_id]))
    assert b"$0.50" in tier_page.content
    response = client.post(
        reverse("voices:clone_tier", args=[voice.public_id]), {"tier": "instant"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("voices:detail", args=[voice.public_id])
    voice.refresh_from_db()
    return voice


def test_it_clones_a_consented_voice_end_to_end(client, alice, funded, speech):
    funded(alice)
    client.force_login(alice)
    before = balance_for(user=alice)
    voice, code = _consent(client, speech, LJ_CONSENT)
    consent = voice.consent
    assert voice.public_id.startswith("vc_") and consent.public_id.startswith("cs_")
    assert consent.spoken_text.endswith(f"My consent code is {code}.")
    assert "Linda Johnson" in consent.spoken_text
    assert consent.statement_version and len(consent.statements) == 3
    assert len(consent.recording_sha256) == 64
    assert consent.ip_address == "127.0.0.1" and consent.user_agent == "pytest-browser/1.0"

    voice = _samples_and_clone(client, speech, voice)
    assert voice.status == Voice.Status.READY, voice.error
    assert voice.tier == Voice.Tier.INSTANT
    assert 0 < voice.identity_score <= 1
    consent.refresh_from_db()
    assert consent.verification == ConsentRecord.Verification.VERIFIED, consent.speaker_match
    assert balance_for(user=alice) == before - 500_000

    page = client.get(reverse("voices:detail", args=[voice.public_id])).content.decode()
    assert f"/synthesis/playground/?voice={voice.public_id}" in page
    preview = client.get(reverse("voices:preview", args=[voice.public_id]))
    assert preview.status_code == 200
    assert len(b"".join(preview.streaming_content)) > 1000
    assert voice_style_for_tts(user=alice, public_id=voice.public_id).shape == (510, 1, 256)
    events = list(AuditEntry.objects.values_list("event", flat=True))
    assert events == [Event.CONSENT_RECORDED, Event.CONSENT_VERIFIED]
    assert audit_chain_verify().intact


def test_a_consent_in_another_voice_waits_for_staff(client, alice, staff, funded, speech):
    funded(alice)
    client.force_login(alice)
    voice, _ = _consent(client, speech, STRANGER)
    voice = _samples_and_clone(client, speech, voice)
    assert voice.status == Voice.Status.READY
    consent = voice.consent
    assert consent.verification == ConsentRecord.Verification.NEEDS_REVIEW, consent.speaker_match
    assert (
        b"staff will listen" in client.get(reverse("voices:detail", args=[voice.public_id])).content
    )
    with pytest.raises(ConsentAwaitingReview):
        voice_style_for_tts(user=alice, public_id=voice.public_id)

    client.force_login(staff)
    listed = client.get(reverse("voices:staff_consents"), {"state": "needs_review"})
    assert consent.public_id in listed.content.decode()
    client.post(reverse("voices:staff_consent_approve", args=[consent.public_id]))
    assert voice_style_for_tts(user=alice, public_id=voice.public_id).shape == (510, 1, 256)
    events = list(AuditEntry.objects.values_list("event", flat=True))
    assert events == [
        Event.CONSENT_RECORDED, Event.CONSENT_NEEDS_REVIEW, Event.USE_REFUSED,
        Event.CONSENT_APPROVED,
    ]  # fmt: skip


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
