"""What the impact estimates read: the students of an outcome, each teacher's side, tools and doses.

The students (one row each, with their one teacher for the subject) come from
`improvement.outcome_rows`: the summary the imports rebuild, or the raw tables. A teacher *completed a cycle* in a
school year when a cycle of theirs closed in it with the goal met or with a referral onward; the
comparison is teachers with no cycle at all in that year. Teachers in between (a cycle still running,
paused, stepped back or handed over) are on neither side.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, Sum

from coachmap.coaching.models import CoachingCycle, CycleOutcome, CycleStatus, TeacherIntake
from coachmap.core.models import Coach, District, Teacher
from coachmap.core.schoolyear import school_year_bounds
from coachmap.improvement import outcome_rows
from coachmap.improvement.models import Tool, ToolLink
from coachmap.improvement.outcome_rows import RACE_CODES, Outcome, Rows, outcomes
from coachmap.roster.models import UsageWeek

__all__ = [
    "RACE_CODES",
    "Outcome",
    "Rows",
    "ToolInfo",
    "coaches_by_type",
    "dose",
    "outcomes",
    "student_rows",
    "teacher_status",
    "tools_for",
]

COMPLETED = (CycleOutcome.GOAL_MET.value, CycleOutcome.REFERRED.value)


def student_rows(outcome: Outcome, school_id: int | None = None) -> Rows:
    """Every student with both scores and one teacher for the subject (optionally at one school):
    from the summary every import rebuilds, or from the raw tables when it holds none for the outcome
    (the district's summaries were never built since the outcome's tests arrived)."""
    rows = outcome_rows.stored(outcome, school_id)
    return rows if rows is not None else outcome_rows.extract(outcome, school_id)


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
    # Ids only, no dates turned into Python objects: the page reads this for every estimate.
    touched = set(overlapping.order_by().values_list("teacher_id", flat=True).distinct())
    completed = overlapping.filter(status=CycleStatus.CLOSED, closed_on__lte=end, outcome__in=COMPLETED)
    coached: dict[int, bool] = {}
    coach_type: dict[int, str] = {}
    coach: dict[int, int] = {}
    # In the order they closed, so the last completed cycle's coach counts.
    for teacher_id, coach_id, ctype in completed.order_by("closed_on", "id").values_list(
        "teacher_id", "coach_id", "coach__coach_type"
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
