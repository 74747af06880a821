"""Webhooks signed here with Stripe's scheme: HMAC-SHA256 over "{timestamp}.{payload}"."""

import hashlib
import hmac
import json
import time

import pytest
from django.urls import reverse

from billing.models import LedgerEntry
from billing.selectors import balance_for

pytestmark = pytest.mark.django_db
URL = reverse("billing:stripe_webhook")
SECRET = "whsec_test_secret"


@pytest.fixture(autouse=True)
def _stripe_keys(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_WEBHOOK_SECRET = SECRET


def _sign(payload: str, secret: str = SECRET, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def _event(user, *, event_id="evt_1", session_id="cs_test_1", amount=1000, **overrides):
    session = {
        "id": session_id,
        "object": "checkout.session",
        "amount_total": amount,
        "currency": "usd",
        "payment_status": "paid",
        "client_reference_id": str(user.public_id),
        **overrides,
    }
    event = {
        "id": event_id,
        "object": "event",
        "type": "checkout.session.completed",
        "data": {"object": session},
    }
    return json.dumps(event)


def _post(client, payload: str, signature: str):
    return client.post(
        URL, data=payload, content_type="application/json", headers={"Stripe-Signature": signature}
    )


def test_it_credits_a_paid_checkout_once(client, alice):
    payload = _event(alice, amount=1000)
    response = _post(client, payload, _sign(payload))
    assert response.status_code == 200
    assert balance_for(user=alice) == 10_000_000
    entry = LedgerEntry.objects.get(account__user=alice)
    assert entry.kind == "topup"
    assert entry.reference == "stripe:cs_test_1"


def test_it_ignores_a_replayed_event(client, alice):
    payload = _event(alice)
    assert _post(client, payload, _sign(payload)).status_code == 200
    # Stripe retries, and an attacker may replay a captured request with a fresh timestamp.
    assert _post(client, payload, _sign(payload)).status_code == 200
    again = _event(alice, event_id="evt_2", type="checkout.session.async_payment_succeeded")
    assert _post(client, again, _sign(again)).status_code == 200
    assert balance_for(user=alice) == 10_000_000
    assert LedgerEntry.objects.filter(kind="topup").count() == 1


def test_it_rejects_a_bad_signature_with_400(client, alice):
    payload = _event(alice)
    assert _post(client, payload, _sign(payload, secret="whsec_wrong")).status_code == 400
    assert _post(client, payload, "t=1,v1=deadbeef").status_code == 400
    assert _post(client, payload, "garbage").status_code == 400
    assert client.post(URL, data=payload, content_type="application/json").status_code == 400
    tampered = payload.replace("1000", "100000")
    assert _post(client, tampered, _sign(payload)).status_code == 400
    old = _sign(payload, timestamp=int(time.time()) - 3600)
    assert _post(client, payload, old).status_code == 400
    assert balance_for(user=alice) == 0


def test_it_rejects_a_signed_body_that_is_not_an_event(client, alice):
    for payload in ("not json", "[1, 2]", '{"type": "checkout.session.completed"}'):
        assert _post(client, payload, _sign(payload)).status_code == 400
    assert balance_for(user=alice) == 0


def test_it_credits_nothing_for_unpaid_or_unknown_sessions(client, alice):
    for payload in (
        _event(alice, payment_status="unpaid"),
        _event(alice, session_id="cs_2", client_reference_id="not-a-uuid"),
        _event(alice, session_id="cs_3", currency="eur"),
        json.dumps({"id": "evt_9", "object": "event", "type": "invoice.paid", "data": {}}),
    ):
        assert _post(client, payload, _sign(payload)).status_code == 200
    assert balance_for(user=alice) == 0


def test_it_is_not_there_without_a_webhook_secret(client, alice, settings):
    settings.STRIPE_WEBHOOK_SECRET = None
    payload = _event(alice)
    assert _post(client, payload, _sign(payload)).status_code == 404
    assert client.get(URL).status_code == 405
