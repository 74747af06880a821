import pytest
from django.db import IntegrityError, transaction

from billing.exceptions import BillingError, InsufficientCredits, LedgerImmutable
from billing.models import LedgerEntry, Reservation
from billing.selectors import balance_for
from billing.services import (
    credits_adjust,
    fee_charge,
    fee_refund,
    reservation_create,
    reservation_release,
    reservation_settle,
)

from .factories import fund

pytestmark = pytest.mark.django_db


def _reserve(user, amount, key="job:1", **extra):
    return reservation_create(
        user=user, amount_micros=amount, reference="job:1", idempotency_key=key, **extra
    )


def _replays_to_balance(user) -> bool:
    entries = list(LedgerEntry.objects.filter(account__user=user).order_by("created_at", "id"))
    running = 0
    for entry in entries:
        running += entry.amount_micros
        if running != entry.balance_after_micros or running < 0:
            return False
    return running == balance_for(user=user)


def test_it_reserves_and_refuses_what_the_balance_cannot_cover(alice):
    fund(alice, 1_000)
    reservation = _reserve(alice, 600)
    assert reservation.status == Reservation.Status.HELD
    assert balance_for(user=alice) == 400

    with pytest.raises(InsufficientCredits) as excinfo:
        _reserve(alice, 401, key="job:2")
    assert excinfo.value.needed_micros == 401
    assert excinfo.value.available_micros == 400
    assert "Not enough credit" in str(excinfo.value)
    assert balance_for(user=alice) == 400
    assert not Reservation.objects.filter(idempotency_key="job:2").exists()
    assert _replays_to_balance(alice)


def test_it_treats_a_repeated_reservation_key_as_the_same_reservation(alice):
    fund(alice, 1_000)
    first = _reserve(alice, 600)
    again = _reserve(alice, 999)
    assert again.pk == first.pk
    assert again.amount_micros == 600
    assert balance_for(user=alice) == 400
    assert LedgerEntry.objects.filter(kind="reservation").count() == 1


def test_it_refuses_another_accounts_idempotency_key(alice, bob):
    fund(alice, 1_000)
    fund(bob, 1_000)
    _reserve(alice, 100)
    with pytest.raises(BillingError):
        _reserve(bob, 100)
    assert balance_for(user=bob) == 1_000


def test_it_settles_for_less_and_returns_the_difference(alice):
    fund(alice, 1_000)
    reservation = _reserve(alice, 600)
    settled = reservation_settle(reservation=reservation, actual_micros=250, characters=8)
    assert settled.status == Reservation.Status.SETTLED
    assert settled.charged_micros == 250
    assert balance_for(user=alice) == 750
    entry = LedgerEntry.objects.get(kind="settlement")
    assert entry.amount_micros == 350
    assert entry.characters == 8

    # Settling again (a redelivered task) changes nothing.
    reservation_settle(reservation=reservation, actual_micros=600)
    assert balance_for(user=alice) == 750
    assert LedgerEntry.objects.filter(kind="settlement").count() == 1
    assert _replays_to_balance(alice)


def test_it_settles_for_more_up_to_the_balance_and_records_the_shortfall(alice):
    fund(alice, 1_000)
    reservation = _reserve(alice, 600)
    settled = reservation_settle(reservation=reservation, actual_micros=800)
    assert balance_for(user=alice) == 200
    assert settled.charged_micros == 800
    assert settled.uncollected_micros == 0

    other = _reserve(alice, 100, key="job:2")
    settled = reservation_settle(reservation=other, actual_micros=500)
    # 100 reserved + the 100 left on the balance; 300 could not be collected.
    assert balance_for(user=alice) == 0
    assert settled.charged_micros == 200
    assert settled.uncollected_micros == 300
    assert "could not be collected" in LedgerEntry.objects.filter(kind="settlement").first().memo
    assert _replays_to_balance(alice)


def test_it_releases_the_whole_reservation_once(alice):
    fund(alice, 1_000)
    reservation = _reserve(alice, 600)
    released = reservation_release(reservation=reservation, reason="engine crashed")
    assert released.status == Reservation.Status.RELEASED
    assert balance_for(user=alice) == 1_000
    reservation_release(reservation=reservation, reason="again")
    assert balance_for(user=alice) == 1_000
    assert LedgerEntry.objects.filter(kind="refund").count() == 1
    assert _replays_to_balance(alice)


def test_it_does_not_release_a_settled_reservation(alice):
    fund(alice, 1_000)
    reservation = _reserve(alice, 600)
    reservation_settle(reservation=reservation, actual_micros=600)
    released = reservation_release(reservation=reservation, reason="too late")
    assert released.status == Reservation.Status.SETTLED
    assert balance_for(user=alice) == 400


