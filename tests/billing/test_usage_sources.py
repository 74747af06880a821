"""The usage page and `GET /v1/usage` report the same days from the same source: the ledger."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from billing.models import LedgerEntry
from billing.services import (
    fee_charge,
    reservation_create,
    reservation_release,
    reservation_settle,
)
from speeko_site.api.services import api_key_create

from .factories import fund

pytestmark = pytest.mark.django_db


def _job(user, *, key: str, reserved: int, actual: int | None, characters: int = 0):
    """A job's money: reserved, then settled at `actual`, released (None), or still held (-1)."""
    reservation = reservation_create(
        user=user, amount_micros=reserved, reference=f"synthesis:{key}", idempotency_key=key
    )
    if actual is None:
        reservation_release(reservation=reservation, reason="failed")
    elif actual >= 0:
        reservation_settle(reservation=reservation, actual_micros=actual, characters=characters)
    return reservation


def _backdate(reservation, days: int) -> None:
    """Move a job's ledger entries `days` back, as if it ran then (the ledger refuses edits)."""
    table = LedgerEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET created_at = %s WHERE reservation_id = %s",  # noqa: S608
            [timezone.now() - timedelta(days=days), reservation.pk],
        )


def _api_days(client, user, days: int = 30) -> list[dict]:
    _, raw = api_key_create(user=user, name="usage")
    response = client.get(f"/v1/usage?days={days}", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    return response.json()["days"]


def _page_days(client, user) -> list:
    client.force_login(user)
    response = client.get(reverse("billing:usage"))
    assert response.status_code == 200
    characters, dollars = response.context["charts"]
    return [characters.total_label, dollars.total_label]


def test_it_reports_the_same_days_on_the_page_and_in_the_api(client, alice):
    fund(alice, 5_000_000)
    _job(alice, key="a", reserved=40_000, actual=29_941, characters=1_000)
    _job(alice, key="b", reserved=20_000, actual=None)  # failed: refunded in full
    older = _job(alice, key="c", reserved=15_000, actual=15_000, characters=500)
    _backdate(older, days=2)
    fee_charge(user=alice, amount_micros=500_000, reference="clone:vc_x", idempotency_key="fee")
    _job(alice, key="d", reserved=10_000, actual=-1)  # still running: its credit is set aside

    days = _api_days(client, alice)

    today = timezone.localdate()
    assert days == [
        {"date": str(today - timedelta(days=2)), "characters": 500, "cost_micros": 15_000,
         "jobs": 1},
        {"date": str(today), "characters": 1_000, "cost_micros": 29_941 + 500_000 + 10_000,
         "jobs": 1},
    ]  # fmt: skip
    assert _page_days(client, alice) == ["1,500", "$0.554941"]


def test_it_counts_the_days_asked_for(client, alice):
    fund(alice, 1_000_000)
    old = _job(alice, key="old", reserved=1_000, actual=1_000, characters=30)
    _backdate(old, days=5)

    assert _api_days(client, alice, days=5) == []
    assert [d["characters"] for d in _api_days(client, alice, days=6)] == [30]


def test_it_gives_no_days_to_someone_who_spent_nothing(client, alice, bob):
    fund(alice, 1_000_000)
    fund(bob, 1_000_000)
    _job(alice, key="alice-job", reserved=1_000, actual=1_000, characters=30)

    assert _api_days(client, bob) == []
    assert _page_days(client, bob) == ["0", "$0.00"]
