"""Every change to a balance.

Each service runs in one transaction that first locks the account row (`select_for_update`), so two
jobs can never spend the same credit, changes the balance with `F()` and appends one ledger entry
per change. Idempotency keys are unique in the database: repeating a call with the same key returns
what the first call did and changes nothing.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string

from billing.exceptions import BillingError, InsufficientCredits
from billing.models import CreditAccount, LedgerEntry, Reservation
from billing.money import format_usd

logger = logging.getLogger(__name__)
Kind = LedgerEntry.Kind
GRANT_DIGEST_SALT = "speeko.billing.free-tier-email"


@transaction.atomic
def account_get_or_create(*, user: Any) -> CreditAccount:
    account, _ = CreditAccount.objects.get_or_create(user=user)
    return account


def _account_locked(*, user: Any = None, account_id: int | None = None) -> CreditAccount:
    """The caller's account row, locked until the surrounding transaction ends."""
    if account_id is None:
        account_id = account_get_or_create(user=user).pk
    return CreditAccount.objects.select_for_update().get(pk=account_id)


def _entry_append(
    *,
    account: CreditAccount,
    kind: str,
    amount_micros: int,
    idempotency_key: str,
    reference: str = "",
    memo: str = "",
    characters: int = 0,
    reservation: Reservation | None = None,
    created_by: Any = None,
) -> LedgerEntry:
    """Move the balance by `amount_micros` and record it. The account row must be locked."""
    if amount_micros < 0 and account.balance_micros + amount_micros < 0:
        raise InsufficientCredits(
            needed_micros=-amount_micros, available_micros=account.balance_micros
        )
    if amount_micros:
        CreditAccount.objects.filter(pk=account.pk).update(
            balance_micros=F("balance_micros") + amount_micros
        )
        account.refresh_from_db(fields=["balance_micros"])
    return LedgerEntry.objects.create(
        account=account,
        kind=kind,
        amount_micros=amount_micros,
        balance_after_micros=account.balance_micros,
        idempotency_key=idempotency_key,
        reference=reference,
        memo=memo,
        characters=characters,
        reservation=reservation,
        created_by=created_by,
    )


def _require_non_negative(amount_micros: int, what: str) -> None:
    if not isinstance(amount_micros, int) or amount_micros < 0:
        raise BillingError(f"{what} must be a whole, non-negative number of micro-dollars.")


def _existing_entry(*, account: CreditAccount, idempotency_key: str) -> LedgerEntry | None:
    entry = LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()
    if entry is not None and entry.account_id != account.pk:
        raise BillingError("This idempotency key was already used by another account.")
    return entry


@transaction.atomic
def reservation_create(
    *,
    user: Any,
    amount_micros: int,
    reference: str,
    idempotency_key: str,
    memo: str = "",
    characters: int = 0,
) -> Reservation:
    """Set `amount_micros` aside for a job, or raise InsufficientCredits and set nothing aside.

    `characters` (optional) is the estimate shown until the job settles with the real count.
    """
    _require_non_negative(amount_micros, "A reservation")
    account = _account_locked(user=user)
    existing = Reservation.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.account_id != account.pk:
            raise BillingError("This idempotency key was already used by another account.")
        return existing
    if amount_micros > account.balance_micros:
        raise InsufficientCredits(
            needed_micros=amount_micros, available_micros=account.balance_micros
        )
    reservation = Reservation.objects.create(
        account=account,
        amount_micros=amount_micros,
        characters=characters,
        reference=reference,
        idempotency_key=idempotency_key,
        memo=memo,
    )
    _entry_append(
        account=account,
        kind=Kind.RESERVATION,
        amount_micros=-amount_micros,
        idempotency_key=idempotency_key,
        reference=reference,
        memo=memo,
        reservation=reservation,
    )
    return reservation


def _reservation_locked(reservation: Reservation) -> tuple[CreditAccount, Reservation]:
    # Always lock the account before the reservation, in the same order as every other service,
    # so two services can never wait on each other.
    account = _account_locked(account_id=reservation.account_id)
    return account, Reservation.objects.select_for_update().get(pk=reservation.pk)


