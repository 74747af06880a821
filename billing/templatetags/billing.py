from __future__ import annotations

from typing import Any

from django import template

from billing.models import LedgerEntry
from billing.money import MICROS_PER_CENT, MICROS_PER_DOLLAR, format_usd, format_usd_cents
from billing.pricing import tts_cost_micros
from billing.selectors import balance_for

register = template.Library()


@register.filter
def usd(micros: int | None, signed: str = "") -> str:
    """{{ amount|usd }} -> "$1.2345"; {{ amount|usd:"signed" }} -> "+$1.2345"."""
    return format_usd(micros or 0, signed=signed == "signed")


@register.filter
def usd_cents(micros: int | None) -> str:
    return format_usd_cents(micros or 0)


@register.simple_tag(takes_context=True)
def billing_balance(context: Any) -> int:
    """The signed-in user's balance, fetched at most once per request (one indexed query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    if not hasattr(request, "_billing_balance"):
        request._billing_balance = balance_for(user=user)
    return request._billing_balance


@register.filter
def money(micros: int | None, signed: str = "") -> str:
    """Money as people read it: "$4.99" from a dollar up (down to the cent, like the balance
    badge), cents below a dollar ("2.99¢", "0.13¢"), never six decimals."""
    micros = micros or 0
    if not micros:
        return "$0.00"
    sign = "−" if micros < 0 else ("+" if signed == "signed" and micros > 0 else "")
    if abs(micros) >= MICROS_PER_DOLLAR:
        return sign + format_usd_cents(abs(micros))
    cents = f"{abs(micros) / MICROS_PER_CENT:.2f}".rstrip("0").rstrip(".")
    if cents == "0":
        cents = "0.01" if abs(micros) >= MICROS_PER_CENT / 200 else "<0.01"
    return f"{sign}{cents}¢"


@register.simple_tag
def price_per_thousand(cloned: bool = False) -> str:
    """What 1,000 characters cost, e.g. "2.99¢"."""
    return money(tts_cost_micros(1000, cloned=cloned))


_USER_LABELS = {
    LedgerEntry.Kind.RESERVATION: "Charge",
    LedgerEntry.Kind.SETTLEMENT: "Charge corrected",
    LedgerEntry.Kind.GRANT: "Free credit",
}


@register.filter
def entry_label(entry: LedgerEntry) -> str:
    """The entry's kind in words a customer uses: a job's reservation is simply its charge."""
    if entry.kind == LedgerEntry.Kind.RESERVATION and entry.reference.startswith("synthesis:"):
        return "Speech"
    return _USER_LABELS.get(entry.kind, entry.get_kind_display())


@register.simple_tag
def free_tier_offer() -> str:
    """The welcome credit in words, e.g. "$5.00 of free credit (about 167,000 characters)";
    "" when this instance gives none."""
    from django.conf import settings

    from billing.pricing import characters_for_micros

    micros = settings.BILLING_FREE_TIER_MICROS
    if micros <= 0:
        return ""
    characters = characters_for_micros(micros, cloned=False)
    return f"{money(micros)} of free credit (about {characters:,} characters of speech)"
