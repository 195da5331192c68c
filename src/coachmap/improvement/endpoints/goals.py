"""School improvement goals and district-wide goals through the API (issue 20): read with their
progress and history, set, changed and closed as on the goal pages, by the same services."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from coachmap.core import access, tokens
from coachmap.core.inputs import Id, Pages
from coachmap.core.models import Role
from coachmap.improvement import access as improvement_access
from coachmap.improvement import services
from coachmap.improvement.api import IndicatorDetailOut, IndicatorOut, indicator_row
from coachmap.improvement.endpoints.common import Day, Figure, LongText, Name, Rows, led_school, page
from coachmap.improvement.models import (
    DataSource,
    DistrictGoal,
    GoalChange,
    GoalStatus,
    ImprovementGoal,
    IndicatorKind,
    Metric,
)
from coachmap.improvement.queries import goals as goal_queries
from coachmap.improvement.queries.indicators import coaching_behind
from coachmap.roster.models import Subject, Window

router = Router(tags=["improvement"])

# --- what a goal reads like ------------------------------------------------------------------------


class ChangeOut(Schema):
    field: str
    before: str
    after: str


class HistoryOut(Schema):
    changed_at: datetime.datetime
    changed_by: str
    changes: list[ChangeOut]


class GoalPointOut(Schema):
    label: str
    on: datetime.date
    value: float | None
    hidden: bool
    coded: str | None


class ProgressOut(Schema):
    status: str
    status_label: str
    current: float | None
    current_date: datetime.date | None
    expected: float | None
    share: float | None
    points: list[GoalPointOut]


class CoachingOut(Schema):
    """How much coaching stands behind a goal: counts only, null below the minimum group size."""

    teacher_goals: int | None
    active_cycles: int | None


class GoalDetailOut(Schema):
    id: int
    school_id: int
    school: str
    statement: str
    subject: str
    student_group: str
    metric: str
    baseline: float
    target: float
    target_date: datetime.date
    status: str
    grade: int | None
    source: str
    window: str
    baseline_date: datetime.date | None
    need_key: str
    progress: ProgressOut | None
    indicators: list[IndicatorOut]
    coaching: CoachingOut
    history: list[HistoryOut]


def _history(changes: Any) -> list[dict[str, Any]]:
    rows: list[GoalChange] = list(changes.select_related("changed_by"))
    return [
        {
            "changed_at": h.changed_at,
            "changed_by": (h.changed_by.get_full_name() or h.changed_by.get_username())
            if h.changed_by
            else "someone no longer here",
            "changes": h.changes,
        }
        for h in rows
    ]


def _goal_detail(request: HttpRequest, goal: ImprovementGoal) -> dict[str, Any]:
    """The goal's page in data: its progress (when active), indicators, coaching counts and history."""
    progress = None
    if goal.status == GoalStatus.ACTIVE:
        found = goal_queries.goal_progress(request.user, goal)
        progress = {
            "status": found.progress.status.value,
            "status_label": found.progress.status.label,
            "current": found.progress.current,
            "current_date": found.progress.current_date,
            "expected": found.progress.expected,
            "share": found.progress.share,
            "points": [
                {"label": p.label, "on": p.on, "value": p.value, "hidden": p.hidden, "coded": p.coded}
                for p in found.points
            ],
        }
    coaching = coaching_behind(request.user, goal)
    return {
        "id": goal.pk,
        "school_id": goal.school_id,
        "school": goal.school.name,
        "statement": goal.statement,
        "subject": goal.subject,
        "student_group": goal.student_group,
        "metric": goal.metric,
        "baseline": goal.baseline,
        "target": goal.target,
        "target_date": goal.target_date,
        "status": goal.status,
        "grade": goal.grade,
        "source": goal.source,
        "window": goal.window,
        "baseline_date": goal.baseline_date,
        "need_key": goal.need_key,
        "progress": progress,
        "indicators": [indicator_row(request, i) for i in goal.indicators.all()],
        "coaching": {
            "teacher_goals": coaching.count(coaching.teacher_goals),
            "active_cycles": coaching.count(coaching.active_cycles),
        },
        "history": _history(goal.changes),
    }


