"""voice_style_for_tts: allowed only with valid consent; every refusal is audited."""

from datetime import timedelta

import numpy as np
import pytest
from django.http import Http404
from django.utils import timezone

from voices.audit import Event, audit_chain_verify
from voices.exceptions import (
    ConsentAwaitingReview,
    ConsentExpired,
    ConsentRequired,
    ConsentRevoked,
    VoiceNotReady,
    VoicePolicyError,
)
from voices.models import AuditEntry, ConsentRecord, Voice
from voices.services import consent_revoke, voice_style_for_tts

pytestmark = pytest.mark.django_db


def test_it_returns_the_style_of_a_ready_consented_voice(alice, make_voice):
    voice = make_voice(alice)
    style = voice_style_for_tts(user=alice, public_id=voice.public_id)
    assert style.shape == (510, 1, 256)
    assert style.dtype == np.float32
    assert not AuditEntry.objects.filter(event=Event.USE_REFUSED).exists()


def test_it_accepts_a_voice_staff_approved(alice, make_voice):
    voice = make_voice(alice, verification=ConsentRecord.Verification.APPROVED)
    assert voice_style_for_tts(user=alice, public_id=voice.public_id).shape == (510, 1, 256)


@pytest.mark.parametrize(
    ("setup", "error", "code"),
    [
        ({"with_consent": False}, ConsentRequired, "consent_required"),
        ({"expires_on": "yesterday"}, ConsentExpired, "consent_expired"),
        ({"verification": "needs_review"}, ConsentAwaitingReview, "consent_awaiting_review"),
        ({"status": Voice.Status.PROCESSING}, VoiceNotReady, "voice_not_ready"),
        ({"status": Voice.Status.FAILED}, VoiceNotReady, "voice_not_ready"),
    ],
)
def test_it_refuses_and_audits(alice, make_voice, setup, error, code):
    if setup.get("expires_on") == "yesterday":
        setup = {**setup, "expires_on": timezone.localdate() - timedelta(days=1)}
    voice = make_voice(alice, **setup)
    with pytest.raises(error) as caught:
        voice_style_for_tts(user=alice, public_id=voice.public_id)
    assert isinstance(caught.value, VoicePolicyError)
    assert caught.value.code == code
    assert caught.value.message
    refusal = AuditEntry.objects.get(event=Event.USE_REFUSED)
    assert refusal.voice_public_id == voice.public_id
    assert refusal.payload == {"code": code}
    assert audit_chain_verify().intact


def test_it_refuses_a_revoked_voice(alice, make_voice, django_capture_on_commit_callbacks):
    voice = make_voice(alice, relation="other")
    with django_capture_on_commit_callbacks(execute=True):
        consent_revoke(consent=voice.consent, by="speaker", actor="speaker:link")
    with pytest.raises(ConsentRevoked):
        voice_style_for_tts(user=alice, public_id=voice.public_id)
    assert AuditEntry.objects.filter(event=Event.USE_REFUSED).count() == 1


def test_it_is_404_for_another_user_and_for_unknown_ids(alice, bob, make_voice):
    voice = make_voice(alice)
    with pytest.raises(Http404):
        voice_style_for_tts(user=bob, public_id=voice.public_id)
    with pytest.raises(Http404):
        voice_style_for_tts(user=alice, public_id="vc_doesnotexist")
    assert not AuditEntry.objects.exists()


def test_consent_evidence_cannot_be_edited(alice, make_voice):
    consent = make_voice(alice).consent
    consent.speaker_name = "Someone Else"
    with pytest.raises(ValueError, match="immutable"):
        consent.save()
