"""The OneRoster 1.1 and 1.2 CSV binding, as far as coachmap reads it (pure: no ORM).

Headers per file and version, the enumerations, and one row parser per file that turns the
cells of a row into the tuple coachmap stages, raising `FieldError` for the first bad cell.
Columns a row parser never reads (names and birth dates of students among them) are dropped
here and never reach the database.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from coachmap.core.groups import Gender, Race
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

VERSIONS = ("1.1", "1.2")

# Files coachmap imports, in the order they are read (each refers only to files before it,
# except roles, which 1.2 reads before users so that names are kept for teachers only).
FILES = [
    "orgs",
    "academicSessions",
    "courses",
    "classes",
    "roles",
    "users",
    "enrollments",
    "demographics",
    "categories",
    "lineItems",
    "results",
]
# Files of the specification that coachmap has no use for: read past, with a note.
OTHER_FILES = [
    "resources",
    "classResources",
    "courseResources",
    "userProfiles",
    "userResources",
    "scoreScales",
    "lineItemLearningObjectiveIds",
    "lineItemScoreScales",
    "resultLearningObjectiveIds",
    "resultScoreScales",
    "assessmentLineItems",
    "assessmentResults",
]

COMMON = ["sourcedId", "status", "dateLastModified"]
HEADERS_11: dict[str, list[str]] = {
    "academicSessions": [*COMMON, "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"],
    "orgs": [*COMMON, "name", "type", "identifier", "parentSourcedId"],
    "courses": [
        *COMMON,
        "schoolYearSourcedId",
        "title",
        "courseCode",
        "grades",
        "orgSourcedId",
        "subjects",
        "subjectCodes",
    ],
    "classes": [
        *COMMON,
        "title",
        "grades",
        "courseSourcedId",
        "classCode",
        "classType",
        "location",
        "schoolSourcedId",
        "termSourcedIds",
        "subjects",
        "subjectCodes",
        "periods",
    ],
    "users": [
        *COMMON,
        "enabledUser",
        "orgSourcedIds",
        "role",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
    ],
    "enrollments": [
        *COMMON,
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
        "primary",
        "beginDate",
        "endDate",
    ],
    "demographics": [
        *COMMON,
        "birthDate",
        "sex",
        "americanIndianOrAlaskaNative",
        "asian",
        "blackOrAfricanAmerican",
        "nativeHawaiianOrOtherPacificIslander",
        "white",
        "demographicRaceTwoOrMoreRaces",
        "hispanicOrLatinoEthnicity",
        "countryOfBirthCode",
        "stateOfBirthAbbreviation",
        "cityOfBirth",
        "publicSchoolResidenceStatus",
    ],
    "categories": [*COMMON, "title"],
    "lineItems": [
        *COMMON,
        "title",
        "description",
        "assignDate",
        "dueDate",
        "classSourcedId",
        "categorySourcedId",
        "gradingPeriodSourcedId",
        "resultValueMin",
        "resultValueMax",
    ],
    "results": [
        *COMMON,
        "lineItemSourcedId",
        "studentSourcedId",
        "scoreStatus",
        "score",
        "scoreDate",
        "comment",
    ],
}
HEADERS_12: dict[str, list[str]] = {
    **HEADERS_11,
    "users": [
        *COMMON,
        "enabledUser",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
        "userMasterIdentifier",
        "resourceSourcedIds",
        "preferredGivenName",
        "preferredMiddleName",
        "preferredFamilyName",
        "primaryOrgSourcedId",
        "pronouns",
    ],
    "roles": [
        *COMMON,
        "userSourcedId",
        "roleType",
        "role",
        "beginDate",
        "endDate",
        "orgSourcedId",
        "userProfileSourcedId",
    ],
    "categories": [*COMMON, "title", "weight"],
    "lineItems": [
        *HEADERS_11["lineItems"],
        "academicSessionSourcedId",
        "schoolSourcedId",
        "scoreScaleSourcedId",
        "learningObjectiveSet",
    ],
    "results": [
        *HEADERS_11["results"],
        "classSourcedId",
        "scoreScaleSourcedId",
        "textScore",
        "inProgress",
        "incomplete",
        "late",
        "missing",
        "learningObjectiveSet",
    ],
}

# Columns that must be in the header: the ones coachmap cannot do without.
REQUIRED: dict[str, list[str]] = {
    "academicSessions": ["sourcedId", "title", "type"],
    "orgs": ["sourcedId", "name", "type"],
    "courses": ["sourcedId", "title"],
    "classes": ["sourcedId", "title", "schoolSourcedId"],
    "users": ["sourcedId", "grades"],
    "roles": ["sourcedId", "userSourcedId", "roleType", "role", "orgSourcedId"],
    "enrollments": ["sourcedId", "classSourcedId", "userSourcedId", "role"],
    "demographics": ["sourcedId"],
    "categories": ["sourcedId", "title"],
    "lineItems": ["sourcedId", "title", "classSourcedId"],
    "results": ["sourcedId", "lineItemSourcedId", "studentSourcedId", "scoreStatus"],
}
REQUIRED_11_EXTRA = {"users": ["role", "orgSourcedIds"]}

STATUS = enum(["active", "tobedeleted"])
ORG_TYPES = enum(["department", "school", "district", "local", "state", "national"])
SESSION_TYPES = enum(["gradingPeriod", "semester", "schoolYear", "term"])
USER_ROLES = enum(
    [
        "administrator",
        "aide",
        "guardian",
        "parent",
        "proctor",
        "relative",
        "student",
        "teacher",
        # added in 1.2 (roles.csv)
        "counselor",
        "districtAdministrator",
        "principal",
        "siteAdministrator",
        "systemAdministrator",
    ]
)
ROLE_TYPES = enum(["primary", "secondary"])
ENROLLMENT_ROLES = enum(
    ["administrator", "aide", "guardian", "parent", "proctor", "relative", "student", "teacher"]
)
CLASS_TYPES = enum(["homeroom", "scheduled"])
SCORE_STATUS = enum(["exempt", "fully graded", "not submitted", "partially graded", "submitted"])
SEX = {"male": Gender.MALE, "female": Gender.FEMALE, "other": Gender.NONBINARY, "unspecified": Gender.UNKNOWN}

MANIFEST_MODES = enum(["absent", "bulk", "delta"])


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


def race_of(flags: Mapping[str, bool | None]) -> str:
    """Federal reporting rule: Hispanic first; two or more races; the one race; else unknown."""
    if flags.get("hispanicOrLatinoEthnicity"):
        return Race.HISPANIC
    races = [
        race
        for column, race in (
            ("americanIndianOrAlaskaNative", Race.AMERICAN_INDIAN),
            ("asian", Race.ASIAN),
            ("blackOrAfricanAmerican", Race.BLACK),
            ("nativeHawaiianOrOtherPacificIslander", Race.PACIFIC_ISLANDER),
            ("white", Race.WHITE),
        )
        if flags.get(column)
    ]
    if flags.get("demographicRaceTwoOrMoreRaces") or len(races) > 1:
        return Race.MULTIRACIAL
    return races[0] if races else Race.UNKNOWN


RACE_COLUMNS = [
    "americanIndianOrAlaskaNative",
    "asian",
    "blackOrAfricanAmerican",
    "nativeHawaiianOrOtherPacificIslander",
    "white",
    "demographicRaceTwoOrMoreRaces",
    "hispanicOrLatinoEthnicity",
]

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
