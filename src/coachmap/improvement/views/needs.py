"""The needs assessment pages: what the data say, and the prioritised needs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from coachmap.core import access
from coachmap.core.access import AuthedRequest
from coachmap.core.models import District, Role, School
from coachmap.improvement import access as improvement_access
from coachmap.improvement import charts, services
from coachmap.improvement.models import MAX_ACTIVE_GOALS, GoalStatus
from coachmap.improvement.queries import goals as goal_queries
from coachmap.improvement.queries.needs import (
    NeedsAssessment,
    Scope,
    needs_assessment,
    parse_period,
    prioritised,
    rows_for,
    trend_lines,
)

SHOWN_NEEDS = 15


def read_assessment(request: AuthedRequest, scope: Scope) -> tuple[NeedsAssessment, int | None]:
    """The assessment the page's filters ask for: ?source=…&pick=YEAR|WINDOW&grade=N."""
    assessment = needs_assessment(
        request.user, scope, source=request.GET.get("source"), period=parse_period(request.GET.get("pick"))
    )
    grade_text = request.GET.get("grade", "")
    grade = (
        int(grade_text) if grade_text.lstrip("-").isdigit() and int(grade_text) in assessment.grades else None
    )
    return assessment, grade


def filters_query(assessment: NeedsAssessment, grade: int | None) -> str:
    params = {"source": assessment.source}
    if assessment.period:
        params["pick"] = assessment.period.value
    if grade is not None:
        params["grade"] = str(grade)
    return urlencode(params)


def _sections(assessment: NeedsAssessment, grade: int | None) -> list[dict[str, Any]]:
    sections = []
    for i, subject in enumerate(assessment.subjects):
        rows = rows_for(subject, grade)
        years, lines = trend_lines(subject, grade)
        sections.append(
            {
                "subject": subject,
                "rows": rows,
                "years": years,
                "lines": lines,
                "gap_chart": charts.gaps(rows, subject.label),
                "trend_chart": charts.trend(years, lines, subject.label) if len(years) > 1 else None,
                "n": i,
                "gap_id": f"gaps-{i}",
                "trend_id": f"trend-{i}",
            }
        )
    return sections


def _page(request: AuthedRequest, scope: Scope, template: str, extra: dict[str, Any]) -> HttpResponse:
    assessment, grade = read_assessment(request, scope)
    context = {
        "scope": scope,
        "assessment": assessment,
        "grade": grade,
        "sections": _sections(assessment, grade),
        "query": filters_query(assessment, grade),
        **extra,
    }
    return render(request, template, context)


@access.route_required("improvement:school")
def school_detail(request: AuthedRequest, school_id: int) -> HttpResponse:
    """What our data say: the school's needs assessment, its top needs and its goals."""
    school = access.fetch(access.schools_readable_by, request.user, pk=school_id)
    goals = list(
        improvement_access.improvement_goals_visible_to(request.user)
        .filter(school=school)
        .select_related("school__district")
    )
    progress = {
        g.pk: goal_queries.goal_progress(request.user, g) for g in goals if g.status == GoalStatus.ACTIVE
    }
    assessment, grade = read_assessment(request, Scope(school.district, school))
    needs, _ = prioritised(school, assessment)
    return render(
        request,
        "improvement/school_detail.html",
        {
            "scope": Scope(school.district, school),
            "school": school,
            "assessment": assessment,
            "grade": grade,
            "sections": _sections(assessment, grade),
            "query": filters_query(assessment, grade),
            "top_needs": needs[:5],
            "need_count": len(needs),
            "goals": [(g, progress.get(g.pk)) for g in goals],
            "active_count": sum(g.status == GoalStatus.ACTIVE for g in goals),
            "max_goals": MAX_ACTIVE_GOALS,
            "may_set_goals": access.leads_school(request.user, school.pk),
        },
    )


@access.route_required("improvement:district-needs")
def district_needs(request: AuthedRequest) -> HttpResponse:
    """The district's needs assessment: every school together, for its data owners."""
    district = _admin_district(request)
    return _page(request, Scope(district, None), "improvement/district_needs.html", {"district": district})


def _admin_district(request: AuthedRequest) -> District:
    district = access.acting_district(request.user, Role.DISTRICT_ADMIN)
    assert district is not None  # noqa: S101 - the role guarantees one
    return district


@access.route_required("improvement:needs")
def needs_list(request: AuthedRequest, school_id: int) -> HttpResponse:
    """The prioritised needs: a suggested order the principal can change and annotate."""
    school = access.fetch(access.schools_readable_by, request.user, pk=school_id)
    assessment, grade = read_assessment(request, Scope(school.district, school))
    needs, notes = prioritised(school, assessment)
    shown = needs if request.GET.get("all") else needs[:SHOWN_NEEDS]
    return render(
        request,
        "improvement/needs.html",
        {
            "school": school,
            "assessment": assessment,
            "query": filters_query(assessment, grade),
            "needs": [(n, notes.get(n.key), goal_queries.draftable(n.subject)) for n in shown],
            "total": len(needs),
            "order": ",".join(n.key for n in needs),
            "placed": any(n.position is not None for n in notes.values()),
            "may_edit": access.leads_school(request.user, school.pk),
        },
    )


def _back_to_needs(request: AuthedRequest, school: School, anchor: str = "") -> HttpResponse:
    query = request.POST.get("query", "")
    url = reverse("improvement:needs", kwargs={"school_id": school.pk})
    return redirect(f"{url}?{query}{anchor}" if query else f"{url}{anchor}")


@access.route_required("improvement:need-note")
@require_POST
def need_note(request: AuthedRequest, school_id: int) -> HttpResponse:
    school = access.fetch(access.schools_led_by, request.user, pk=school_id)
    try:
        services.need_note_save(
            actor=request.user,
            school=school,
            key=request.POST.get("key", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Note saved.")
    return _back_to_needs(request, school)


@access.route_required("improvement:need-move")
@require_POST
def need_move(request: AuthedRequest, school_id: int) -> HttpResponse:
    school = access.fetch(access.schools_led_by, request.user, pk=school_id)
    order = [k for k in request.POST.get("order", "").split(",") if k]
    key = request.POST.get("key", "")
    step = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.need_move(actor=request.user, school=school, order=order, key=key, step=step)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Moved. Your order is kept for next time.")
    return _back_to_needs(request, school)


@access.route_required("improvement:need-reset")
@require_POST
def need_reset(request: AuthedRequest, school_id: int) -> HttpResponse:
    school = access.fetch(access.schools_led_by, request.user, pk=school_id)
    services.need_order_reset(actor=request.user, school=school)
    messages.success(request, "Back to the suggested order. Your notes are kept.")
    return _back_to_needs(request, school)
