"""Reads that depend on who asks. Per-entry lookups raise Http404 for anyone but the owner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from billing.models import CreditAccount, LedgerEntry
from speeko_site.core.dates import day_start


def balance_for(*, user: Any) -> int:
    """The balance in micro-dollars; 0 for a user who has no account yet. One indexed query."""
    balance = (
        CreditAccount.objects.filter(user=user).values_list("balance_micros", flat=True).first()
    )
    return balance or 0


def ledger_for(
    *,
    user: Any,
    kind: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    hide_mechanics: bool = False,
) -> QuerySet[LedgerEntry]:
    """The user's ledger, newest first, filtered by kind and an inclusive date range."""
    entries = LedgerEntry.objects.filter(account__user=user).select_related("created_by")
    if hide_mechanics:
        # Settlements that moved no money: to a customer a job is one charge, not a reservation
        # and a "$0.00" settlement (staff still see both in the admin).
        entries = entries.exclude(kind=LedgerEntry.Kind.SETTLEMENT, amount_micros=0)
    if kind:
        entries = entries.filter(kind=kind)
    if date_from:
        entries = entries.filter(created_at__gte=day_start(date_from))
    if date_to:
        entries = entries.filter(created_at__lt=day_start(date_to + timedelta(days=1)))
    return entries


def ledger_entry_get_for_user(*, user: Any, public_id: Any) -> LedgerEntry:
    entry = LedgerEntry.objects.filter(account__user=user, public_id=public_id).first()
    if entry is None:
        raise Http404("No such ledger entry.")
    return entry


@dataclass(frozen=True)
class DayUsage:
    day: date
    characters: int
    spent_micros: int
    jobs: int = 0


def usage_by_day(*, user: Any, days: int = 30) -> list[DayUsage]:
    """Characters billed, money spent and jobs settled per day over the last `days` days (today
    included), oldest first. The usage page and `GET /v1/usage` both read it, so they agree.

    Spending is what left the balance for the product: reservations, settlement corrections and
    cloning fees, net of refunds, on the day each happened. Characters and jobs count on the day a
    job settled. Every day is present, zero or not.
    """
    today = timezone.localdate()
    first = today - timedelta(days=days - 1)
    rows = (
        LedgerEntry.objects.filter(
            account__user=user,
            kind__in=LedgerEntry.SPENDING_KINDS,
            created_at__gte=day_start(first),
        )
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(
            characters=Sum("characters", filter=Q(kind=LedgerEntry.Kind.SETTLEMENT)),
            net=Sum("amount_micros"),
            jobs=Count("id", filter=Q(kind=LedgerEntry.Kind.SETTLEMENT)),
        )
    )
    by_day = {row["day"]: row for row in rows}
    usage = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        row = by_day.get(day, {})
        usage.append(
            DayUsage(
                day=day,
                characters=row.get("characters") or 0,
                spent_micros=-(row.get("net") or 0),
                jobs=row.get("jobs") or 0,
            )
        )
    return usage


def ledger_discrepancies() -> list[str]:
    """Accounts whose balance differs from the sum of their ledger, described for an operator.

    Every balance change writes an entry in the same transaction, so this list is empty unless
    someone changed the database by hand.
    """
    rows = CreditAccount.objects.annotate(ledger_total=Sum("entries__amount_micros")).values_list(
        "pk", "balance_micros", "ledger_total"
    )
    return [
        f"account {pk}: balance {balance} µ$, ledger sums to {total or 0} µ$"
        for pk, balance, total in rows
        if balance != (total or 0)
    ]
