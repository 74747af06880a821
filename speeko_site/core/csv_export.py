"""Streamed CSV downloads that are safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

# A cell starting with one of these is a formula to a spreadsheet (=HYPERLINK(...) and worse).
_FORMULA_STARTS = {"=", "+", "-", "@", "\t", "\r"}


def csv_text(value: object) -> str:
    """A cell typed by a person, made inert: a leading quote keeps a formula as text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in _FORMULA_STARTS else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """The header and rows as CSV lines, one at a time, so a long export never sits in memory."""
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)