@transaction.atomic
def reservation_settle(
    *, reservation: Reservation, actual_micros: int, characters: int | None = None
) -> Reservation:
    """Charge the job's actual cost against its reservation. Settling twice changes nothing.

    Policy: less than reserved -> the difference goes back to the balance. More than reserved ->
    the extra is charged up to what the balance holds, never below zero; any shortfall is kept on
    `uncollected_micros` and in the entry's memo (the work is done, so the user keeps the result
    and the operator sees what was written off). A reservation that was already released (e.g.
    by reconciliation) is charged its full actual cost from the balance by the same rule.
    `characters` is the billed character count shown on the usage page.
    """
    _require_non_negative(actual_micros, "An actual cost")
    account, reservation = _reservation_locked(reservation)
    if reservation.status == Reservation.Status.SETTLED:
        return reservation
    already_taken = reservation.amount_micros if reservation.is_held else 0
    correction = already_taken - actual_micros  # > 0 returns money, < 0 charges extra
    uncollected = max(0, -correction - account.balance_micros)
    correction += uncollected
    memo = f"Actual cost {format_usd(actual_micros)}"
    memo += f" of {format_usd(already_taken)} reserved." if already_taken else " (charged late)."
    if uncollected:
        memo += f" {format_usd(uncollected)} could not be collected: the balance ran out."
    if characters is not None:
        reservation.characters = characters
    _entry_append(
        account=account,
        kind=Kind.SETTLEMENT,
        amount_micros=correction,
        idempotency_key=f"{reservation.idempotency_key}:settle",
        reference=reservation.reference,
        memo=memo,
        characters=reservation.characters,
        reservation=reservation,
    )
    reservation.status = Reservation.Status.SETTLED
    reservation.charged_micros = actual_micros - uncollected
    reservation.uncollected_micros = uncollected
    reservation.resolved_at = timezone.now()
    reservation.save()
    return reservation


@transaction.atomic
def reservation_release(*, reservation: Reservation, reason: str) -> Reservation:
    """Give the whole reservation back (job failed or was cancelled).

    Idempotent; a settled reservation is left as it is.
    """
    account, reservation = _reservation_locked(reservation)
    if not reservation.is_held:
        return reservation
    _entry_append(
        account=account,
        kind=Kind.REFUND,
        amount_micros=reservation.amount_micros,
        idempotency_key=f"{reservation.idempotency_key}:release",
        reference=reservation.reference,
        memo=reason,
        reservation=reservation,
    )
    reservation.status = Reservation.Status.RELEASED
    reservation.charged_micros = 0
    reservation.release_reason = reason
    reservation.resolved_at = timezone.now()
    reservation.save()
    return reservation


@transaction.atomic
def fee_charge(
    *, user: Any, amount_micros: int, reference: str, idempotency_key: str, memo: str = ""
) -> LedgerEntry:
    """Charge a one-off fee (a successful clone). Raises InsufficientCredits; idempotent."""
    _require_non_negative(amount_micros, "A fee")
    return _entry_once(
        user=user, kind=Kind.CLONING_FEE, amount_micros=-amount_micros,
        reference=reference, idempotency_key=idempotency_key, memo=memo,
    )  # fmt: skip


@transaction.atomic
def fee_refund(*, idempotency_key: str, reason: str) -> LedgerEntry | None:
    """Refund the fee charged with `idempotency_key`, once.

    Returns the refund entry (the same one on every repeat), or None when no such fee was charged.
    """
    fee = LedgerEntry.objects.filter(idempotency_key=idempotency_key, kind=Kind.CLONING_FEE).first()
    if fee is None:
        return None
    account = _account_locked(account_id=fee.account_id)
    refund_key = f"{idempotency_key}:refund"
    existing = _existing_entry(account=account, idempotency_key=refund_key)
    if existing is not None:
        return existing
    return _entry_append(
        account=account,
        kind=Kind.REFUND,
        amount_micros=-fee.amount_micros,
        idempotency_key=refund_key,
        reference=fee.reference,
        memo=reason,
    )


def email_normalise(address: str) -> str:
    """The mailbox an address delivers to: case folded, a "+tag" dropped, and Gmail's dots
    ignored, so one person's variants of one address count as one."""
    local, _, domain = address.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def email_grant_key(address: str) -> str:
    """The free grant's ledger key for an address: a keyed digest, not the address itself, so
    the ledger (kept after an account is erased) holds no personal data."""
    digest = salted_hmac(
        GRANT_DIGEST_SALT, email_normalise(address), secret=settings.BILLING_GRANT_KEY,
        algorithm="sha256",
    )  # fmt: skip
    return f"free-tier:email:{digest.hexdigest()}"


def _verified_emails(user: Any) -> list[str]:
    from allauth.account.models import EmailAddress

    addresses = EmailAddress.objects.filter(user=user, verified=True).order_by("-primary", "pk")
    return list(addresses.values_list("email", flat=True))


