"""Credit accounts, their append-only ledger, and reservations held for running jobs.

The balance lives on `CreditAccount.balance_micros` (guarded by a CHECK constraint so it can never
go negative) and every change to it writes exactly one `LedgerEntry` carrying the balance after it,
so the ledger replays to the balance. Only `billing.services` changes either.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from billing.exceptions import LedgerImmutable


class CreditAccount(models.Model):
    """One per user. When the user is erased the account stays, detached (user = NULL), so the
    money history (payments, grants) survives account deletion without naming anyone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="credit_account",
    )
    balance_micros = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance_micros__gte=0),
                name="billing_account_balance_not_negative",
            )
        ]
        permissions = [("adjust_credit", "Can grant or adjust credit")]

    def __str__(self) -> str:
        return f"Credit account of {self.user or 'an erased user'}"


class LedgerEntryQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        # The one exception: erasing a staff user unlinks their name from entries they made
        # (Django's SET_NULL runs through QuerySet.update). Amounts and balances never change.
        if kwargs == {"created_by": None}:
            return super().update(**kwargs)
        raise LedgerImmutable("Ledger entries are never edited.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise LedgerImmutable("Ledger entries are never deleted.")


class LedgerEntry(models.Model):
    class Kind(models.TextChoices):
        GRANT = "grant", "Grant"
        TOPUP = "topup", "Top-up"
        RESERVATION = "reservation", "Reservation"
        SETTLEMENT = "settlement", "Settlement"
        REFUND = "refund", "Refund"
        CLONING_FEE = "cloning_fee", "Cloning fee"
        ADJUSTMENT = "adjustment", "Adjustment"

    # Kinds whose amounts are money spent on the product (refunds give spending back).
    SPENDING_KINDS = (Kind.RESERVATION, Kind.SETTLEMENT, Kind.REFUND, Kind.CLONING_FEE)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # PROTECT: money history is never removed as a side effect of deleting something else.
    account = models.ForeignKey(CreditAccount, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount_micros = models.BigIntegerField(help_text="Signed: credit is positive, debit negative.")
    balance_after_micros = models.BigIntegerField()
    characters = models.PositiveIntegerField(
        default=0, help_text="Billable characters paid for by this entry (settlements)."
    )
    reference = models.CharField(max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    memo = models.TextField(blank=True)
    reservation = models.ForeignKey(
        "Reservation", on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["account", "-created_at"], name="billing_entry_account_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance_after_micros__gte=0),
                name="billing_entry_balance_after_not_negative",
            )
        ]
        verbose_name_plural = "ledger entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_micros:+d} µ$ ({self.public_id})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise LedgerImmutable("Ledger entries are never edited; record a new entry instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise LedgerImmutable("Ledger entries are never deleted; record a refund instead.")


class Reservation(models.Model):
    """Credit set aside for a job between its acceptance and its end."""

    class Status(models.TextChoices):
        HELD = "held", "Held"
        SETTLED = "settled", "Settled"
        RELEASED = "released", "Released"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(
        CreditAccount, on_delete=models.PROTECT, related_name="reservations"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD)
    amount_micros = models.BigIntegerField(help_text="What was set aside.")
    charged_micros = models.BigIntegerField(null=True, blank=True, help_text="What was kept.")
    uncollected_micros = models.BigIntegerField(
        default=0, help_text="Actual cost above the reservation that the balance could not cover."
    )
    characters = models.PositiveIntegerField(default=0)
    reference = models.CharField(max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    memo = models.TextField(blank=True)
    release_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="billing_reservation_status_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_micros__gte=0), name="billing_reservation_amount_gte_0"
            )
        ]

    def __str__(self) -> str:
        return f"Reservation {self.public_id} ({self.status})"

    @property
    def is_held(self) -> bool:
        return self.status == self.Status.HELD
