import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _confirmation_link(message) -> str:
    match = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", message.body)
    assert match, message.body
    return match.group(0)


def test_it_signs_up_verifies_and_reaches_the_dashboard(client, password):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": password, "password2": password},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")

    user = get_user_model().objects.get(email="new@example.com")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.com"]

    # Unverified accounts cannot reach the dashboard.
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "new@example.com", "password": password}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("dashboard")).status_code == 302

    link = _confirmation_link(mail.outbox[-1])
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    response = client.post("/" + path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "new@example.com", "password": password}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert b"Signed in as new@example.com" in response.content


def test_it_does_not_reveal_or_duplicate_an_existing_account(client, alice, password):
    # Enumeration protection: the page looks the same, the owner is told by e-mail instead.
    response = client.post(
        reverse("account_signup"),
        {"email": "ALICE@example.com", "password1": password, "password2": password},
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(email__iexact="alice@example.com").count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.com"]
    assert "already" in mail.outbox[0].body


def test_it_rejects_a_weak_password_and_creates_nothing(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "weak@example.com", "password1": "123", "password2": "123"},
    )
    assert response.status_code == 200
    assert b"too short" in response.content
    assert not get_user_model().objects.filter(email="weak@example.com").exists()


def test_it_locks_out_repeated_failed_logins(client, alice):
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": alice.email, "password": "wrong password"}
        )
        assert response.status_code == 200
    response = client.post(
        reverse("account_login"), {"login": alice.email, "password": "wrong password"}
    )
    assert response.status_code in {200, 429}
    assert b"Too many failed login attempts" in response.content


def test_it_resets_a_forgotten_password(client, alice):
    response = client.post(reverse("account_reset_password"), {"email": alice.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    match = re.search(r"https?://[^/]+(/accounts/password/reset/key/[^\s]+/)", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    response = client.get(match.group(1), follow=True)
    form_url = response.redirect_chain[-1][0]
    new_password = "a brand new passphrase 99"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new_password)
