"""Small helpers that put money on accounts through the real services."""

from __future__ import annotations

import itertools

from billing.services import topup_create

_keys = itertools.count(1)


def fund(user, micros: int):
    """Credit `micros` to `user` as a top-up, the way a real payment would."""
    n = next(_keys)
    return topup_create(
        user=user,
        amount_micros=micros,
        reference=f"test-payment-{n}",
        idempotency_key=f"test-topup:{user.pk}:{n}",
    )
