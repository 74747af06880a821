"""English dates and times: ISO and numeric dates (month or day first by locale), month names,
twelve- and twenty-four-hour clocks."""

import re

from .normalize_numbers import cardinal, ordinal, year
from .normalize_words import MONTH_ABBR, MONTHS


def _date(day: int, month: int, year_words: str | None, british: bool) -> str:
    if british:
        spoken = f"the {ordinal(day)} of {MONTHS[month - 1]}"
        return f"{spoken} {year_words}" if year_words else spoken
    spoken = f"{MONTHS[month - 1]} {ordinal(day)}"
    return f"{spoken}, {year_words}" if year_words else spoken


def iso_date(m: re.Match[str], british: bool) -> str:
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return m.group(0)
    return _date(d, mo, year(y, british=british), british)


def numeric_date(m: re.Match[str], british: bool) -> str:
    """1/2/2024 is January 2nd in the US and 1 February in Britain (and with dots, anywhere)."""
    a, b, y = int(m.group(1)), int(m.group(3)), m.group(4)
    day_first = british or m.group(2) == "."
    day, month = (a, b) if day_first else (b, a)
    if month > 12 and day <= 12:
        day, month = month, day
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return m.group(0)
    full = int(y) if len(y) == 4 else 2000 + int(y) if int(y) < 50 else 1900 + int(y)
    return _date(day, month, year(full, british=british), british)


def _month_names() -> str:
    return "|".join([*MONTHS, *MONTH_ABBR])


def month_day_pattern() -> str:
    return (
        rf"\b({_month_names()})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?![\d:])"
        r"(?:,?\s+(\d{4})\b)?"
    )


def day_month_pattern() -> str:
    return (
        rf"(?:\b([Tt]he)\s+)?\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_month_names()})\b(?:\.(?=\s+\d))?"
        r"(?:,?\s+(\d{4})\b)?"
    )


def month_year_pattern() -> str:
    return rf"\b({_month_names()})\.?,?\s+(\d{{4}})\b"


def _month_name(text: str) -> str:
    return MONTH_ABBR.get(text, text)


def month_day(m: re.Match[str], british: bool) -> str:
    month, day = _month_name(m.group(1)), int(m.group(2))
    if not 1 <= day <= 31:
        return m.group(0)
    spoken = f"{month} the {ordinal(day)}" if british else f"{month} {ordinal(day)}"
    if m.group(3):
        spoken += (" " if british else ", ") + year(m.group(3), british=british)
    return spoken


def day_month(m: re.Match[str], british: bool) -> str:
    day = int(m.group(2))
    if not 1 <= day <= 31:
        return m.group(0)
    # "the 21st of June" already has its article: keep that one, add none.
    article = m.group(1) or "the"
    spoken = f"{article} {ordinal(day)} of {_month_name(m.group(3))}"
    return f"{spoken} {year(m.group(4), british=british)}" if m.group(4) else spoken


def month_year(m: re.Match[str], british: bool) -> str:
    return f"{_month_name(m.group(1))} {year(m.group(2), british=british)}"


def _minutes(hour: int, minute: int) -> str:
    if minute == 0:
        return cardinal(hour)
    if minute < 10:
        return f"{cardinal(hour)} oh {cardinal(minute)}"
    return f"{cardinal(hour)} {cardinal(minute)}"


def clock_ampm(m: re.Match[str]) -> str:
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if not (1 <= hour <= 12 and minute < 60):
        return m.group(0)
    spoken = f"{_minutes(hour, minute)} {'AM' if m.group(4) in 'Aa' else 'PM'}"
    if m.group(3) and int(m.group(3)):
        spoken = spoken.replace(" AM", "").replace(" PM", "")
        spoken += f" and {cardinal(int(m.group(3)))} seconds {'AM' if m.group(4) in 'Aa' else 'PM'}"
    if m.group(5):
        # "at 7 p.m. tomorrow": the dot belongs to the abbreviation; at the end of a sentence
        # it is also the full stop.
        rest = m.string[m.end() :].lstrip()
        if not rest or rest[0].isupper() or rest[0] in "\"'”’)":
            spoken += "."
    return spoken


def clock_24h(m: re.Match[str], british: bool) -> str:
    hour, minute = int(m.group(1)), int(m.group(2))
    if minute == 0:
        spoken = f"{cardinal(hour)} hundred" if hour >= 13 else f"{cardinal(hour)} o'clock"
    else:
        spoken = _minutes(hour, minute)
        if m.group(1).startswith("0") and hour:
            spoken = "oh " + spoken  # "08:15" is "oh eight fifteen"
    if m.group(3):
        seconds = int(m.group(3))
        spoken += f" and {cardinal(seconds)} {'second' if seconds == 1 else 'seconds'}"
    return spoken
