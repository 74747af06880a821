"""Calendar days as the product counts them: in the current time zone (`TIME_ZONE`, UTC)."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone


def day_start(day: date) -> datetime:
    """The first instant of `day`. A date range [a, b] is day_start(a) <= t < day_start(b + 1).

    Same zone as the `TruncDate` the usage chart groups by, so a filter and a chart agree on
    which day an entry belongs to.
    """
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
