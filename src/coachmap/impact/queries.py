"""Extraction for the impact estimates: one row per student, aggregated and joined in SQL.

Each student's teacher for a subject is the one teacher of their classes in that subject (or, when
they have none, of their homeroom — classes of subject "other"); a student with two teachers there is
left out, since the comparison cannot say whose student they are. A teacher *completed a cycle* in a
school year when a cycle of theirs closed in it with the goal met or with a referral onward; the
comparison is teachers with no cycle at all in that year. Teachers in between (a cycle still running,
paused, stepped back or handed over) are on neither side.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.db.models import Q, Sum

from coachmap.coaching.models import CoachingCycle, CycleOutcome, CycleStatus, TeacherIntake
from coachmap.core.models import Coach, District, Teacher
from coachmap.core.schoolyear import school_year_bounds
from coachmap.improvement.models import Tool, ToolLink
from coachmap.roster.models import Assessment, Subject, UsageWeek, Window

COMPLETED = (CycleOutcome.GOAL_MET.value, CycleOutcome.REFERRED.value)
SUBJECT_WORDS = {"ela": "English language arts", "math": "mathematics"}
MEASURES = {"interim": "Interim test, fall to spring", "state": "State test, year over year"}


@dataclass(frozen=True)
class Outcome:
    key: str
    measure: str
    year: int
    subject: str
    baseline_id: int
    outcome_id: int

    @property
    def label(self) -> str:
        years = f"{self.year - 1}–{str(self.year)[-2:]}"
        return f"{Subject(self.subject).label}: {MEASURES[self.measure].lower()}, {years}"

    @property
    def phrase(self) -> str:
        """How the plain words name it: "growth in mathematics from fall to spring 2025–26"."""
        years = f"{self.year - 1}–{str(self.year)[-2:]}"
        what = (
            "from fall to spring" if self.measure == "interim" else "on the state test from the year before"
        )
        return f"growth in {SUBJECT_WORDS.get(self.subject, self.subject)} {what}, {years}"


def outcomes(district: District) -> list[Outcome]:
    """Every outcome the district's results allow, newest year first."""
    rows = list(
        Assessment.objects.filter(district=district, subject__in=[Subject.ELA, Subject.MATH]).values_list(
            "id", "name", "subject", "school_year", "window"
        )
    )
    by_key = {(name, subject, year, window): aid for aid, name, subject, year, window in rows}
    found: list[Outcome] = []
    for (name, subject, year, window), aid in by_key.items():
        if window == Window.SPRING and (fall := by_key.get((name, subject, year, Window.FALL))):
            found.append(Outcome(f"interim-{year}-{subject}", "interim", year, subject, fall, aid))
        if window == Window.STATE and (before := by_key.get((name, subject, year - 1, Window.STATE))):
            found.append(Outcome(f"state-{year}-{subject}", "state", year, subject, before, aid))
    found.sort(key=lambda o: (-o.year, o.measure, o.subject))
    # One outcome per key (two interim tests of one subject in a year: the first one).
    unique: dict[str, Outcome] = {}
    for o in found:
        unique.setdefault(o.key, o)
    return list(unique.values())


@dataclass
class Rows:
    """The extracted data: NumPy columns, one entry per student."""

    student: npt.NDArray[np.int64]
    school: npt.NDArray[np.int64]
    grade: npt.NDArray[np.int64]
    baseline: npt.NDArray[np.float64]
    outcome: npt.NDArray[np.float64]
    teacher: npt.NDArray[np.int64]
    flags: dict[str, npt.NDArray[np.bool_]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.student)

    def take(self, mask: npt.NDArray[np.bool_]) -> Rows:
        return Rows(
            self.student[mask],
            self.school[mask],
            self.grade[mask],
            self.baseline[mask],
            self.outcome[mask],
            self.teacher[mask],
            {k: v[mask] for k, v in self.flags.items()},
        )


RACE_CODES = ["american_indian", "asian", "black", "hispanic", "pacific_islander", "white", "multiracial"]

