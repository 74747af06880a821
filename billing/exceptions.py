"""Domain errors of the billing app; views turn them into form errors or 4xx responses."""

from __future__ import annotations

from billing.money import format_usd


class BillingError(Exception):
    """Base class of every error billing raises on purpose."""


class InsufficientCredits(BillingError):
    """The balance cannot cover an amount; nothing was charged."""

    def __init__(self, *, needed_micros: int, available_micros: int) -> None:
        self.needed_micros = needed_micros
        self.available_micros = available_micros
        super().__init__(
            f"Not enough credit: this needs {format_usd(needed_micros)} and your balance is "
            f"{format_usd(available_micros)}. Add credit on the Usage page and try again."
        )


class LedgerImmutable(BillingError):
    """Someone tried to edit or delete a ledger entry; the ledger is append-only."""