@transaction.atomic
def grant_free_tier(*, user: Any) -> LedgerEntry | None:
    """Grant the free tier once per person: once per account, and once per verified address,
    also across accounts deleted and made again.

    Returns the grant, or None when the user has no verified address, the account or one of its
    verified addresses already had it, or the free tier is switched off
    (BILLING_FREE_TIER_MICROS=0).
    """
    amount = settings.BILLING_FREE_TIER_MICROS
    emails = _verified_emails(user)
    if amount <= 0 or not emails:
        return None
    account = _account_locked(user=user)
    keys = [email_grant_key(email) for email in emails]
    granted = LedgerEntry.objects.filter(kind=Kind.GRANT, idempotency_key__startswith="free-tier:")
    if granted.filter(Q(account=account) | Q(idempotency_key__in=keys)).exists():
        return None
    try:
        # Two accounts confirming one address at once: the unique key lets only one through.
        with transaction.atomic():
            return _entry_append(
                account=account,
                kind=Kind.GRANT,
                amount_micros=amount,
                idempotency_key=keys[0],
                memo="Free tier: welcome credit for verifying your e-mail address.",
            )
    except IntegrityError:
        return None


@transaction.atomic
def credits_adjust(
    *,
    user: Any,
    amount_micros: int,
    memo: str,
    staff_user: Any,
    idempotency_key: str | None = None,
) -> LedgerEntry:
    """A staff grant (positive) or correction (negative), with a required memo.

    A correction cannot take the balance below zero (InsufficientCredits). Pass the same
    `idempotency_key` for a resubmitted form so it is applied once.
    """
    if not getattr(staff_user, "is_staff", False):
        raise BillingError("Only staff can adjust credit.")
    if not memo or not memo.strip():
        raise BillingError("A memo is required: say why the credit changes.")
    if not isinstance(amount_micros, int) or amount_micros == 0:
        raise BillingError("The adjustment must be a non-zero amount.")
    account = _account_locked(user=user)
    key = idempotency_key or f"adjustment:{uuid.uuid4()}"
    existing = _existing_entry(account=account, idempotency_key=key)
    if existing is not None:
        return existing
    return _entry_append(
        account=account,
        kind=Kind.ADJUSTMENT,
        amount_micros=amount_micros,
        idempotency_key=key,
        memo=memo.strip(),
        created_by=staff_user,
    )


@transaction.atomic
def topup_create(
    *, user: Any, amount_micros: int, reference: str, idempotency_key: str, memo: str = ""
) -> LedgerEntry:
    """Credit a payment. Idempotent on `idempotency_key` (one per payment)."""
    _require_non_negative(amount_micros, "A top-up")
    return _entry_once(
        user=user, kind=Kind.TOPUP, amount_micros=amount_micros,
        reference=reference, idempotency_key=idempotency_key, memo=memo,
    )  # fmt: skip


def _entry_once(
    *, user: Any, kind: str, amount_micros: int, reference: str, idempotency_key: str, memo: str
) -> LedgerEntry:
    """Append one entry under the locked account, or return the entry already made with the key."""
    account = _account_locked(user=user)
    existing = _existing_entry(account=account, idempotency_key=idempotency_key)
    if existing is not None:
        return existing
    return _entry_append(
        account=account, kind=kind, amount_micros=amount_micros,
        idempotency_key=idempotency_key, reference=reference, memo=memo,
    )  # fmt: skip


def _reference_is_active(reference: str) -> bool:
    """True if any configured checker says the job behind `reference` may still settle."""
    for path in settings.BILLING_RESERVATION_ACTIVE_CHECKERS:
        try:
            if import_string(path)(reference) is True:
                return True
        except Exception:
            # Unsure is not "abandoned": keep the money held and try again on the next run.
            logger.exception("reservation checker %s failed for %r", path, reference)
            return True
    return False


def reservations_reconcile(*, older_than: timedelta | None = None) -> int:
    """Refund reservations held longer than the job time limit whose job is not running.

    A reservation is refunded when no checker in BILLING_RESERVATION_ACTIVE_CHECKERS claims its
    reference as queued or running. Returns how many were refunded. Not one transaction on
    purpose: each refund commits on its own, and the checkers run outside any lock.
    """
    if older_than is None:
        older_than = timedelta(seconds=settings.BILLING_RESERVATION_MAX_AGE_SECONDS)
    cutoff = timezone.now() - older_than
    stale = Reservation.objects.filter(status=Reservation.Status.HELD, created_at__lt=cutoff)
    reason = "Refunded automatically: the job stopped without finishing."
    refunded = 0
    for reservation in stale.order_by("created_at").iterator():
        if _reference_is_active(reservation.reference):
            continue
        started = timezone.now()
        released = reservation_release(reservation=reservation, reason=reason)
        # Count only what this run released, not one settled or released meanwhile.
        if released.status == Reservation.Status.RELEASED and released.resolved_at >= started:
            refunded += 1
    return refunded
