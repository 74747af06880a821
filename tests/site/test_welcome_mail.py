"""The verification e-mail speaks for Speeko and says what confirming brings; the operator's own
superuser is not asked to verify an address they typed on the server."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_verification_mail_names_speeko_and_the_free_credit(client, password, settings):
    settings.BILLING_FREE_TIER_MICROS = 5_000_000
    client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": password, "password2": password},
    )
    body = mail.outbox[0].body
    assert body.startswith("Hello from Speeko!")
    assert "Hello from testserver" not in body and "127.0.0.1" not in body.split("\n")[0]
    assert "$5.00 of free credit (about 167,000 characters of speech)" in body
    assert "/accounts/confirm-email/" in body


def test_no_free_credit_is_promised_when_there_is_none(client, password, settings):
    settings.BILLING_FREE_TIER_MICROS = 0
    client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": password, "password2": password},
    )
    assert "free credit" not in mail.outbox[0].body


def test_a_superuser_made_on_the_server_signs_in_without_verifying(client, password, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", password)
    call_command("createsuperuser", "--noinput", "--email", "owner@example.com", verbosity=0)
    owner = get_user_model().objects.get(email="owner@example.com")
    assert EmailAddress.objects.get(user=owner).verified

    response = client.post(
        reverse("account_login"), {"login": "owner@example.com", "password": password}
    )
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert mail.outbox == []
