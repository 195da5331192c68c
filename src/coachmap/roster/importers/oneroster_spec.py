"""The OneRoster 1.1 and 1.2 CSV binding, as far as coachmap reads it (pure: no ORM).

Headers per file and version, the enumerations, and one row parser per file that turns the
cells of a row into the tuple coachmap stages, raising `FieldError` for the first bad cell.
Columns a row parser never reads (names and birth dates of students among them) are dropped
here and never reach the database.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from coachmap.core.groups import Gender, Race
from coachmap.roster.importers.validation import (
    GRADE_CODES,
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


# --- fast paths ------------------------------------------------------------------------------------
# The big files (users, enrollments, demographics, results) run to millions of rows. Each row is
# first tried by a fast reader that only accepts rows that are plainly valid; any row it does not
# accept goes through the full checks above, which give the exact reason. Both paths return the
# same tuple for a valid row.

_STATUS_FAST = {"": "active", "active": "active", "tobedeleted": "tobedeleted"}
_BOOL_FAST = {
    "": None,
    "true": True,
    "false": False,
    "TRUE": True,
    "FALSE": False,
    "True": True,
    "False": False,
}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?\Z")
_fromiso = datetime.date.fromisoformat

FastReader = Callable[[Sequence[str]], "tuple[Any, ...] | None"]


def _pos(index: Mapping[str, int], name: str) -> Callable[[Sequence[str]], str]:
    position = index.get(name)
    if position is None:
        return lambda raw: ""
    return lambda raw: raw[position].strip()


def _common_fast(index: Mapping[str, int]) -> Callable[[Sequence[str]], tuple[str, str] | None]:
    sid_of, status_of, modified_of = (
        _pos(index, "sourcedId"),
        _pos(index, "status"),
        _pos(index, "dateLastModified"),
    )

    def common(raw: Sequence[str]) -> tuple[str, str] | None:
        sid = sid_of(raw)
        status = _STATUS_FAST.get(status_of(raw))
        modified = modified_of(raw)
        if not sid or len(sid) > 100 or sid[0] == "'" or status is None:
            return None
        if modified and not _ISO_DATETIME.match(modified):
            return None
        return sid, status

    return common


def _date_fast(value: str) -> datetime.date | bool | None:
    """A date, None for blank, or False when the slow path must decide."""
    if not value:
        return None
    if not _ISO_DATE.match(value):
        return False
    try:
        return _fromiso(value)
    except ValueError:
        return False


def fast_results(index: Mapping[str, int]) -> FastReader:
    common = _common_fast(index)
    item_of, student_of = _pos(index, "lineItemSourcedId"), _pos(index, "studentSourcedId")
    status_of, score_of, date_of = _pos(index, "scoreStatus"), _pos(index, "score"), _pos(index, "scoreDate")
    statuses = {v: v for v in SCORE_STATUS.values()}

    def read(raw: Sequence[str]) -> tuple[Any, ...] | None:
        head = common(raw)
        item, student, status = item_of(raw), student_of(raw), statuses.get(status_of(raw))
        if head is None or not item or not student or status is None:
            return None
        text = score_of(raw)
        try:
            score = float(text) if text else None
        except ValueError:
            return None
        if score is not None and (score != score or score in (float("inf"), float("-inf"))):
            return None
        day = _date_fast(date_of(raw))
        if day is False:
            return None
        return (*head, item, student, status, score, day)

    return read


def fast_enrollments(index: Mapping[str, int], schools: Mapping[str, str], check_schools: bool) -> FastReader:
    common = _common_fast(index)
    class_of, user_of, role_of = (
        _pos(index, "classSourcedId"),
        _pos(index, "userSourcedId"),
        _pos(index, "role"),
    )
    school_of, primary_of = _pos(index, "schoolSourcedId"), _pos(index, "primary")
    begin_of, end_of = _pos(index, "beginDate"), _pos(index, "endDate")
    roles = {v: v for v in ENROLLMENT_ROLES.values()}

    def read(raw: Sequence[str]) -> tuple[Any, ...] | None:
        head = common(raw)
        klass, user, role = class_of(raw), user_of(raw), roles.get(role_of(raw))
        school = school_of(raw)
        primary = _BOOL_FAST.get(primary_of(raw), "?")
        if head is None or not klass or not user or role is None or primary == "?":
            return None
        if school and check_schools and schools.get(school) != "school":
            return None
        begin, end = _date_fast(begin_of(raw)), _date_fast(end_of(raw))
        if begin is False or end is False:
            return None
        return (*head, klass, user, role, bool(primary), begin, end)

    return read


def fast_demographics(index: Mapping[str, int]) -> FastReader:
    common = _common_fast(index)
    flags_of = [_pos(index, c) for c in RACE_COLUMNS]
    sex_of, birth_of = _pos(index, "sex"), _pos(index, "birthDate")

    def read(raw: Sequence[str]) -> tuple[Any, ...] | None:
        head = common(raw)
        if head is None:
            return None
        flags: dict[str, bool | None] = {}
        for column, flag_of in zip(RACE_COLUMNS, flags_of, strict=True):
            value = _BOOL_FAST.get(flag_of(raw), "?")
            if value == "?":
                return None
            flags[column] = value  # type: ignore[assignment]
        sex = sex_of(raw)
        gender = SEX.get(sex.lower()) if sex else Gender.UNKNOWN
        if gender is None or _date_fast(birth_of(raw)) is False:
            return None
        return (*head, race_of(flags), gender)

    return read


def fast_users_11(index: Mapping[str, int], orgs: Mapping[str, str], check_orgs: bool) -> FastReader:
    """1.1 users: (sourcedId, status, role, school, grade, grade codes, enabled), names not read."""
    common = _common_fast(index)
    role_of, orgs_of, grades_of, enabled_of = (
        _pos(index, "role"),
        _pos(index, "orgSourcedIds"),
        _pos(index, "grades"),
        _pos(index, "enabledUser"),
    )
    roles = {v: v for v in USER_ROLES.values()}
    from coachmap.core.grades import ONEROSTER_GRADES

    def read(raw: Sequence[str]) -> tuple[Any, ...] | None:
        head = common(raw)
        role = roles.get(role_of(raw))
        enabled = _BOOL_FAST.get(enabled_of(raw), "?")
        org_ids = orgs_of(raw)
        if head is None or role is None or enabled == "?" or not org_ids or role == "teacher":
            return None  # teachers take the full path: their names are kept
        school = None
        for org in org_ids.split(","):
            org = org.strip()
            kind = orgs.get(org)
            if kind is None and check_orgs:
                return None
            if school is None and kind == "school":
                school = org
        codes = grades_of(raw)
        grade = None
        if codes:
            if "," in codes:
                return None
            grade = ONEROSTER_GRADES.get(codes)
            if grade is None and codes not in GRADE_CODES.values():
                return None
        return (*head, role, school, grade, codes, enabled)

    return read
