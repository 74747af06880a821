"""The signed-in home page. It shows a little of every app (credit, recent audio, voices), so it
sits above them all rather than in `core`, which the apps themselves build on."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from billing.pricing import characters_for_micros
from billing.selectors import balance_for
from synthesis.selectors import jobs_for_user
from voices.selectors import voices_for_user


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    balance = request._billing_balance = balance_for(user=request.user)
    context = {
        **_meter(balance),
        "jobs": jobs_for_user(user=request.user)[:5],
        "voices": voices_for_user(user=request.user)[:6],
    }
    return render(request, "core/dashboard.html", context)


def _meter(balance: int) -> dict:
    """Characters left, measured against the free tier (or against the balance, once it is more)."""
    left = characters_for_micros(balance, cloned=False)
    free = characters_for_micros(settings.BILLING_FREE_TIER_MICROS, cloned=False)
    whole = max(left, free, 1)
    return {
        "characters_left": left,
        "characters_free": free,
        "meter_percent": round(100 * left / whole),
        "balance": balance,
    }
