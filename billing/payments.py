"""Stripe top-ups: Checkout sessions out, signed webhooks in.

Only the webhook credits an account, and only once per Checkout session (the idempotency key is
the session id, so a replayed event, or the two events Stripe sends for a delayed payment, credit
once). The amount credited is what Stripe says was paid, not what the page asked for.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

import stripe
from django.conf import settings
from django.contrib.auth import get_user_model

from billing.exceptions import BillingError
from billing.models import LedgerEntry
from billing.money import MICROS_PER_CENT, MICROS_PER_DOLLAR, format_usd
from billing.services import topup_create

logger = logging.getLogger(__name__)
# ValueError covers bad JSON and bad UTF-8; the others a body that is JSON but not an event.
_NOT_AN_EVENT = (ValueError, TypeError, AttributeError, KeyError)
PAID_EVENTS = {"checkout.session.completed", "checkout.session.async_payment_succeeded"}


class PaymentUnavailable(BillingError):
    """The payment provider could not be reached or refused the request."""


class WebhookRejected(BillingError):
    """A webhook whose signature, timestamp or body is not acceptable."""


def checkout_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)


def _client() -> stripe.StripeClient:
    base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY, base_addresses=base, max_network_retries=1
    )


def checkout_session_create(*, user: Any, dollars: int, success_url: str, cancel_url: str) -> str:
    """Start a Stripe Checkout payment of `dollars` and return the page to send the user to."""
    credit = format_usd(dollars * MICROS_PER_DOLLAR)
    params = {
        "mode": "payment",
        "client_reference_id": str(user.public_id),
        "customer_email": user.email,
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": settings.STRIPE_CURRENCY,
                    "unit_amount": dollars * 100,
                    "product_data": {"name": f"Speeko credit ({credit})"},
                },
            }
        ],
        "metadata": {"user_public_id": str(user.public_id)},
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    try:
        session = _client().v1.checkout.sessions.create(params=params)
    except stripe.StripeError as e:
        logger.warning("Stripe refused a checkout session: %s", e)
        raise PaymentUnavailable(
            "The payment provider is not answering right now; nothing was charged. "
            "Please try again in a few minutes."
        ) from e
    return session.url


def stripe_event_handle(*, payload: bytes, signature: str | None) -> LedgerEntry | None:
    """Verify a webhook and credit a paid Checkout session. Returns the top-up, or None if the
    event needs no action. Raises WebhookRejected for a bad signature or body."""
    try:
        stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
        event = json.loads(payload)
        if event.get("type") not in PAID_EVENTS:
            return None
        session = dict(event["data"]["object"])
    # ValueError covers bad JSON and bad UTF-8; the others a body that is JSON but not an event.
    except (
        stripe.SignatureVerificationError,
        ValueError,
        TypeError,
        AttributeError,
        KeyError,
    ) as e:
        raise WebhookRejected("Invalid signature or payload.") from e
    return _session_credit(session)


def _session_credit(session: dict[str, Any]) -> LedgerEntry | None:
    session_id, amount = session.get("id"), session.get("amount_total")
    if session.get("payment_status") != "paid":
        return None  # an async payment still pending: its *_succeeded event will follow
    user = _user_for(session.get("client_reference_id"))
    if (
        not session_id
        or user is None
        or not isinstance(amount, int)
        or amount <= 0
        or session.get("currency") != settings.STRIPE_CURRENCY
    ):
        logger.error("Paid Stripe session %s cannot be credited: %r", session_id, session)
        return None
    return topup_create(
        user=user,
        amount_micros=amount * MICROS_PER_CENT,
        reference=f"stripe:{session_id}",
        idempotency_key=f"stripe:checkout:{session_id}",
        memo="Card payment through Stripe Checkout.",
    )


def _user_for(public_id: Any) -> Any:
    try:
        parsed = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return get_user_model().objects.filter(public_id=parsed).first()
