"""A voice of someone else is held until staff have read the speaker's signed document."""

import pytest
from django.urls import reverse

from voices.exceptions import ConsentAwaitingReview
from voices.models import ConsentRecord
from voices.services import consent_approve, voice_style_for_tts

pytestmark = pytest.mark.django_db


def test_a_verified_voice_of_someone_else_waits_for_staff(client, alice, staff, make_voice):
    voice = make_voice(alice, relation="other")  # statement and speaker checks passed
    assert voice.consent.verification == ConsentRecord.Verification.VERIFIED
    with pytest.raises(ConsentAwaitingReview, match="signed consent document"):
        voice_style_for_tts(user=alice, public_id=voice.public_id)
    assert voice.consent.state == "needs_review" and not voice.is_usable

    client.force_login(staff)
    listed = client.get(reverse("voices:staff_consents"), {"state": "needs_review"})
    assert voice.consent.public_id in listed.content.decode()
    detail = client.get(reverse("voices:staff_consent", args=[voice.consent.public_id]))
    assert b"Approve" in detail.content

    consent_approve(consent=voice.consent, staff_user=staff)
    assert voice_style_for_tts(user=alice, public_id=voice.public_id).shape == (510, 1, 256)


def test_a_voice_of_the_account_holder_needs_no_approval(alice, make_voice):
    voice = make_voice(alice, relation="self")
    assert voice_style_for_tts(user=alice, public_id=voice.public_id).shape == (510, 1, 256)
