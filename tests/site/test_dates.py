from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from speeko_site.core.dates import day_start


def test_a_day_starts_at_midnight_in_the_current_time_zone():
    assert day_start(date(2026, 1, 5)) == datetime(2026, 1, 5, tzinfo=UTC)
    with timezone.override("America/New_York"):
        assert day_start(date(2026, 1, 5)) == datetime(2026, 1, 5, 5, tzinfo=UTC)


def test_the_day_clocks_go_forward_is_23_hours_long():
    with timezone.override("America/New_York"):
        start, end = day_start(date(2026, 3, 8)), day_start(date(2026, 3, 9))
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=23)