# The extraction reads five plain column sets (no join in SQL) and joins them in NumPy: at 450,000
# students the joins, the grouping and the per-row conversion in SQL cost several times the fit
# (docs/impact.md, "Speed"). On PostgreSQL each column arrives packed in one value, straight into an array.
_CLASSES = (
    "SELECT id, CAST(CASE WHEN subject = %(subject)s THEN 0 ELSE 1 END AS bigint), school_id"
    " FROM roster_class WHERE subject IN (%(subject)s, 'other')"
)
_PUPILS = "SELECT klass_id, student_id FROM roster_enrollment WHERE student_id IS NOT NULL"
_TEACHERS = "SELECT klass_id, teacher_id FROM roster_enrollment WHERE teacher_id IS NOT NULL"
_RESULTS = (
    "SELECT student_id, school_id, CAST(grade AS bigint), CAST(scale_score AS double precision) "
    "FROM roster_result WHERE assessment_id = %(assessment)s AND scale_score IS NOT NULL"
)
_BASELINES = (
    "SELECT student_id, CAST(scale_score AS double precision) "
    "FROM roster_result WHERE assessment_id = %(baseline)s AND scale_score IS NOT NULL"
)
_AT_SCHOOL = " AND klass_id IN (SELECT id FROM roster_class WHERE school_id = %(school)s)"
_TOOK = " {id} IN (SELECT student_id FROM roster_result WHERE assessment_id = %(assessment)s AND school_id = %(school)s)"
_STUDENTS = (
    "SELECT id, CAST(CASE WHEN english_learner THEN 1 ELSE 0 END + CASE WHEN disability THEN 2 ELSE 0 END"
    " + CASE WHEN econ_disadvantaged THEN 4 ELSE 0 END AS bigint), CAST({race} AS bigint) FROM roster_student"
)


def _columns(sql: str, params: Mapping[str, int | str], kinds: str) -> list[npt.NDArray[Any]]:
    """A query's columns as arrays: `kinds` has one letter a column, "i" (bigint) or "f" (double);
    no column may be NULL. Each column comes back as one aggregated value, never as a row per student:
    converting 450,000 row tuples cost more than the fit itself."""
    if connection.vendor == "postgresql":
        return _packed_columns(sql, params, kinds)
    names = [f"c{j}" for j in range(len(kinds))]
    # SQLite: one comma-separated text a column; floats written with 17 digits, so they read back exact.
    packed = ", ".join(
        f"group_concat({n if k == 'i' else f'printf(%(fmt)s, {n})'})"
        for n, k in zip(names, kinds, strict=True)
    )
    with connection.cursor() as cursor:
        query = f"WITH q({', '.join(names)}) AS ({sql}) SELECT {packed} FROM q"  # noqa: S608 - fixed text
        cursor.execute(query, {**params, "fmt": "%!.17g"})
        row = cursor.fetchone()
    return [
        np.fromstring(text, dtype=np.int64 if k == "i" else np.float64, sep=",")
        if text
        else np.zeros(0, np.int64 if k == "i" else np.float64)
        for text, k in zip(row, kinds, strict=True)
    ]


