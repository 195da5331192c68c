"""The files the bulk path loads (results.csv, enrollments.csv, demographics.csv): for each
column, how its distinct values are checked in Python (`Checked`) and in SQL, and how the proved
cells become the values the row-by-row reader would stage (`BulkFile`). `stage_bulk` loads and
proves them.
"""

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from coachmap.core.groups import Gender, Race
from coachmap.roster.importers.cells import ISO_DATETIME
from coachmap.roster.importers.oneroster import spec
from coachmap.roster.importers.oneroster.fields import HISPANIC, RACE_COLUMNS, SINGLE_RACES, TWO_OR_MORE_RACES
from coachmap.roster.importers.oneroster.stage_quick import (
    BOOLEANS,
    STATUSES,
    quick_date,
)

_NUMBER = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,15})?\Z")
_PG_NUMBER = r"^-?[0-9]{1,15}(\.[0-9]{1,15})?$"
_PG_DATETIME = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?$"
)


def trimmed(check: Callable[[str], bool]) -> Callable[[str], bool]:
    return lambda value: value == value.strip() and check(value)


def _is_number(value: str) -> bool:
    return value == "" or (_NUMBER.match(value) is not None and math.isfinite(float(value)))


def _is_date(value: str) -> bool:
    return quick_date(value) is not False


def _is_modified(value: str) -> bool:
    return value == "" or ISO_DATETIME.match(value) is not None


def _one_of(values: Sequence[str]) -> Callable[[str], bool]:
    allowed = frozenset(values)
    return lambda value: value in allowed


@dataclass(frozen=True)
class Checked:
    """A column checked by its distinct values; `pg_rows` is the row-by-row check on
    PostgreSQL when there are too many (None: refuse the file then); `number` marks a column
    the view reads as a number."""

    check: Callable[[str], bool]
    pg_rows: str | None = None
    number: bool = False


@dataclass(frozen=True)
class BulkFile:
    file: str
    stage: str
    ids: Sequence[str]  # required ids; sourcedId first
    optional_ids: Sequence[str] = ()
    checked: Mapping[str, Checked] = field(default_factory=dict)
    view: Sequence[tuple[str, str]] = ()  # (staged column, SQL over {header} placeholders)


_STATUS = Checked(_one_of(list(STATUSES)))
_MODIFIED = Checked(_is_modified, pg_rows=_PG_DATETIME)
_DATE = Checked(_is_date)
STATUS_SQL = "CASE WHEN {status} = '' THEN 'active' ELSE {status} END"

RESULTS = BulkFile(
    file="results",
    stage="results",
    ids=["sourcedId", "lineItemSourcedId", "studentSourcedId"],
    checked={
        "status": _STATUS,
        "dateLastModified": _MODIFIED,
        "scoreStatus": Checked(_one_of(list(spec.SCORE_STATUS.values()))),
        "score": Checked(_is_number, pg_rows=_PG_NUMBER, number=True),
        "scoreDate": _DATE,
    },
    view=[
        ("source_id", "{sourcedId}"),
        ("status", STATUS_SQL),
        ("line_item_ref", "{lineItemSourcedId}"),
        ("student_ref", "{studentSourcedId}"),
        ("score_status", "{scoreStatus}"),
        ("score", "CAST(NULLIF({score}, '') AS {float})"),
        ("score_date", "{date_of_scoreDate}"),
    ],
)

ENROLLMENTS = BulkFile(
    file="enrollments",
    stage="enrollments",
    ids=["sourcedId", "classSourcedId", "userSourcedId"],
    optional_ids=["schoolSourcedId"],
    checked={
        "status": _STATUS,
        "dateLastModified": _MODIFIED,
        "role": Checked(_one_of(list(spec.ENROLLMENT_ROLES.values()))),
        "primary": Checked(_one_of(list(BOOLEANS))),
        "beginDate": _DATE,
        "endDate": _DATE,
    },
    view=[
        ("source_id", "{sourcedId}"),
        ("status", STATUS_SQL),
        ("class_ref", "{classSourcedId}"),
        ("user_ref", "{userSourcedId}"),
        ("role", "{role}"),
        ("is_primary", "({primary} IN ('true', 'TRUE', 'True'))"),
        ("begin_date", "{date_of_beginDate}"),
        ("end_date", "{date_of_endDate}"),
    ],
)


_TRUE = ", ".join(f"'{spelling}'" for spelling, value in BOOLEANS.items() if value)


def _flag(column: str) -> str:
    return f"{{{column}}} IN ({_TRUE})"


def race_sql() -> str:
    """`fields.race_of` in SQL, over proved flag cells: Hispanic first; two or more races; the
    one race; else unknown."""
    races = " + ".join(f"CASE WHEN {_flag(column)} THEN 1 ELSE 0 END" for column, _ in SINGLE_RACES)
    each = " ".join(f"WHEN {_flag(column)} THEN '{race}'" for column, race in SINGLE_RACES)
    return (
        f"CASE WHEN {_flag(HISPANIC)} THEN '{Race.HISPANIC}' "
        f"WHEN {_flag(TWO_OR_MORE_RACES)} OR {races} > 1 THEN '{Race.MULTIRACIAL}' "
        f"{each} ELSE '{Race.UNKNOWN}' END"
    )


def _is_sex(value: str) -> bool:
    # ASCII only, so SQL's lower() in the view reads it exactly as Python's does here.
    return value == "" or (value.isascii() and value.lower() in spec.SEX)


def gender_sql() -> str:
    each = " ".join(f"WHEN '{sex}' THEN '{gender}'" for sex, gender in spec.SEX.items())
    return f"CASE lower({{sex}}) {each} ELSE '{Gender.UNKNOWN}' END"


DEMOGRAPHICS = BulkFile(
    file="demographics",
    stage="demographics",
    ids=["sourcedId"],
    checked={
        "status": _STATUS,
        "dateLastModified": _MODIFIED,
        **{column: Checked(_one_of(list(BOOLEANS))) for column in RACE_COLUMNS},
        "sex": Checked(_is_sex),
        "birthDate": _DATE,
    },
    view=[
        ("source_id", "{sourcedId}"),
        ("status", STATUS_SQL),
        ("race", race_sql()),
        ("gender", gender_sql()),
    ],
)
