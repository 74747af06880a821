from __future__ import annotations

from celery import shared_task

from billing.services import reservations_reconcile


@shared_task(name="billing.reservations_reconcile")
def reservations_reconcile_task() -> int:
    """Refund abandoned reservations; safe to run at any time and as often as wanted."""
    return reservations_reconcile()
