import re

import pytest
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from billing.models import LedgerEntry
from billing.selectors import balance_for
from billing.services import grant_free_tier

pytestmark = pytest.mark.django_db


def _confirm_latest_email(client) -> None:
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mail.outbox[-1].body)
    path = "/" + link.group(0).split("://", 1)[1].split("/", 1)[1]
    assert client.post(path).status_code == 302


def test_it_grants_five_dollars_when_the_email_is_verified(client, password):
    client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": password, "password2": password},
    )
    user = get_user_model().objects.get(email="new@example.com")
    assert balance_for(user=user) == 0  # signed up, not verified: nothing yet

    _confirm_latest_email(client)

    assert balance_for(user=user) == 5_000_000
    grant = LedgerEntry.objects.get(account__user=user)
    assert grant.kind == "grant"
    assert "Free tier" in grant.memo


def test_it_grants_the_free_tier_only_once(client, alice):
    assert grant_free_tier(user=alice) is not None
    assert grant_free_tier(user=alice) is None
    # A second address verified later (or a replayed confirmation) grants nothing more.
    EmailAddress.objects.create(user=alice, email="alice2@example.com", verified=False)
    address = EmailAddress.objects.get(email="alice2@example.com")
    request = RequestFactory().get("/")
    request.user, request.session = alice, {}
    with allauth_context.request_context(request):
        address.send_confirmation(request, signup=False)
    _confirm_latest_email(client)
    address.refresh_from_db()
    assert address.verified
    assert balance_for(user=alice) == 5_000_000
    assert LedgerEntry.objects.filter(kind="grant").count() == 1


def test_it_grants_nothing_without_a_verified_email(password):
    user = get_user_model().objects.create_user(email="unverified@example.com", password=password)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    assert grant_free_tier(user=user) is None
    assert balance_for(user=user) == 0


def test_it_can_be_switched_off(alice, settings):
    settings.BILLING_FREE_TIER_MICROS = 0
    assert grant_free_tier(user=alice) is None
    assert balance_for(user=alice) == 0