def _readable_goal(request: HttpRequest, goal_id: int) -> ImprovementGoal:
    page(
        request, "improvement:goal", "Goals are read by the school's principal, its coaches and the district."
    )
    return access.fetch(
        lambda u: (
            improvement_access.improvement_goals_visible_to(u)
            .filter(school__in=access.schools_readable_by(u))
            .select_related("school__district")
        ),
        request.user,
        pk=goal_id,
    )


def _led_goal(request: HttpRequest, goal_id: int, route: str) -> ImprovementGoal:
    """A goal of the principal's own school (the goal pages' fetch): 404 for any other school's."""
    page(request, route, "Only the school's principal changes its goals.")
    return access.fetch(
        lambda u: (
            improvement_access.improvement_goals_visible_to(u)
            .filter(school__in=access.schools_led_by(u))
            .select_related("school__district")
        ),
        request.user,
        pk=goal_id,
    )


@router.get("/goals/{goal_id}", response=GoalDetailOut)
@tokens.service(tokens.Scope.READ_GOALS)
def school_goal_detail(request: HttpRequest, goal_id: Id) -> dict[str, Any]:
    """One school goal, as on its page: progress against the straight line to the target (figures
    about too few students null and `hidden`), its indicators, how much coaching stands behind it
    (counts, null below the minimum group size) and the history of its changes."""
    return _goal_detail(request, _readable_goal(request, goal_id))


# --- writing a school goal -------------------------------------------------------------------------


class GoalIn(Schema):
    statement: LongText
    subject: Subject
    student_group: Name = "all"
    grade: int | None = None
    metric: Metric = Metric.PROFICIENCY_RATE
    source: DataSource = DataSource.RESULTS
    window: Window | None = None
    baseline: Figure
    baseline_date: Day | None = None
    target: Figure
    target_date: Day
    need_key: Name = ""


@router.post("/schools/{school_id}/goals", response={201: GoalDetailOut})
def school_goal_create(request: HttpRequest, school_id: Id, payload: GoalIn) -> Status:
    """Set one of the school's one or two active improvement goals (its principal), as on the goal
    form. A gap goal's target is below its baseline; any other goal's is above."""
    school = led_school(request, school_id, "improvement:goal-new")
    access.require(
        access.leads_school(request.user, school.pk), "Only the school's principal sets its goals."
    )
    values = payload.dict()
    values["window"] = values["window"] or ""
    goal = services.goal_set(actor=request.user, school=school, **values)  # type: ignore[arg-type]
    return Status(201, _goal_detail(request, goal))


class GoalEditIn(Schema):
    statement: LongText
    target: Figure
    target_date: Day


@router.put("/goals/{goal_id}", response=GoalDetailOut)
def school_goal_edit(request: HttpRequest, goal_id: Id, payload: GoalEditIn) -> dict[str, Any]:
    """Reword a school goal or move its target (its principal); each change is kept in the goal's
    history with who made it and when."""
    goal = _led_goal(request, goal_id, "improvement:goal-edit")
    access.require(
        access.leads_school(request.user, goal.school_id), "Only the school's principal changes its goals."
    )
    goal = services.goal_edit(actor=request.user, goal=goal, **payload.dict())  # type: ignore[arg-type]
    return _goal_detail(request, goal)


class GoalStatusIn(Schema):
    status: GoalStatus


@router.post("/goals/{goal_id}/status", response=GoalDetailOut)
def school_goal_status(request: HttpRequest, goal_id: Id, payload: GoalStatusIn) -> dict[str, Any]:
    """Mark a school goal met or retired, or make it active again (at most two active at a time)."""
    page(request, "improvement:goal-status", "Only the school's principal changes its goals.")
    goal = access.fetch(improvement_access.improvement_goals_visible_to, request.user, pk=goal_id)
    goal = services.goal_status_change(actor=request.user, goal=goal, status=payload.status)  # type: ignore[arg-type]
    return _goal_detail(request, goal)


# --- a goal's indicators ---------------------------------------------------------------------------


class IndicatorIn(Schema):
    kind: IndicatorKind
    target: Figure
    name: Name = ""
    subject: Subject | None = None
    student_group: Name = ""
    unit: Name = ""
    baseline: Figure | None = None


