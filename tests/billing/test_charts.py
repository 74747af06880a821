from datetime import date, timedelta

from billing.charts import HEIGHT, usage_charts
from billing.selectors import DayUsage


def _days(values):
    start = date(2026, 5, 1)
    return [DayUsage(start + timedelta(days=i), c, m) for i, (c, m) in enumerate(values)]


def test_it_scales_bars_to_the_busiest_day():
    characters, dollars = usage_charts(_days([(0, 0), (500, 15_000), (1_000, -5)]))
    assert [bar.height for bar in characters.bars] == [0, HEIGHT / 2, HEIGHT]
    assert characters.bars[2].y == 0 and characters.bars[0].y == HEIGHT
    assert characters.total_label == "1,500" and characters.max_label == "1,000"
    assert characters.bars[1].title == "May 2: 500"
    # A day with more refunds than spending draws no bar rather than a negative one.
    assert dollars.bars[2].height == 0
    assert dollars.total_label == "$0.015"
    assert (characters.first_day, characters.last_day) == ("May 1", "May 3")
    assert not characters.empty


def test_it_draws_an_empty_month():
    characters, dollars = usage_charts(_days([(0, 0)] * 30))
    assert characters.empty and dollars.empty
    assert len(characters.bars) == 30
    assert all(bar.height == 0 for bar in characters.bars)
