from __future__ import annotations

from typing import Any

from django import template

from billing.money import format_usd, format_usd_cents
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
