import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from coachmap.core import access, tokens
from coachmap.core.inputs import Id, Pages
from coachmap.core.models import School
from coachmap.improvement import access as improvement_access
from coachmap.improvement import services
from coachmap.improvement.endpoints.common import Rows, led_school, readable_school
from coachmap.improvement.models import GoalStatus, ImprovementGoal, Indicator
from coachmap.improvement.queries.indicators import indicator_view
from coachmap.improvement.queries.needs import Scope as NeedsScope
from coachmap.improvement.queries.needs import needs_assessment, parse_period, prioritised
from coachmap.improvement.queries.techmap import tech_map

router = Router(tags=["improvement"])


class GoalOut(Schema):
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

    @staticmethod
    def resolve_school(obj: ImprovementGoal) -> str:
        return obj.school.name


@router.get("/goals", response=list[GoalOut])
@tokens.service(tokens.Scope.READ_GOALS)
def goals(
    request: HttpRequest, school_id: Id | None = None, status: GoalStatus | None = None
) -> list[ImprovementGoal]:
    """Improvement goals of the schools the user may see."""
    queryset = improvement_access.improvement_goals_visible_to(request.user).select_related("school")
    if school_id is not None:
        queryset = queryset.filter(school_id=school_id)
    if status:
        queryset = queryset.filter(status=status)
    return list(queryset)


# --- needs, indicators and the technology map (issue 20: the pages' reads and writes) ----------


class NeedOut(Schema):
    key: str
    sentence: str
    subject: str
    grade: int | None
    group: str
    rate: str
    reference: str
    compared_with: str
    shortfall: float
    at_least: bool
    students: int
    trend: str
    score: float
    placed: bool
    note: str


class NeedsOut(Schema):
    school_id: int
    source: str
    sources: list[str]
    period: str | None
    min_group_size: int
    hidden_cells: int
    needs: list[NeedOut]


@router.get("/schools/{school_id}/needs", response=NeedsOut)
@tokens.service(tokens.Scope.READ_AGGREGATES)
def needs(
    request: HttpRequest, school_id: Id, source: str | None = None, pick: str | None = None
) -> dict[str, Any]:
    """The school's prioritised needs, as on its needs page: the principal's order first, cells
    below the minimum group size suppressed (never listed). `source` and `pick` ("2026|state")
    choose the assessment and period, as the page's filters do."""
    school = readable_school(request, school_id, "improvement:needs")
    return needs_of(request, school, source=source, pick=pick)


def needs_of(request: HttpRequest, school: School, *, source: str | None, pick: str | None) -> dict[str, Any]:
    """The needs page's list in data (`NeedsOut`): the assessment the filters choose, the needs
    in the principal's order, with their notes."""
    assessment = needs_assessment(
        request.user, NeedsScope(school.district, school), source=source, period=parse_period(pick)
    )
    found, notes = prioritised(school, assessment)
    return {
        "school_id": school.pk,
        "source": assessment.source,
        "sources": assessment.sources,
        "period": assessment.period.value if assessment.period else None,
        "min_group_size": assessment.min_size,
        "hidden_cells": assessment.hidden_count,
        "needs": [
            {
                "key": n.key,
                "sentence": n.sentence,
                "subject": n.subject,
                "grade": n.grade,
                "group": n.group,
                "rate": n.rate_text,
                "reference": n.reference_text,
                "compared_with": n.compared_with,
                "shortfall": round(n.shortfall, 1),
                "at_least": n.at_least,
                "students": n.students,
                "trend": n.trend.phrase or "",
                "score": round(n.score, 1),
                "placed": n.key in notes and notes[n.key].position is not None,
                "note": notes[n.key].note if n.key in notes else "",
            }
            for n in found
        ],
    }


class NeedNoteIn(Schema):
    key: str = Field(..., min_length=1, max_length=80)
    note: str = Field("", max_length=4000)


@router.post("/schools/{school_id}/needs/notes", response=NeedNoteIn)
def need_note(request: HttpRequest, school_id: Id, payload: NeedNoteIn) -> dict[str, str]:
    """The principal's note on one of their school's needs (as on the needs page)."""
    school = led_school(request, school_id, "improvement:need-note")
    services.need_note_save(actor=request.user, school=school, key=payload.key, note=payload.note)  # type: ignore[arg-type]
    return {"key": payload.key, "note": payload.note}


class PointOut(Schema):
    label: str
    on: datetime.date
    value: float | None
    hidden: bool


class IndicatorOut(Schema):
    id: int
    goal_id: int
    school_id: int
    kind: str
    name: str
    subject: str
    student_group: str
    unit: str
    lower_is_better: bool
    baseline: float | None
    target: float
    current: float | None


class IndicatorDetailOut(IndicatorOut):
    points: list[PointOut]
    tools: list[str]


