"""Receivers connected in BillingConfig.ready."""

from __future__ import annotations

from typing import Any

from billing.services import grant_free_tier


def grant_free_tier_on_email_confirmed(sender: Any, email_address: Any, **kwargs: Any) -> None:
    # The grant itself checks "verified" and "only once", so a second confirmed address (or a
    # replayed confirmation link) grants nothing.
    grant_free_tier(user=email_address.user)
