"""CSV that a spreadsheet will not execute: every export of text people typed goes through here.

A cell beginning with `=`, `+`, `-`, `@` (or a tab or carriage return, which some spreadsheets
strip first) is read as a formula by Excel, LibreOffice and Google Sheets ("CSV injection").
`safe_cell` puts an apostrophe in front, which spreadsheets show as text; numbers are left
alone, so `-3` stays a number. coachmap's importers take that apostrophe off again
(`roster.importers.cells.clean_text`), so an export can be imported back unchanged.

Every CSV download answers through `csv_response`: a UTF-8 byte-order mark first, so Excel opens
accented names and en dashes as written (the importers read `utf-8-sig`, so the files go back in).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import IO, Any, cast

from django.http import HttpResponse

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


BOM = "\ufeff"


def csv_response(filename: str, header: Sequence[Any], rows: Iterable[Iterable[Any]]) -> HttpResponse:
    """A CSV download: byte-order mark, header, formula-safe rows, saved as `filename` (".csv" added)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write(BOM)
    out = writer(cast(IO[str], response))
    out.writerow(header)
    out.writerows(rows)
    stem = filename.removesuffix(".csv").replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    return response