def indicator_row(request: HttpRequest, indicator: Indicator, detail: bool = False) -> dict[str, Any]:
    view = indicator_view(request.user, indicator)
    current = view.current
    row: dict[str, Any] = {
        "id": indicator.pk,
        "goal_id": indicator.goal_id,
        "school_id": indicator.goal.school_id,
        "kind": indicator.kind,
        "name": indicator.name,
        "subject": indicator.subject,
        "student_group": indicator.student_group,
        "unit": indicator.unit,
        "lower_is_better": indicator.lower_is_better,
        "baseline": view.baseline,
        "target": indicator.target,
        "current": current.value if current is not None else None,
    }
    if detail:
        row["points"] = [
            {"label": p.label, "on": p.on, "value": p.value, "hidden": p.hidden} for p in view.points
        ]
        row["tools"] = [str(link.tool) for link in view.tools]
    return row


@router.get("/indicators", response=list[IndicatorOut])
@tokens.service(tokens.Scope.READ_AGGREGATES)
@paginate(Pages, page_size=50)
def indicators(
    request: HttpRequest, goal_id: Id | None = None, school_id: Id | None = None
) -> list[dict[str, Any]]:
    """Indicators of the goals the user may see (the principal's school, the district admin's
    schools), with their current value: a figure about too few students is null."""
    access.require(
        access.may_open(request.user, "improvement:indicator"),
        "Indicators are for principals and the district.",
    )
    queryset = (
        improvement_access.indicators_visible_to(request.user).select_related("goal__school").order_by("id")
    )
    if goal_id is not None:
        queryset = queryset.filter(goal_id=goal_id)
    if school_id is not None:
        queryset = queryset.filter(goal__school_id=school_id)
    return Rows(queryset, lambda i: indicator_row(request, i))  # type: ignore[return-value]


@router.get("/indicators/{indicator_id}", response=IndicatorDetailOut)
@tokens.service(tokens.Scope.READ_AGGREGATES)
def indicator(request: HttpRequest, indicator_id: Id) -> dict[str, Any]:
    """One indicator with its points (suppressed ones null and `hidden`) and the tools mapped to it."""
    access.require(
        access.may_open(request.user, "improvement:indicator"),
        "Indicators are for principals and the district.",
    )
    found = access.fetch(improvement_access.indicators_visible_to, request.user, pk=indicator_id)
    return indicator_row(request, found, detail=True)


class MeasurementIn(Schema):
    measured_on: datetime.date
    value: float
    note: str = Field("", max_length=2000)


@router.post("/indicators/{indicator_id}/measurements", response=IndicatorDetailOut)
def measurement_add(request: HttpRequest, indicator_id: Id, payload: MeasurementIn) -> dict[str, Any]:
    """Record a value of a custom indicator (the school's principal)."""
    access.require(
        access.may_open(request.user, "improvement:measurement-new"),
        "Only the school's principal records measurements.",
    )
    found = access.fetch(improvement_access.indicators_visible_to, request.user, pk=indicator_id)
    services.measurement_add(actor=request.user, indicator=found, **payload.dict())  # type: ignore[arg-type]
    return indicator_row(request, found, detail=True)


class UsageOut(Schema):
    weeks: int
    students: float | None
    minutes_per_student: float | None
    hidden: bool


class ToolLinkOut(Schema):
    id: int
    goal_id: int
    indicator_id: int | None
    rationale: str


class ToolOut(Schema):
    id: int
    name: str
    kind: str
    vendor: str
    grades: list[int]
    subjects: list[str]
    usage_name: str
    connected: bool
    goals: list[int]
    indicators: list[int]
    links: list[ToolLinkOut]
    usage: UsageOut | None


class TechMapOut(Schema):
    school_id: int
    tools: list[ToolOut]
    unsupported_indicators: list[int]


@router.get("/schools/{school_id}/technology-map", response=TechMapOut)
@tokens.service(tokens.Scope.READ_GOALS)
def technology_map(request: HttpRequest, school_id: Id) -> dict[str, Any]:
    """The school's tools, the goals and indicators each is mapped to, and their recent use
    (suppressed below the minimum group size: figures null and `hidden`)."""
    school = readable_school(request, school_id, "improvement:techmap")
    found = tech_map(request.user, school)
    return {
        "school_id": school.pk,
        "tools": [
            {
                "id": row.tool.pk,
                "name": row.tool.name,
                "kind": row.tool.kind,
                "vendor": row.tool.vendor,
                "grades": row.tool.grades,
                "subjects": row.tool.subjects,
                "usage_name": row.tool.usage_name,
                "connected": row.connected,
                "goals": sorted({link.goal_id for link in row.links}),
                "indicators": sorted({link.indicator_id for link in row.links if link.indicator_id}),
                "links": [
                    {
                        "id": link.pk,
                        "goal_id": link.goal_id,
                        "indicator_id": link.indicator_id,
                        "rationale": link.rationale,
                    }
                    for link in row.links
                ],
                "usage": None
                if row.usage is None
                else {
                    "weeks": row.usage.weeks,
                    "students": None if row.usage.hidden else row.usage.students,
                    "minutes_per_student": None if row.usage.hidden else row.usage.minutes_per_student,
                    "hidden": row.usage.hidden,
                },
            }
            for row in found.tools
        ],
        "unsupported_indicators": [b.view.indicator.pk for b in found.unsupported],
    }