def test_it_charges_a_late_settlement_after_a_release(alice):
    fund(alice, 1_000)
    reservation = _reserve(alice, 600)
    reservation_release(reservation=reservation, reason="reconciled")
    settled = reservation_settle(reservation=reservation, actual_micros=300)
    assert settled.status == Reservation.Status.SETTLED
    assert balance_for(user=alice) == 700
    assert _replays_to_balance(alice)


def test_it_charges_and_refunds_a_cloning_fee_once(alice):
    fund(alice, 1_000_000)
    fee = fee_charge(
        user=alice, amount_micros=500_000, reference="voice:v1", idempotency_key="clone:v1"
    )
    again = fee_charge(
        user=alice, amount_micros=500_000, reference="voice:v1", idempotency_key="clone:v1"
    )
    assert again.pk == fee.pk
    assert balance_for(user=alice) == 500_000

    refund = fee_refund(idempotency_key="clone:v1", reason="clone rejected")
    assert refund.amount_micros == 500_000
    assert fee_refund(idempotency_key="clone:v1", reason="again").pk == refund.pk
    assert balance_for(user=alice) == 1_000_000
    assert fee_refund(idempotency_key="clone:unknown", reason="x") is None

    with pytest.raises(InsufficientCredits):
        fee_charge(
            user=alice, amount_micros=2_000_000, reference="voice:v2", idempotency_key="clone:v2"
        )
    assert _replays_to_balance(alice)


def test_it_lets_staff_adjust_credit_with_a_memo(alice, staff):
    entry = credits_adjust(
        user=alice, amount_micros=2_000_000, memo="conference credit", staff_user=staff
    )
    assert entry.kind == "adjustment"
    assert entry.created_by == staff
    assert balance_for(user=alice) == 2_000_000
    with pytest.raises(BillingError, match="memo"):
        credits_adjust(user=alice, amount_micros=1, memo="  ", staff_user=staff)
    with pytest.raises(BillingError, match="staff"):
        credits_adjust(user=alice, amount_micros=1, memo="x", staff_user=alice)
    with pytest.raises(InsufficientCredits):
        credits_adjust(user=alice, amount_micros=-3_000_000, memo="too much", staff_user=staff)
    credits_adjust(user=alice, amount_micros=-500_000, memo="correction", staff_user=staff)
    assert balance_for(user=alice) == 1_500_000
    assert _replays_to_balance(alice)


def test_it_never_edits_or_deletes_a_ledger_entry(alice):
    entry = fund(alice, 1_000)
    entry.memo = "changed"
    with pytest.raises(LedgerImmutable):
        entry.save()
    with pytest.raises(LedgerImmutable):
        entry.delete()
    with pytest.raises(LedgerImmutable):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_micros=1)
    with pytest.raises(LedgerImmutable):
        LedgerEntry.objects.all().delete()


def test_it_has_a_database_check_against_negative_balances(alice):
    from billing.models import CreditAccount

    fund(alice, 10)
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditAccount.objects.filter(user=alice).update(balance_micros=-1)


def test_it_keeps_the_money_history_when_a_user_is_erased(alice):
    from billing.models import CreditAccount

    fund(alice, 1_000)
    account_id = CreditAccount.objects.get(user=alice).pk
    alice.delete()
    account = CreditAccount.objects.get(pk=account_id)
    assert account.user is None
    assert account.entries.count() == 1


def test_it_unlinks_an_erased_staff_member_from_their_adjustments(alice, staff):
    entry = credits_adjust(user=alice, amount_micros=1_000, memo="welcome", staff_user=staff)
    staff.delete()
    entry.refresh_from_db()
    assert entry.created_by is None
    assert entry.amount_micros == 1_000 and entry.memo == "welcome"
    with pytest.raises(LedgerImmutable):
        LedgerEntry.objects.filter(pk=entry.pk).update(created_by=alice)


def test_it_reports_a_balance_changed_behind_the_ledgers_back(alice, bob, capsys):
    from django.core.management import CommandError, call_command

    from billing.models import CreditAccount

    fund(alice, 1_000)
    reservation_settle(reservation=_reserve(alice, 400), actual_micros=300)
    fund(bob, 50)
    call_command("verify_ledger")
    assert "Every balance matches its ledger." in capsys.readouterr().out

    CreditAccount.objects.filter(user=bob).update(balance_micros=1_000_000)
    with pytest.raises(CommandError, match="ledger sums to 50"):
        call_command("verify_ledger")
