from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from billing.models import Reservation
from billing.selectors import balance_for
from billing.services import reservation_create, reservations_reconcile
from billing.tasks import reservations_reconcile_task

from .factories import fund

pytestmark = pytest.mark.django_db
RUNNING: set[str] = set()


def running_jobs_checker(reference: str) -> bool | None:
    """A checker as the synthesis app would write one: claims only its own references."""
    if not reference.startswith("job:"):
        return None
    return reference in RUNNING


def broken_checker(reference: str) -> bool | None:
    raise RuntimeError("database of jobs unavailable")


def _reserve(user, reference: str, *, age: timedelta) -> Reservation:
    reservation = reservation_create(
        user=user, amount_micros=1_000, reference=reference, idempotency_key=reference
    )
    Reservation.objects.filter(pk=reservation.pk).update(created_at=timezone.now() - age)
    return reservation


@pytest.fixture(autouse=True)
def _checkers(settings):
    settings.BILLING_RESERVATION_ACTIVE_CHECKERS = [f"{__name__}.running_jobs_checker"]
    RUNNING.clear()


def test_it_refunds_an_abandoned_reservation(alice, capsys):
    fund(alice, 10_000)
    old = timedelta(seconds=django_settings.BILLING_RESERVATION_MAX_AGE_SECONDS + 60)
    abandoned = _reserve(alice, "job:crashed", age=old)
    young = _reserve(alice, "job:young", age=timedelta(minutes=1))
    assert balance_for(user=alice) == 8_000

    call_command("reconcile_reservations")

    assert "Refunded 1 abandoned reservation(s)." in capsys.readouterr().out
    abandoned.refresh_from_db()
    young.refresh_from_db()
    assert abandoned.status == "released"
    assert "stopped without finishing" in abandoned.release_reason
    assert young.status == "held"
    assert balance_for(user=alice) == 9_000
    assert reservations_reconcile() == 0  # nothing left to do; running it again is harmless


def test_it_keeps_reservations_of_jobs_that_are_still_running(alice):
    fund(alice, 10_000)
    _reserve(alice, "job:slow", age=timedelta(hours=5))
    RUNNING.add("job:slow")
    assert reservations_reconcile() == 0
    RUNNING.clear()
    assert reservations_reconcile() == 1
    assert balance_for(user=alice) == 10_000


def test_it_keeps_the_money_held_when_a_checker_fails(alice, settings):
    settings.BILLING_RESERVATION_ACTIVE_CHECKERS = [f"{__name__}.broken_checker"]
    fund(alice, 10_000)
    _reserve(alice, "job:unknown", age=timedelta(hours=5))
    assert reservations_reconcile() == 0
    assert balance_for(user=alice) == 9_000


def test_it_refunds_unclaimed_references_and_honours_older_than(alice):
    fund(alice, 10_000)
    _reserve(alice, "voice:clone-1", age=timedelta(minutes=10))
    assert reservations_reconcile() == 0
    assert reservations_reconcile(older_than=timedelta(minutes=5)) == 1
    assert balance_for(user=alice) == 10_000


def test_it_runs_as_a_periodic_task(alice):
    fund(alice, 10_000)
    _reserve(alice, "job:gone", age=timedelta(days=1))
    assert reservations_reconcile_task.apply().get() == 1
    entry = django_settings.CELERY_BEAT_SCHEDULE["billing-reconcile-reservations"]
    assert entry["task"] == reservations_reconcile_task.name
    assert entry["options"]["queue"] == "maintenance"
