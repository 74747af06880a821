"""Server-side SVG geometry for the usage chart: plain numbers in, rectangles out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from billing.money import format_usd
from billing.selectors import DayUsage

WIDTH = 600
HEIGHT = 160
GAP = 2


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    max_label: str
    total_label: str
    first_day: str
    last_day: str
    empty: bool
    width: int = WIDTH
    height: int = HEIGHT


def _bars(values: Sequence[int], titles: Sequence[str]) -> list[Bar]:
    top = max(max(values, default=0), 1)
    slot = WIDTH / max(len(values), 1)
    bars = []
    for i, (value, title) in enumerate(zip(values, titles, strict=True)):
        # Spending can be negative on a day of refunds; the chart shows what was spent, not owed.
        height = round(HEIGHT * max(value, 0) / top, 2)
        bars.append(Bar(i * slot + GAP / 2, HEIGHT - height, slot - GAP, height, title))
    return bars


def _label(day: DayUsage) -> str:
    return f"{day.day:%b} {day.day.day}"


def _chart(title: str, days: list[DayUsage], value: Callable[[DayUsage], int], fmt) -> BarChart:
    values = [value(d) for d in days]
    titles = [f"{_label(d)}: {fmt(v)}" for d, v in zip(days, values, strict=True)]
    return BarChart(
        title=title,
        bars=_bars(values, titles),
        max_label=fmt(max(values, default=0)),
        total_label=fmt(sum(values)),
        first_day=_label(days[0]) if days else "",
        last_day=_label(days[-1]) if days else "",
        empty=not any(v > 0 for v in values),
    )


def usage_charts(days: list[DayUsage]) -> list[BarChart]:
    return [
        _chart("Characters per day", days, lambda d: d.characters, lambda v: f"{v:,}"),
        _chart("Dollars per day", days, lambda d: max(d.spent_micros, 0), format_usd),
    ]
