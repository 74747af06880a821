"""Turning integer micro-dollars into text people read, and dollars typed by people into micros."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, InvalidOperation

MICROS_PER_DOLLAR = 1_000_000
MICROS_PER_CENT = 10_000


def format_usd(micros: int, *, signed: bool = False) -> str:
    """`1_234_500` -> "$1.2345": whole cents keep two decimals, smaller amounts stay visible."""
    sign = "-" if micros < 0 else ("+" if signed and micros > 0 else "")
    whole, frac = divmod(abs(micros), MICROS_PER_DOLLAR)
    digits = f"{frac:06d}".rstrip("0").ljust(2, "0")
    return f"{sign}${whole:,}.{digits}"


def format_usd_cents(micros: int) -> str:
    """Rounded down to the cent, for the small badge: it never shows more than you have."""
    cents = micros // MICROS_PER_CENT if micros >= 0 else -((-micros) // MICROS_PER_CENT)
    return format_usd(cents * MICROS_PER_CENT)


def decimal_usd(micros: int) -> str:
    """Plain decimal dollars with six places, for CSV files: "-0.000300"."""
    return f"{Decimal(micros) / MICROS_PER_DOLLAR:.6f}"


def dollars_to_micros(value: Decimal | str) -> int:
    """Exact conversion; amounts finer than a micro-dollar are refused rather than rounded."""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError) as e:
        raise ValueError(f"{value!r} is not an amount of dollars.") from e
    micros = amount * MICROS_PER_DOLLAR
    if not micros.is_finite() or micros != micros.quantize(Decimal(1), rounding=ROUND_DOWN):
        raise ValueError("Amounts can have at most six decimal places.")
    return int(micros)
