"""Needs through the API (issue 20): the needs tables of a school and of the district, the
district's schools compared, and the principal's own order of the needs (moved, reset). The same
queries and services as the pages; figures suppressed exactly as the pages suppress them."""

import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from coachmap.core import access, groups, tokens
from coachmap.core.inputs import Id
from coachmap.core.models import District, Role
from coachmap.improvement import services
from coachmap.improvement.api import NeedsOut, needs_of
from coachmap.improvement.endpoints.common import NO_NUL, led_school, page, readable_school, renamed
from coachmap.improvement.queries.district import SORTS, SchoolRow, district_comparison
from coachmap.improvement.queries.needs import (
    NeedsAssessment,
    Period,
    Scope,
    group_label,
    needs_assessment,
    parse_period,
    prioritised,
    trend_lines,
)

router = Router(tags=["improvement"])

Pick = Query(None, max_length=40, description='The testing window, as "2026|state" (the newest by default).')


# --- the needs tables --------------------------------------------------------------------------------


class FiguresOut(Schema):
    """One cell (grade × student group). A hidden cell carries no numbers; growth and participation
    are hidden on their own when they count too few students."""

    grade: int | None
    group: str
    group_label: str
    hidden: bool
    tested: int | None
    rate: float | None
    coded: str | None = Field(description='Shown instead of the rate near 0 % or 100 % ("≤ 5 %").')
    mean_score: float | None
    matched: int | None
    growth: float | None
    growth_hidden: bool
    participation: float | None
    participation_hidden: bool
    gap_to_all: float | None
    best_group: str | None
    gap_to_best: float | None


class TrendOut(Schema):
    grade: int | None
    group: str
    group_label: str
    years: list[int]
    rates: list[float | None]
    coded: list[str | None]


class SubjectTablesOut(Schema):
    subject: str
    label: str
    assessment: str
    administered_on: datetime.date | None
    grades: list[int]
    cells: list[FiguresOut]
    trend: list[TrendOut]
    needs: list[str]


class PeriodOut(Schema):
    value: str
    label: str


class AssessmentOut(Schema):
    school_id: int | None
    name: str
    source: str
    sources: list[str]
    period: str | None
    periods: list[PeriodOut]
    min_group_size: int
    revealed: bool = Field(description="True for the district's data owners, who see small groups too.")
    hidden_cells: int
    built_at: datetime.datetime | None
    stale: bool
    subjects: list[SubjectTablesOut]


def _num(hidden: bool, value: float | None) -> float | None:
    return None if hidden or value is None else round(value, 2)


def _cells(assessment: NeedsAssessment, grade: int | None, every_grade: bool) -> list[dict[str, Any]]:
    subjects = []
    for subject in assessment.subjects:
        grades = [None, *subject.table.grades] if every_grade else [grade]
        cells: list[dict[str, Any]] = []
        trend: list[dict[str, Any]] = []
        for g in grades:
            for code in subject.table.groups:
                f = subject.table.get(g, code)
                # Listed as in the page's tables and CSV: what someone was tested in, and every hidden cell.
                if f is None or (
                    not f.hidden and not f.tested and f.participation is None and f.rate is None
                ):
                    continue
                cells.append(
                    {
                        "grade": g,
                        "group": code,
                        "group_label": group_label(code),
                        "hidden": f.hidden,
                        "tested": None if f.hidden else f.tested,
                        "rate": _num(f.hidden, f.rate),
                        "coded": None if f.hidden else f.coded,
                        "mean_score": _num(f.hidden, f.mean_score),
                        "matched": None if f.growth_hidden else (f.matched or 0),
                        "growth": _num(f.growth_hidden, f.growth),
                        "growth_hidden": f.growth_hidden,
                        "participation": _num(f.participation_hidden, f.participation),
                        "participation_hidden": f.participation_hidden,
                        "gap_to_all": _num(f.hidden, f.gap_to_all),
                        "best_group": None if f.hidden or not f.best_group else f.best_group,
                        "gap_to_best": _num(f.hidden, f.gap_to_best),
                    }
                )
            years, lines = trend_lines(subject, g)
            trend += [
                {
                    "grade": g,
                    "group": line.code,
                    "group_label": line.label,
                    "years": years,
                    "rates": [None if r is None else round(r, 2) for r in line.rates],
                    "coded": line.coded or [None] * len(years),
                }
                for line in lines
            ]
        subjects.append(
            {
                "subject": subject.subject,
                "label": subject.label,
                "assessment": subject.assessment,
                "administered_on": subject.administered_on,
                "grades": list(subject.table.grades),
                "cells": cells,
                "trend": trend,
                "needs": [n.sentence for n in subject.needs],
            }
        )
    return subjects