@router.post("/goals/{goal_id}/indicators", response={201: IndicatorDetailOut})
def indicator_create(request: HttpRequest, goal_id: Id, payload: IndicatorIn) -> Status:
    """Add an indicator to a goal (its school's principal), as on the indicator form. A computed one
    starts from today's value when no baseline is given; a custom one needs a name."""
    goal = _led_goal(request, goal_id, "improvement:indicator-new")
    access.require(
        access.leads_school(request.user, goal.school_id), "Only the school's principal sets its indicators."
    )
    values = payload.dict()
    values["subject"] = values["subject"] or ""
    indicator = services.indicator_add(actor=request.user, goal=goal, **values)  # type: ignore[arg-type]
    return Status(201, indicator_row(request, indicator, detail=True))


# --- district-wide goals (issue 16): everyone in the district reads; the lead and the admin write ---


class DistrictGoalOut(Schema):
    id: int
    district_id: int
    statement: str
    subject: str
    student_group: str
    target_date: datetime.date
    status: str


class DistrictGoalDetailOut(DistrictGoalOut):
    history: list[HistoryOut]


def _district_goal(goal: DistrictGoal) -> dict[str, Any]:
    return {
        "id": goal.pk,
        "district_id": goal.district_id,
        "statement": goal.statement,
        "subject": goal.subject,
        "student_group": goal.student_group,
        "target_date": goal.target_date,
        "status": goal.status,
    }


def _district_goal_detail(goal: DistrictGoal) -> dict[str, Any]:
    return {**_district_goal(goal), "history": _history(goal.changes)}


@router.get("/district-goals", response=list[DistrictGoalOut])
@tokens.service(tokens.Scope.READ_GOALS)
@paginate(Pages, page_size=50)
def district_goal_list(request: HttpRequest, status: GoalStatus | None = None) -> Any:
    """The district-wide goals of the person's district, as on the district goals page."""
    page(request, "improvement:district-goals", "District goals are for the district's people.")
    queryset = improvement_access.district_goals_visible_to(request.user).order_by(
        "-status", "created_at", "id"
    )
    if status:
        queryset = queryset.filter(status=status)
    return Rows(queryset, _district_goal)


@router.get("/district-goals/{goal_id}", response=DistrictGoalDetailOut)
@tokens.service(tokens.Scope.READ_GOALS)
def district_goal_detail(request: HttpRequest, goal_id: Id) -> dict[str, Any]:
    """One district-wide goal with the history of its changes (who, when, what before and after)."""
    page(request, "improvement:district-goal", "District goals are for the district's people.")
    goal = access.fetch(improvement_access.district_goals_visible_to, request.user, pk=goal_id)
    return _district_goal_detail(goal)


class DistrictGoalIn(Schema):
    statement: LongText
    subject: Subject
    student_group: Name = "all"
    target_date: Day


class DistrictGoalEditIn(DistrictGoalIn):
    status: GoalStatus


WRITERS = (Role.PROGRAM_LEAD, Role.DISTRICT_ADMIN)


@router.post("/district-goals", response={201: DistrictGoalDetailOut})
def district_goal_create(request: HttpRequest, payload: DistrictGoalIn) -> Status:
    """Write a district-wide goal (the district admin or the coaching program lead); teachers can
    write their own goals from it whether or not their school has a goal."""
    page(
        request,
        "improvement:district-goal-new",
        "Only the district admin and the coaching program lead write district-wide goals.",
    )
    district = access.acting_district(request.user, *WRITERS)
    access.require(district is not None, "You act for no district.")
    goal = services.district_goal_set(actor=request.user, district=district, **payload.dict())  # type: ignore[arg-type]
    return Status(201, _district_goal_detail(goal))


@router.put("/district-goals/{goal_id}", response=DistrictGoalDetailOut)
def district_goal_edit(request: HttpRequest, goal_id: Id, payload: DistrictGoalEditIn) -> dict[str, Any]:
    """Change a district-wide goal, its status included; each change is kept in its history."""
    page(
        request,
        "improvement:district-goal-edit",
        "Only the district admin and the coaching program lead change district-wide goals.",
    )
    goal = access.fetch(improvement_access.district_goals_visible_to, request.user, pk=goal_id)
    access.require(
        improvement_access.may_edit_district_goal(request.user, goal.district_id),
        "Only the district admin and the coaching program lead change district-wide goals.",
    )
    goal = services.district_goal_edit(actor=request.user, goal=goal, **payload.dict())  # type: ignore[arg-type]
    return _district_goal_detail(goal)
