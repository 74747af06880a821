"""Erasure removes every file at once, keeps a tombstone, and tells the synthesis app."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.voices.conftest import media_files
from voices.audit import Event, audit_chain_verify
from voices.models import AuditEntry, ConsentRecord, Sample, Voice
from voices.services import consent_revocation_token
from voices.signals import voice_erased

pytestmark = pytest.mark.django_db


@pytest.fixture
def erased_signals():
    received = []

    def receiver(sender, voice_public_id, user, **kwargs):
        received.append((voice_public_id, user.email))

    voice_erased.connect(receiver)
    yield received
    voice_erased.disconnect(receiver)


def _assert_tombstone(consent: ConsentRecord, reason: str) -> None:
    consent.refresh_from_db()
    assert consent.erased_at is not None
    assert consent.erasure_reason == reason
    for field in ("speaker_name", "speaker_email", "signature", "spoken_text", "user_agent"):
        assert getattr(consent, field) == "", field
    assert consent.ip_address is None
    assert consent.recording_file == consent.document_file == ""
    # Kept: ids and digests, so the record still proves what was given and when.
    assert len(consent.recording_sha256) == 64
    assert consent.voice_public_id.startswith("vc_")


def test_it_erases_everything_when_the_owner_deletes(
    client, alice, make_voice, media, erased_signals, django_capture_on_commit_callbacks
):
    voice = make_voice(alice)
    consent = voice.consent
    assert len(media_files(media)) == 5
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("voices:delete", args=[voice.public_id]))
    assert response.status_code == 302
    assert media_files(media) == []
    assert not Voice.objects.filter(pk=voice.pk).exists()
    assert not Sample.objects.exists()
    assert erased_signals == [(voice.public_id, "alice@example.com")]
    _assert_tombstone(consent, "deleted by owner")
    assert client.get(reverse("voices:detail", args=[voice.public_id])).status_code == 404
    erased = AuditEntry.objects.get(event=Event.VOICE_ERASED)
    assert erased.voice_public_id == voice.public_id
    assert audit_chain_verify().intact


def test_the_speaker_revokes_through_the_emailed_link(
    client, alice, make_voice, media, erased_signals, django_capture_on_commit_callbacks
):
    voice = make_voice(alice, relation="other")
    token = consent_revocation_token(consent=voice.consent)
    url = reverse("voices:revoke", args=[token])
    page = client.get(url)  # the speaker has no account: the signed link is enough
    assert page.status_code == 200
    assert b"Revoke my consent" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 200
    assert media_files(media) == []
    voice.refresh_from_db()
    assert voice.status == Voice.Status.REVOKED
    assert voice.style_file == voice.preview_file == ""
    assert erased_signals == [(voice.public_id, "alice@example.com")]
    _assert_tombstone(voice.consent, "revoked by speaker")
    events = list(AuditEntry.objects.values_list("event", flat=True))
    assert events == [Event.CONSENT_REVOKED, Event.VOICE_ERASED]
    assert client.get(reverse("voices:revoke", args=[token[:-2] + "xx"])).status_code == 404


def test_it_erases_voices_with_the_account(
    alice, make_voice, media, erased_signals, django_capture_on_commit_callbacks
):
    first, second = make_voice(alice), make_voice(alice, relation="other")
    consents = [first.consent.pk, second.consent.pk]
    with django_capture_on_commit_callbacks(execute=True):
        alice.delete()
    assert media_files(media) == []
    assert not Voice.objects.exists()
    assert {v for v, _ in erased_signals} == {first.public_id, second.public_id}
    for consent in ConsentRecord.objects.filter(pk__in=consents):
        assert consent.user is None
        _assert_tombstone(consent, "account deleted")
    assert audit_chain_verify().intact


def test_staff_revocation_erases_the_voice(
    client, alice, staff, make_voice, media, django_capture_on_commit_callbacks
):
    voice = make_voice(alice)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("voices:staff_consent_revoke", args=[voice.consent.public_id]))
    assert media_files(media) == []
    voice.refresh_from_db()
    assert voice.status == Voice.Status.REVOKED
    assert voice.consent.revoked_by == "staff"


def test_the_consent_email_carries_a_working_revocation_link(alice, make_voice):
    from voices.services.consent import _speaker_notify

    consent = make_voice(alice, relation="other").consent
    _speaker_notify(consent=consent)
    assert mail.outbox[0].to == ["linda@example.org"]
    path = re.search(r"https?://[^/]+(/voices/revoke/\S+/)", mail.outbox[0].body).group(1)
    assert path == reverse("voices:revoke", args=[consent_revocation_token(consent=consent)])