def _assessment(assessment: NeedsAssessment, grade: int | None) -> dict[str, Any]:
    scope = assessment.scope
    return {
        "school_id": scope.school.pk if scope.school else None,
        "name": scope.name,
        "source": assessment.source,
        "sources": assessment.sources,
        "period": assessment.period.value if assessment.period else None,
        "periods": [{"value": p.value, "label": p.label} for p in assessment.periods],
        "min_group_size": assessment.min_size,
        "revealed": assessment.reveal,
        "hidden_cells": assessment.hidden_count,
        "built_at": assessment.built_at,
        "stale": assessment.stale,
        "subjects": _cells(assessment, grade, every_grade=grade is None or grade not in assessment.grades),
    }


@router.get("/schools/{school_id}/needs/tables", response=AssessmentOut)
@tokens.service(tokens.Scope.READ_AGGREGATES)
def needs_tables(
    request: HttpRequest,
    school_id: Id,
    source: str | None = Query(None, max_length=20),
    pick: str | None = Pick,
    grade: int | None = Query(
        None, ge=-1, le=13, description="One grade's cells only (all grades by default)."
    ),
) -> dict[str, Any]:
    """What the school's data say, as on its needs assessment page: per subject, every grade ×
    student group (tested, proficient, scale score, growth, participation, gaps) and each group's
    trend through the years. Cells below the minimum group size are `hidden`, with no numbers,
    unless the reader owns the district's student data."""
    school = readable_school(request, school_id, "improvement:school")
    assessment = needs_assessment(
        request.user, Scope(school.district, school), source=source, period=parse_period(pick)
    )
    return _assessment(assessment, grade)


def _admin_district(request: HttpRequest, route: str) -> District:
    page(request, route, "The district's figures are for its data owners, the district admins.")
    district = access.acting_district(request.user, Role.DISTRICT_ADMIN)
    if district is None:  # the route is for the role, so there is one
        raise Http404("You administer no district.")
    return district


@router.get("/district/needs", response=AssessmentOut)
# The data owners' figures: never a service account's (it reads suppressed aggregates only).
def district_needs(
    request: HttpRequest,
    source: str | None = Query(None, max_length=20),
    pick: str | None = Pick,
    grade: int | None = Query(
        None, ge=-1, le=13, description="One grade's cells only (all grades by default)."
    ),
) -> dict[str, Any]:
    """The district's needs assessment, every school together, as on its page (for the district
    admins, who own the data); each subject's ranked needs."""
    district = _admin_district(request, "improvement:district-needs")
    assessment = needs_assessment(
        request.user, Scope(district, None), source=source, period=parse_period(pick)
    )
    return _assessment(assessment, grade)


# --- the district's schools compared -----------------------------------------------------------------


class ComparisonRowOut(Schema):
    school_id: int | None = Field(description="Null on the district's own row.")
    name: str
    grades: str
    tested_all: int
    rate_all: float | None
    hidden: bool
    tested: int | None
    rate: float | None
    gap: float | None
    growth: float | None
    participation: float | None
    active_goals: int


class SubjectOut(Schema):
    code: str
    label: str


class ComparisonOut(Schema):
    district_id: int
    title: str
    period: str | None
    periods: list[PeriodOut]
    subject: str
    subjects: list[SubjectOut]
    group: str
    group_label: str
    sort: str
    revealed: bool
    rows: list[ComparisonRowOut]
    total: ComparisonRowOut | None


