"""Fast readers for the big OneRoster files (users, enrollments, demographics, results).

These files run to millions of rows. Each row is first tried by a fast reader that accepts only
rows that are plainly valid; any row it does not accept goes through the full checks of `spec`,
which give the exact reason. For a valid row both paths stage the same values.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from coachmap.core.groups import Gender
from coachmap.roster.importers.cells import GRADE_CODES, ISO_DATE, ISO_DATETIME
from coachmap.roster.importers.oneroster.spec import (
    ENROLLMENT_ROLES,
    RACE_COLUMNS,
    SCORE_STATUS,
    SEX,
    USER_ROLES,
    getter,
    race_of,
)

MAX_SOURCED_ID = 100  # the longest sourcedId the quick path takes as plainly valid
MAX_REMEMBERED = 100_000  # distinct values remembered before the memory is cleared


STATUSES = {"": "active", "active": "active", "tobedeleted": "tobedeleted"}
BOOLEANS = {
    "": None,
    "true": True,
    "false": False,
    "TRUE": True,
    "FALSE": False,
    "True": True,
    "False": False,
}
_fromiso = datetime.date.fromisoformat

FastReader = Callable[[Sequence[str]], "tuple[Any, ...] | None"]


def _head(sid: str, status: str, modified: str) -> str | None:
    """The row's status when its sourcedId, status and dateLastModified are plainly valid."""
    state = STATUSES.get(status)
    if not sid or len(sid) > MAX_SOURCED_ID or sid[0] == "'" or state is None:
        return None
    if modified and not ISO_DATETIME.match(modified):
        return None
    return state


def _common_fast(index: Mapping[str, int]) -> Callable[[Sequence[str]], tuple[str, str] | None]:
    pick = _picker(index, ["sourcedId", "status", "dateLastModified"])

    def common(raw: Sequence[str]) -> tuple[str, str] | None:
        sid, status, modified = pick(raw)
        state = _head(sid, status, modified)
        return None if state is None else (sid, state)

    return common


def quick_date(value: str) -> datetime.date | bool | None:
    """A date, None for blank, or False when the slow path must decide."""
    if not value:
        return None
    if not ISO_DATE.match(value):
        return False
    try:
        return _fromiso(value)
    except ValueError:
        return False


def _picker(index: Mapping[str, int], names: Sequence[str]) -> Callable[[Sequence[str]], tuple[str, ...]]:
    """The stripped cells `names` (two or more) of a row in one call ("" for a column the file lacks)."""
    if all(name in index for name in names):
        get = itemgetter(*(index[name] for name in names))
        return lambda raw: tuple(map(str.strip, get(raw)))
    getters = [getter(index, name) for name in names]
    return lambda raw: tuple(g(raw) for g in getters)


class _Dates:
    """Checked ISO dates, remembered: a big file repeats a few hundred distinct dates millions of times.

    A valid date comes back as its `YYYY-MM-DD` text (how both databases take a date), blank as
    None, anything else as False for the full checks to explain."""

    def __init__(self) -> None:
        self.seen: dict[str, str | bool | None] = {"": None}

    def __call__(self, value: str) -> str | bool | None:
        if value in self.seen:
            return self.seen[value]
        answer: str | bool = value if quick_date(value) else False
        if len(self.seen) > MAX_REMEMBERED:  # a file of ever-new dates: keep memory bounded
            self.seen = {"": None}
        self.seen[value] = answer
        return answer


_INFINITIES = (float("inf"), float("-inf"))


def fast_results(index: Mapping[str, int]) -> FastReader:
    pick = _picker(
        index,
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "lineItemSourcedId",
            "studentSourcedId",
            "scoreStatus",
            "score",
            "scoreDate",
        ],
    )
    statuses = {v: v for v in SCORE_STATUS.values()}
    dates = _Dates()

    def read(raw: Sequence[str]) -> tuple[Any, ...] | None:
        sid, status, modified, item, student, score_status, text, day = pick(raw)
        state, score_status = _head(sid, status, modified), statuses.get(score_status)  # type: ignore[assignment]
        if state is None or not item or not student or score_status is None:
            return None
        try:
            score = float(text) if text else None
        except ValueError:
            return None
        if score is not None and (math.isnan(score) or score in _INFINITIES):
            return None
        checked = dates(day)
        if checked is False:
            return None
        return (sid, state, item, student, score_status, score, checked)

    return read


def fast_enrollments(index: Mapping[str, int], schools: Mapping[str, str], check_schools: bool) -> FastReader:
    common = _common_fast(index)
    class_of, user_of, role_of = (
        getter(index, "classSourcedId"),
        getter(index, "userSourcedId"),
        getter(index, "role"),
    )
    school_of, primary_of = getter(index, "schoolSourcedId"), getter(index, "primary")
    begin_of, end_of = getter(index, "beginDate"), getter(index, "endDate")
    roles = {v: v for v in ENROLLMENT_ROLES.values()}

    def read(raw: Sequence[str]) -> tuple[Any, ...] | None:
        head = common(raw)
        klass, user, role = class_of(raw), user_of(raw), roles.get(role_of(raw))
        school = school_of(raw)
        primary = BOOLEANS.get(primary_of(raw), "?")
        if head is None or not klass or not user or role is None or primary == "?":
            return None
        if school and check_schools and schools.get(school) != "school":
            return None
        begin, end = quick_date(begin_of(raw)), quick_date(end_of(raw))
        if begin is False or end is False:
            return None
        return (*head, klass, user, role, bool(primary), begin, end)

    return read


def fast_demographics(index: Mapping[str, int]) -> FastReader:
    common = _common_fast(index)
    flags_of = [getter(index, c) for c in RACE_COLUMNS]
    sex_of, birth_of = getter(index, "sex"), getter(index, "birthDate")

    def read(raw: Sequence[str]) -> tuple[Any, ...] | None:
        head = common(raw)
        if head is None:
            return None
        flags: dict[str, bool | None] = {}
        for column, flag_of in zip(RACE_COLUMNS, flags_of, strict=True):
            value = BOOLEANS.get(flag_of(raw), "?")
            if value == "?":
                return None
            flags[column] = value  # type: ignore[assignment]
        sex = sex_of(raw)
        gender = SEX.get(sex.lower()) if sex else Gender.UNKNOWN
        if gender is None or quick_date(birth_of(raw)) is False:
            return None
        return (*head, race_of(flags), gender)

    return read


def fast_users_11(index: Mapping[str, int], orgs: Mapping[str, str], check_orgs: bool) -> FastReader:
    """1.1 users: (sourcedId, status, role, school, grade, grade codes, enabled), names not read."""
    common = _common_fast(index)
    role_of, orgs_of, grades_of, enabled_of = (
        getter(index, "role"),
        getter(index, "orgSourcedIds"),
        getter(index, "grades"),
        getter(index, "enabledUser"),
    )
    roles = {v: v for v in USER_ROLES.values()}
    from coachmap.core.grades import ONEROSTER_GRADES

    def read(raw: Sequence[str]) -> tuple[Any, ...] | None:
        head = common(raw)
        role = roles.get(role_of(raw))
        enabled = BOOLEANS.get(enabled_of(raw), "?")
        org_ids = orgs_of(raw)
        if head is None or role is None or enabled == "?" or not org_ids or role == "teacher":
            return None  # teachers take the full path: their names are kept
        school = None
        for raw_org in org_ids.split(","):
            org = raw_org.strip()
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
