"""CSV that a spreadsheet will not execute: every export of text people typed goes through here.

A cell beginning with `=`, `+`, `-`, `@` (or a tab or carriage return, which some spreadsheets
strip first) is read as a formula by Excel, LibreOffice and Google Sheets ("CSV injection").
`safe_cell` puts an apostrophe in front, which spreadsheets show as text; numbers are left
alone, so `-3` stays a number. coachmap's importers take that apostrophe off again
(`roster.importers.cells.clean_text`), so an export can be imported back unchanged.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """`value` as a spreadsheet will show it, never run it."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class SafeWriter:
    """`csv.writer` whose rows pass through `safe_cell`."""

    def __init__(self, stream: IO[str], **kwargs: Any) -> None:
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream: IO[str], **kwargs: Any) -> SafeWriter:
    return SafeWriter(stream, **kwargs)
