"""The client-side event other apps send when they change a balance."""

from __future__ import annotations

from django.http import HttpResponse
from django_htmx.http import trigger_client_event

BALANCE_CHANGED = "balance-changed"


def balance_changed(response: HttpResponse) -> HttpResponse:
    """Make the navigation's balance badge re-fetch itself when this response arrives.

    Use on the HTMX response that reports a settled, failed or cancelled job or a new clone.
    """
    return trigger_client_event(response, BALANCE_CHANGED)
