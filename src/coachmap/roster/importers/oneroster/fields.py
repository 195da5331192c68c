"""Reading one OneRoster cell: a row's cells by column name (`Cells`), `FieldError` for the first
bad one, and the parsers of the binding's typed cells (dates, booleans, grades, enumerations, race
flags, subjects). `spec` re-exports them beside the headers and enumerations.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from coachmap.core.groups import Race
from coachmap.roster.importers.cells import (
    CellError,
    check_datetime,
    clean_text,
    enum,
    grade_number,
    parse_bool,
    parse_date,
    parse_enum,
    parse_float,
    parse_grades,
)

STATUS = enum(["active", "tobedeleted"])


class FieldError(Exception):
    def __init__(self, column: str, value: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.value = value
        self.reason = reason


Getter = Callable[[Sequence[str]], str]


def getter(index: Mapping[str, int], name: str) -> Getter:
    """A fast cell reader for `name`: stripped text, or "" when the column is absent."""
    position = index.get(name)
    if position is None:
        return lambda cells: ""
    return lambda cells: cells[position].strip()


class Cells:
    """Reads the cells of a row by column name, turning `CellError` into a `FieldError`."""

    def __init__(self, index: Mapping[str, int]) -> None:
        self.index = index
        self.get = {name: getter(index, name) for name in index}
        self.cells: Sequence[str] = ()

    def __call__(self, name: str) -> str:
        position = self.index.get(name)
        return self.cells[position].strip() if position is not None else ""

    def parse(self, name: str, parser: Callable[[str], Any]) -> Any:
        value = self(name)
        try:
            return parser(value)
        except CellError as exc:
            raise FieldError(name, value, str(exc)) from None

    def required(self, name: str) -> str:
        value = self(name)
        if not value:
            raise FieldError(name, "", f"{name} is required")
        return value

    def text(self, name: str, max_length: int, *, required: bool = False) -> str:
        value = self.required(name) if required else self(name)
        try:
            return clean_text(value, max_length)
        except CellError as exc:
            raise FieldError(name, value, str(exc)) from None

    def common(self) -> tuple[str, str]:
        """sourcedId and status (blank status is active, as in real bulk files)."""
        source_id = self.text("sourcedId", 100, required=True)
        status = enum_cell(self, "status", STATUS, "status", required=False) or "active"
        self.parse("dateLastModified", check_datetime)
        return source_id, status


def split_ids(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


HISPANIC = "hispanicOrLatinoEthnicity"
TWO_OR_MORE_RACES = "demographicRaceTwoOrMoreRaces"
SINGLE_RACES = (
    ("americanIndianOrAlaskaNative", Race.AMERICAN_INDIAN),
    ("asian", Race.ASIAN),
    ("blackOrAfricanAmerican", Race.BLACK),
    ("nativeHawaiianOrOtherPacificIslander", Race.PACIFIC_ISLANDER),
    ("white", Race.WHITE),
)


def race_of(flags: Mapping[str, bool | None]) -> str:
    """Federal reporting rule: Hispanic first; two or more races; the one race; else unknown.
    (The bulk path says the same in SQL: `bulk_files.race_sql`.)"""
    if flags.get(HISPANIC):
        return Race.HISPANIC
    races = [race for column, race in SINGLE_RACES if flags.get(column)]
    if flags.get(TWO_OR_MORE_RACES) or len(races) > 1:
        return Race.MULTIRACIAL
    return races[0] if races else Race.UNKNOWN


RACE_COLUMNS = [*(column for column, _ in SINGLE_RACES), TWO_OR_MORE_RACES, HISPANIC]

_SUBJECT_WORDS = [
    ("ela", ("english", "ela", "reading", "language arts", "literacy", "writing", "literature")),
    ("math", ("math", "algebra", "geometry", "calculus", "statistics", "arithmetic")),
    ("science", ("science", "biology", "chemistry", "physics", "earth")),
    ("social_studies", ("social studies", "history", "geography", "civics", "government", "economics")),
]


def subject_of(*texts: str) -> str:
    """coachmap's subject for a class from its subjects or title (first match wins)."""
    for text in texts:
        low = text.lower()
        for code, words in _SUBJECT_WORDS:
            if any(word in low for word in words):
                return code
    return "other"


def grades_json(codes: Sequence[str]) -> str:
    from coachmap.core.grades import ONEROSTER_GRADES

    return json.dumps([ONEROSTER_GRADES[c] for c in codes if c in ONEROSTER_GRADES])


def user_grade(cells: Cells) -> tuple[int | None, str]:
    codes = cells.parse("grades", parse_grades)
    return grade_number(codes), ",".join(codes)


def bool_cell(cells: Cells, name: str) -> bool | None:
    return cells.parse(name, parse_bool)


def date_cell(cells: Cells, name: str) -> Any:
    return cells.parse(name, parse_date)


def iso_date_cell(cells: Cells, name: str) -> str | None:
    """A checked date as `YYYY-MM-DD` text, as the staging tables take it on every database."""
    date = cells.parse(name, parse_date)
    return date.isoformat() if date is not None else None


def float_cell(cells: Cells, name: str) -> float | None:
    return cells.parse(name, parse_float)


def enum_cell(
    cells: Cells, name: str, allowed: Mapping[str, str], what: str, *, required: bool = True
) -> str:
    value = cells.required(name) if required else cells(name)
    if not value:
        return ""
    try:
        return parse_enum(value, allowed, what)
    except CellError as exc:
        raise FieldError(name, value, str(exc)) from None
