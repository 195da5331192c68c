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
from dataclasses import dataclass, field

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


_STUDENT_ROWS = """
WITH links AS (
    SELECT se.student_id AS sid, te.teacher_id AS tid, CASE WHEN c.subject = %(subject)s THEN 0 ELSE 1 END AS rk
    FROM roster_enrollment se
    JOIN roster_class c ON c.id = se.klass_id
    JOIN roster_enrollment te ON te.klass_id = se.klass_id AND te.teacher_id IS NOT NULL
    WHERE se.student_id IS NOT NULL AND c.subject IN (%(subject)s, 'other') {class_school}
),
best AS (SELECT sid, MIN(rk) AS rk FROM links GROUP BY sid),
teacher AS (
    SELECT l.sid, MIN(l.tid) AS tid
    FROM links l JOIN best b ON b.sid = l.sid AND b.rk = l.rk
    GROUP BY l.sid
    HAVING COUNT(DISTINCT l.tid) = 1
)
SELECT o.student_id, o.school_id, o.grade, b.scale_score, o.scale_score, t.tid,
       CASE WHEN s.english_learner THEN 1 ELSE 0 END, CASE WHEN s.disability THEN 1 ELSE 0 END,
       CASE WHEN s.econ_disadvantaged THEN 1 ELSE 0 END, {race}
FROM teacher t
JOIN roster_result o ON o.assessment_id = %(outcome)s AND o.student_id = t.sid
JOIN roster_result b ON b.assessment_id = %(baseline)s AND b.student_id = t.sid
JOIN roster_student s ON s.id = t.sid
WHERE o.scale_score IS NOT NULL AND b.scale_score IS NOT NULL {result_school}
"""

RACE_CODES = ["american_indian", "asian", "black", "hispanic", "pacific_islander", "white", "multiracial"]


def student_rows(outcome: Outcome, school_id: int | None = None) -> Rows:
    """Every student with both scores and one teacher for the subject (optionally at one school)."""
    params: dict[str, int | str] = {
        "subject": outcome.subject,
        "baseline": outcome.baseline_id,
        "outcome": outcome.outcome_id,
    }
    class_school = result_school = ""
    if school_id is not None:
        params["school"] = school_id
        class_school, result_school = "AND c.school_id = %(school)s", "AND o.school_id = %(school)s"
    race = (
        "CASE s.race_ethnicity "
        + " ".join(f"WHEN '{c}' THEN {i}" for i, c in enumerate(RACE_CODES))
        + " ELSE -1 END"
    )
    sql = _STUDENT_ROWS.format(class_school=class_school, result_school=result_school, race=race)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # Straight from the cursor's tuples into typed columns: no Python object per cell.
        table = np.fromiter(cursor.fetchall(), dtype=_ROW_TYPE)
    flags = {"el": table["el"] == 1, "swd": table["swd"] == 1, "ed": table["ed"] == 1}
    for i, code in enumerate(RACE_CODES):
        flags[f"race:{code}"] = table["race"] == i
    return Rows(
        student=table["student"].astype(np.int64),
        school=table["school"].astype(np.int64),
        grade=table["grade"].astype(np.int64),
        baseline=table["baseline"],
        outcome=table["outcome"],
        teacher=table["teacher"].astype(np.int64),
        flags=flags,
    )


_ROW_TYPE = np.dtype(
    [
        ("student", np.int64),
        ("school", np.int64),
        ("grade", np.int64),
        ("baseline", np.float64),
        ("outcome", np.float64),
        ("teacher", np.int64),
        ("el", np.int8),
        ("swd", np.int8),
        ("ed", np.int8),
        ("race", np.int8),
    ]
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
