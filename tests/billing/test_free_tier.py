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


def _sign_up_and_verify(client, email: str, password: str):
    client.post(
        reverse("account_signup"), {"email": email, "password1": password, "password2": password}
    )
    _confirm_latest_email(client)
    client.logout()
    return get_user_model().objects.get(email__iexact=email)


def test_it_grants_once_per_address_even_after_the_account_is_deleted(client, password):
    from speeko_site.accounts.services import user_delete

    first = _sign_up_and_verify(client, "dave@example.com", password)
    assert balance_for(user=first) == 5_000_000
    user_delete(user=first)

    again = _sign_up_and_verify(client, "dave@example.com", password)
    assert balance_for(user=again) == 0
    user_delete(user=again)
    # The same mailbox written differently is the same person.
    variant = _sign_up_and_verify(client, "Dave+promo@Example.com", password)
    assert balance_for(user=variant) == 0
    assert LedgerEntry.objects.filter(kind="grant").count() == 1
    # What the ledger keeps about the address is a digest, not the address.
    grant = LedgerEntry.objects.get(kind="grant")
    assert "dave" not in grant.idempotency_key and "example" not in grant.idempotency_key
    assert "dave" not in grant.memo


def test_another_person_still_gets_the_grant(client, password):
    _sign_up_and_verify(client, "dave@example.com", password)
    erin = _sign_up_and_verify(client, "erin@example.com", password)
    assert balance_for(user=erin) == 5_000_000


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Dave@Example.com", "dave@example.com"),
        ("dave+news@example.com", "dave@example.com"),
        ("d.a.ve@googlemail.com", "dave@gmail.com"),
    ],
)
def test_it_normalises_variants_of_one_mailbox(a, b):
    from billing.services import email_grant_key

    assert email_grant_key(a) == email_grant_key(b)
    assert email_grant_key("d.ave@example.com") != email_grant_key("dave@example.com")
