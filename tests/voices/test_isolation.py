"""Another user gets 404 for every voice, sample, consent document and recording of alice's."""

import pytest
from django.urls import reverse

from voices.models import Voice

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices(alice, make_voice):
    voice = make_voice(alice, relation="other")
    return voice, voice.samples.get(), voice.consent


def _urls(voice, sample, consent):
    return [
        ("get", reverse("voices:detail", args=[voice.public_id])),
        ("get", reverse("voices:progress", args=[voice.public_id])),
        ("get", reverse("voices:preview", args=[voice.public_id])),
        ("get", reverse("voices:clone_samples", args=[voice.public_id])),
        ("get", reverse("voices:clone_tier", args=[voice.public_id])),
        ("get", reverse("voices:sample_audio", args=[sample.public_id])),
        ("get", reverse("voices:consent_recording", args=[consent.public_id])),
        ("get", reverse("voices:consent_document", args=[consent.public_id])),
        ("post", reverse("voices:rename", args=[voice.public_id])),
        ("post", reverse("voices:delete", args=[voice.public_id])),
        ("post", reverse("voices:cancel", args=[voice.public_id])),
        ("post", reverse("voices:sample_delete", args=[sample.public_id])),
    ]


def test_it_serves_alice_her_own_files(client, alice, alices):
    client.force_login(alice)
    for method, url in _urls(*alices)[:8]:
        response = getattr(client, method)(url)
        assert response.status_code in (200, 286, 302), url
    assert (
        client.get(reverse("voices:consent_document", args=[alices[2].public_id]))["Content-Type"]
        == "application/pdf"
    )


@pytest.mark.parametrize("who", ["bob", "charlie"])
def test_it_is_404_for_other_users(client, request, alices, who):
    client.force_login(request.getfixturevalue(who))
    for method, url in _urls(*alices):
        response = getattr(client, method)(url, {"name": "stolen"} if method == "post" else None)
        assert response.status_code == 404, url
    voice = alices[0]
    voice.refresh_from_db()
    assert voice.name == "Test voice"
    assert Voice.objects.filter(pk=voice.pk).exists()


def test_it_lists_only_the_users_own_voices(client, alice, bob, alices, make_voice):
    make_voice(bob, name="Bob's voice")
    client.force_login(bob)
    body = client.get(reverse("voices:mine")).content.decode()
    assert "Bob&#x27;s voice" in body
    assert alices[0].public_id not in body


def test_it_asks_visitors_to_sign_in(client, alices):
    for method, url in _urls(*alices):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_it_keeps_the_staff_console_from_users(client, alice, alices):
    client.force_login(alice)
    for name, args in [
        ("voices:staff_consents", []),
        ("voices:staff_consents_csv", []),
        ("voices:staff_audit", []),
        ("voices:staff_consent", [alices[2].public_id]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403
    response = client.post(reverse("voices:staff_consent_revoke", args=[alices[2].public_id]))
    assert response.status_code == 403