def _packed_columns(sql: str, params: Mapping[str, int | str], kinds: str) -> list[npt.NDArray[Any]]:
    """PostgreSQL: each column packed server-side into one bytea of big-endian values, one row in all.

    Every aggregate of one pass sees the rows in the same order, so the columns stay aligned.
    """
    names = [f"c{j}" for j in range(len(kinds))]
    packed = ", ".join(
        f"string_agg({'int8send' if k == 'i' else 'float8send'}({n}), ''::bytea)"
        for n, k in zip(names, kinds, strict=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {packed} FROM ({sql}) AS q({', '.join(names)})", params)  # noqa: S608
        row = cursor.fetchone()
    return [
        np.frombuffer(bytes(data or b""), dtype=">i8" if k == "i" else ">f8").astype(
            np.int64 if k == "i" else np.float64
        )
        for data, k in zip(row, kinds, strict=True)
    ]


def _one_teacher(subject: str, school_id: int | None) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(students, their one teacher for the subject), sorted by student."""
    klass, rank, klass_school = _columns(_CLASSES, {"subject": subject}, "iii")
    if school_id is not None:
        keep = klass_school == school_id
        klass, rank = klass[keep], rank[keep]
    # One school's page reads only that school's classes' enrollments.
    at_school, params = "", dict[str, int | str]()
    if school_id is not None:
        at_school, params = _AT_SCHOOL, {"school": school_id}
    p_klass, p_student = _columns(_PUPILS + at_school, params, "ii")
    t_klass, t_teacher = _columns(_TEACHERS + at_school, params, "ii")
    # Pupils and teachers of the subject's (and homeroom) classes, each with the class's rank.
    order = np.argsort(klass)
    klass, rank = klass[order], rank[order]
    pos = np.clip(np.searchsorted(klass, p_klass), 0, max(len(klass) - 1, 0))
    inside = (klass[pos] == p_klass) if len(klass) else np.zeros(len(p_klass), bool)
    p_klass, p_student, p_rank = p_klass[inside], p_student[inside], rank[pos[inside]]
    # Every (pupil, teacher) pair of a class: teachers sorted by class, each pupil's run of them.
    t_order = np.argsort(t_klass, kind="stable")
    t_klass, t_teacher = t_klass[t_order], t_teacher[t_order]
    lo = np.searchsorted(t_klass, p_klass, "left")
    hi = np.searchsorted(t_klass, p_klass, "right")
    runs = hi - lo
    sid = np.repeat(p_student, runs)
    rk = np.repeat(p_rank, runs)
    starts = np.repeat(lo - np.cumsum(runs) + runs, runs)
    tid = t_teacher[starts + np.arange(len(sid))] if len(sid) else np.zeros(0, np.int64)
    if not len(sid):
        return sid, tid
    # Per student: the best rank's links only; one teacher when the lowest and highest agree.
    order = np.lexsort((tid, rk, sid))
    sid, rk, tid = sid[order], rk[order], tid[order]
    first = np.r_[True, sid[1:] != sid[:-1]]
    best = np.flatnonzero(first)
    best_rank = np.repeat(rk[best], np.diff(np.r_[best, len(sid)]))
    sid, tid = sid[rk == best_rank], tid[rk == best_rank]
    first = np.flatnonzero(np.r_[True, sid[1:] != sid[:-1]])
    last = np.r_[first[1:], len(sid)] - 1
    single = tid[first] == tid[last]
    return sid[first][single], tid[first][single]


def student_rows(outcome: Outcome, school_id: int | None = None) -> Rows:
    """Every student with both scores and one teacher for the subject (optionally at one school)."""
    sid, tid = _one_teacher(outcome.subject, school_id)
    scores: dict[str, int | str] = {"assessment": outcome.outcome_id}
    took = ""  # one school's page: only the students who took the outcome test there
    if school_id is not None:
        scores["school"] = school_id
        took = _TOOK
    o_student, o_school, o_grade, o_score = _columns(
        _RESULTS + (" AND school_id = %(school)s" if school_id is not None else ""), scores, "iiif"
    )
    b_student, b_score = _columns(
        _BASELINES + took.replace("{id}", "AND student_id"), {**scores, "baseline": outcome.baseline_id}, "if"
    )
    race = (
        "CASE race_ethnicity "
        + " ".join(f"WHEN '{c}' THEN {i}" for i, c in enumerate(RACE_CODES))
        + " ELSE -1 END"
    )
    s_id, s_bits, s_race = _columns(
        _STUDENTS.format(race=race) + took.replace("{id}", "WHERE id"), scores, "iii"
    )
    keep = np.isin(o_student, sid) & np.isin(o_student, b_student)
    if school_id is not None:
        keep &= o_school == school_id
    o_student, o_school, o_grade, o_score = o_student[keep], o_school[keep], o_grade[keep], o_score[keep]
    b_order = np.argsort(b_student)
    baseline = b_score[b_order][np.searchsorted(b_student[b_order], o_student)]
    teacher = tid[np.searchsorted(sid, o_student)]
    s_order = np.argsort(s_id)
    at = s_order[np.searchsorted(s_id[s_order], o_student)]
    bits, race_code = s_bits[at], s_race[at]
    flags = {"el": bits & 1 > 0, "swd": bits & 2 > 0, "ed": bits & 4 > 0}
    for i, code in enumerate(RACE_CODES):
        flags[f"race:{code}"] = race_code == i
    return Rows(
        student=o_student,
        school=o_school,
        grade=o_grade,
        baseline=baseline,
        outcome=o_score,
        teacher=teacher,
        flags=flags,
    )


@dataclass(frozen=True)
class TeacherStatus:
    """Per teacher in the outcome's school year: coached (True), comparison (False); absent: neither."""

    coached: dict[int, bool]
    coach_type: dict[int, str]  # the coach type of the teacher's last completed cycle
    coach: dict[int, int]  # the coach of that cycle (only ever counted, never shown)
    quadrant: dict[int, str]


def teacher_status(district: District, year: int) -> TeacherStatus:
    start, end = school_year_bounds(year)
    overlapping = CoachingCycle.objects.filter(coach__district=district, opened_on__lte=end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=start)
    )
    coached: dict[int, bool] = {}
    coach_type: dict[int, str] = {}
    coach: dict[int, int] = {}
    touched: set[int] = set()
    for teacher_id, status, closed_on, outcome, coach_id, ctype in overlapping.order_by(
        "closed_on", "id"
    ).values_list("teacher_id", "status", "closed_on", "outcome", "coach_id", "coach__coach_type"):
        touched.add(teacher_id)
        if (
            status == CycleStatus.CLOSED
            and closed_on is not None
            and closed_on <= end
            and outcome in COMPLETED
        ):
            coached[teacher_id] = True
            coach_type[teacher_id] = ctype
            coach[teacher_id] = coach_id
    for teacher_id in Teacher.objects.filter(school__district=district).values_list("id", flat=True):
        if teacher_id not in touched:
            coached[teacher_id] = False
    quadrant = dict(
        TeacherIntake.objects.filter(teacher__school__district=district).values_list("teacher_id", "quadrant")
    )
    return TeacherStatus(coached, coach_type, coach, quadrant)


def coaches_by_type(district: District) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for ctype in Coach.objects.filter(district=district).values_list("coach_type", flat=True):
        counts[ctype] += 1
    return dict(counts)


@dataclass(frozen=True)
class ToolInfo:
    name: str
    usage_name: str
    schools: frozenset[int]
    on_map_with_goal: bool


def tools_for(district: District, subject: str, school_id: int | None = None) -> list[ToolInfo]:
    """The technology map's tools that serve the subject, by name across the district's schools."""
    tools = Tool.objects.filter(school__district=district)
    if school_id is not None:
        tools = tools.filter(school_id=school_id)
    linked = set(
        ToolLink.objects.filter(tool__school__district=district)
        .values_list("tool__name", flat=True)
        .distinct()
    )
    found: dict[str, tuple[str, set[int]]] = {}
    for name, usage_name, subjects, school in tools.values_list(
        "name", "usage_name", "subjects", "school_id"
    ):
        if subject in (subjects or []):
            found.setdefault(name, (usage_name or name, set()))[1].add(school)
    return [
        ToolInfo(name, usage, frozenset(schools), name in linked)
        for name, (usage, schools) in sorted(found.items())
    ]


def dose(district: District, usage_name: str, year: int) -> tuple[dict[int, float], int]:
    """Minutes per student-week of a tool in a school year: each student's minutes over the weeks the
    tool was in use anywhere in the district; and that number of weeks."""
    start, end = school_year_bounds(year)
    weeks_qs = UsageWeek.objects.filter(district=district, tool=usage_name, week__gte=start, week__lte=end)
    weeks = weeks_qs.values("week").distinct().count()
    if not weeks:
        return {}, 0
    minutes = dict(
        weeks_qs.values_list("student_id").annotate(m=Sum("minutes")).values_list("student_id", "m")
    )
    return {sid: float(m or 0) / weeks for sid, m in minutes.items()}, weeks