def _row(row: SchoolRow, district_row: bool = False) -> dict[str, Any]:
    return {
        "school_id": None if district_row else row.school_id,
        "name": row.name,
        "grades": row.grades,
        "tested_all": row.everyone.tested,
        "rate_all": _num(False, row.rate_all),
        "hidden": row.hidden,
        "tested": None if row.hidden else row.group.tested,
        "rate": _num(row.hidden, row.rate),
        "gap": _num(row.hidden, row.gap),
        "growth": _num(row.hidden, row.growth),
        "participation": _num(row.hidden, row.participation),
        "active_goals": row.active_goals,
    }


@router.get("/district/schools", response=ComparisonOut)
# The data owners' figures: never a service account's (it reads suppressed aggregates only).
def district_comparison_read(
    request: HttpRequest,
    pick: str | None = Pick,
    subject: str | None = Query(None, max_length=20),
    group: str = Query(
        groups.ALL, max_length=40, description="A student group's code; all students by default."
    ),
    sort: str = Query("gap", description=f"One of {', '.join(SORTS)}."),
) -> dict[str, Any]:
    """Every school of the district side by side for one subject, testing window and student
    group, as on the compare-schools page (for the district admins, who own the data)."""
    district = _admin_district(request, "improvement:district")
    found = district_comparison(
        request.user, district, period=parse_period(pick), subject=subject, group=group, sort=sort
    )
    return {
        "district_id": district.pk,
        "title": found.title,
        "period": found.period.value if found.period else None,
        "periods": [{"value": p.value, "label": p.label} for p in found.periods],
        "subject": found.subject,
        "subjects": [{"code": c, "label": label} for c, label in found.subjects],
        "group": found.group,
        "group_label": found.group_label,
        "sort": found.sort,
        "revealed": found.reveal,
        "rows": [_row(r) for r in found.rows],
        "total": _row(found.total, district_row=True) if found.total else None,
    }


# --- the principal's order of the needs --------------------------------------------------------------


# A need's key, as the notes keep it ("ela:4:el", at most 80 characters).
NeedKey = Annotated[str, Field(min_length=1, max_length=80, pattern=NO_NUL)]


class NeedMoveIn(Schema):
    key: NeedKey = Field(
        ..., description='The need to move, as listed by GET /schools/{id}/needs ("ela:4:el").'
    )
    direction: str = Field(..., pattern="^(up|down)$")
    order: list[NeedKey] | None = Field(
        None,
        max_length=500,
        description="The needs' keys in the order you see them; by default the order GET …/needs "
        "answers for `source` and `pick`.",
    )
    source: str | None = Field(None, max_length=20)
    pick: str | None = Field(None, max_length=40)


@router.post("/schools/{school_id}/needs/move", response=NeedsOut)
def need_move(request: HttpRequest, school_id: Id, payload: NeedMoveIn) -> dict[str, Any]:
    """Move one need a place up or down in the school's list (its principal); the order is kept
    for next time, as on the needs page. Answers the list in its new order."""
    school = led_school(request, school_id, "improvement:need-move")
    order = payload.order
    if order is None:
        period: Period | None = parse_period(payload.pick)
        assessment = needs_assessment(
            request.user, Scope(school.district, school), source=payload.source, period=period
        )
        order = [n.key for n in prioritised(school, assessment)[0]]
    try:
        services.need_move(
            actor=request.user,  # type: ignore[arg-type]
            school=school,
            order=list(order),
            key=payload.key,
            step=-1 if payload.direction == "up" else 1,
        )
    except ValidationError as exc:
        raise renamed(exc, {}, whole="key") from exc
    return needs_of(request, school, source=payload.source, pick=payload.pick)


@router.post("/schools/{school_id}/needs/reset", response=NeedsOut)
def need_reset(request: HttpRequest, school_id: Id) -> dict[str, Any]:
    """Back to the suggested order of the school's needs (its principal); the notes are kept."""
    school = led_school(request, school_id, "improvement:need-reset")
    services.need_order_reset(actor=request.user, school=school)  # type: ignore[arg-type]
    return needs_of(request, school, source=None, pick=None)
