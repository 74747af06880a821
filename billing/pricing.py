"""Prices, in integer micro-dollars, and the one definition of a billable character.

Prices are configured as a pack (settings.BILLING_PACK_MICROS buys BILLING_PACK_CHARACTERS stock
characters; by default $5 buys 167,000) so the advertised figure is exact. Costs are rounded UP to
the next micro-dollar and character allowances DOWN to the whole character, so what the usage page
says you can afford you can always afford: `tts_cost_micros(characters_for_micros(m)) <= m`.
"""

from __future__ import annotations

import math
from fractions import Fraction

from django.conf import settings

from billing.exceptions import BillingError
from billing.money import format_usd
from billing.spoken import spoken_measure


def billable_characters(text: str, *, ssml: bool = False) -> int:
    """The characters a request is billed for, by the rule in `billing.spoken`."""
    return spoken_measure(text, ssml=ssml).characters


def _rate(*, cloned: bool) -> Fraction:
    """Micro-dollars per character, exact."""
    rate = Fraction(settings.BILLING_PACK_MICROS, settings.BILLING_PACK_CHARACTERS)
    if cloned:
        # str() first: Fraction(2.1) would carry the binary float error into the price.
        rate *= Fraction(str(settings.BILLING_CLONED_MULTIPLIER))
    return rate


def tts_cost_micros(characters: int, *, cloned: bool) -> int:
    """Cost of synthesising `characters` billable characters, rounded up to a micro-dollar."""
    if characters < 0:
        raise BillingError("A character count cannot be negative.")
    return math.ceil(characters * _rate(cloned=cloned))


def characters_for_micros(micros: int, *, cloned: bool) -> int:
    """How many characters `micros` pays for, rounded down to a whole character."""
    if micros <= 0:
        return 0
    return math.floor(micros / _rate(cloned=cloned))


def cloning_fee_micros(tier: str) -> int:
    """The one-off fee for a successful clone of `tier` ("instant" or "professional")."""
    try:
        return settings.BILLING_CLONING_FEE_MICROS[tier]
    except KeyError as e:
        raise BillingError(f"Unknown cloning tier {tier!r}.") from e


def dollars_per_thousand_characters(*, cloned: bool) -> str:
    """The price shown to people, e.g. "$0.0299" per 1,000 characters (rounded up)."""
    return format_usd(math.ceil(1000 * _rate(cloned=cloned)))
