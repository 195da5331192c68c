"""A coach's own growth (theirs alone) and the team's picture for the lead (in aggregate only)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coachmap.core import access
from coachmap.core.access import AuthedRequest
from coachmap.core.models import Role
from coachmap.program import access as program_access
from coachmap.program import forms, queries, services, terms
from coachmap.program.models import Competency
from coachmap.program.views.pages import district_of, form_page, saved_or_none

# --- coach growth ------------------------------------------------------------------------------------


def _coach(request: AuthedRequest) -> Any:
    coach = access.coach_of(request.user)
    if coach is None:
        raise Http404("You have no coach profile.")
    return coach


@access.route_required("program:growth")
def growth(request: AuthedRequest) -> HttpResponse:
    coach = _coach(request)
    user = request.user
    school_year, term = terms.term_of(timezone.localdate())
    assessments = list(
        program_access.self_assessments_visible_to(user).prefetch_related("ratings__competency")
    )
    return render(
        request,
        "program/growth.html",
        {
            "coach": coach,
            "term_label": terms.term_label(school_year, term),
            "this_term": next(
                (a for a in assessments if (a.school_year, a.term) == (school_year, term)), None
            ),
            "assessments": [(terms.term_label(a.school_year, a.term), a) for a in assessments],
            "goals": program_access.coach_goals_visible_to(user).select_related("competency"),
            "learning": program_access.learning_visible_to(user).select_related("competency")[:50],
            "status_form": forms.GoalStatusForm(),
        },
    )


@access.route_required("program:growth-assessment")
def growth_assessment(request: AuthedRequest) -> HttpResponse:
    coach = _coach(request)
    school_year, term = terms.term_of(timezone.localdate())
    competencies = services.rubric_ensure(district=coach.district)
    existing = (
        program_access.self_assessments_visible_to(request.user)
        .filter(school_year=school_year, term=term)
        .first()
    )
    initial: dict[str, Any] = {}
    if existing is not None:
        initial = {f"area_{r.competency_id}": r.level for r in existing.ratings.all()}
        initial["reflection"] = existing.reflection
    form = forms.SelfAssessmentForm(request.POST or None, competencies=competencies, initial=initial)
    saved = saved_or_none(
        request,
        form,
        lambda f: services.self_assessment_save(
            coach=coach, ratings=f.ratings(), reflection=f.cleaned_data["reflection"]
        ),
        "Self-assessment saved. Only you read it; it joins the team's counts only when enough coaches have answered.",
        reverse("program:growth"),
    )
    return saved or form_page(
        request,
        form,
        f"My self-assessment: {terms.term_label(school_year, term)}",
        "Save my self-assessment",
        reverse("program:growth"),
        intro="Where you stand on each area of the coaching rubric this term. Only you read your answers; the "
        "program lead sees the team's counts per level, hidden when fewer coaches than the district's "
        "minimum group size answered.",
    )


@access.route_required("program:growth-goal-new")
def growth_goal_new(request: AuthedRequest) -> HttpResponse:
    coach = _coach(request)
    competencies = Competency.objects.filter(district=coach.district, active=True)
    form = forms.CoachGoalForm(request.POST or None, competencies=competencies)
    saved = saved_or_none(
        request,
        form,
        lambda f: services.coach_goal_set(coach=coach, **f.cleaned_data),
        "Goal set. Mark it met or set it aside from your growth page.",
        reverse("program:growth"),
    )
    return saved or form_page(
        request, form, "A goal for my own growth", "Set the goal", reverse("program:growth")
    )


@access.route_required("program:growth-goal-status")
@require_POST
def growth_goal_status(request: AuthedRequest, goal_id: int) -> HttpResponse:
    coach = _coach(request)
    goal = access.fetch(program_access.coach_goals_visible_to, request.user, pk=goal_id)
    form = forms.GoalStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose working on it, met or set aside.")
    else:
        services.coach_goal_status(coach=coach, goal=goal, status=form.cleaned_data["status"])
        messages.success(request, f"Goal marked “{goal.get_status_display()}”.")
    return redirect("program:growth")


@access.route_required("program:learning-new")
def learning_new(request: AuthedRequest) -> HttpResponse:
    coach = _coach(request)
    competencies = Competency.objects.filter(district=coach.district, active=True)
    form = forms.LearningForm(
        request.POST or None, competencies=competencies, initial={"on": timezone.localdate()}
    )
    saved = saved_or_none(
        request,
        form,
        lambda f: services.learning_log(coach=coach, **f.cleaned_data),
        "Learning logged in your learning log.",
        reverse("program:growth"),
    )
    return saved or form_page(request, form, "Log my own learning", "Log it", reverse("program:growth"))


@access.route_required("program:rubric")
def rubric(request: AuthedRequest) -> HttpResponse:
    district = district_of(request, Role.PROGRAM_LEAD)
    competencies = services.rubric_ensure(district=district)
    initial = {
        "competencies": "\n".join(
            f"{c.name}: {c.description}" if c.description else c.name for c in competencies
        )
    }
    form = forms.RubricForm(request.POST or None, initial=initial)
    saved = saved_or_none(
        request,
        form,
        lambda f: services.rubric_update(
            actor=request.user, district=district, lines=f.cleaned_data["competencies"]
        ),
        "Rubric saved. Coaches rate themselves on it from their next self-assessment.",
        reverse("program:team-growth"),
    )
    return saved or form_page(
        request,
        form,
        "The coaches' competency rubric",
        "Save the rubric",
        reverse("program:team-growth"),
        intro="The areas coaches grow in, starting from the ISTE Standards for Coaches. It guides coaches' own "
        "growth; it is never used to evaluate a teacher.",
    )


@access.route_required("program:team-growth")
def team_growth(request: AuthedRequest) -> HttpResponse:
    district = district_of(request, Role.PROGRAM_LEAD)
    school_year, term = terms.term_of(timezone.localdate())
    raw = request.GET.get("term", "")
    match = re.fullmatch(r"(\d{4})-(fall|spring)", raw)
    if match and 2000 <= int(match[1]) <= school_year:  # noqa: PLR2004
        school_year, term = int(match[1]), match[2]
    options = []
    year, half = terms.term_of(timezone.localdate())
    for _ in range(6):
        options.append((f"{year}-{half}", terms.term_label(year, half)))
        year, half = (year, "fall") if half == "spring" else (year - 1, "spring")
    return render(
        request,
        "program/team_growth.html",
        {
            "growth": queries.team_growth(request.user, district, school_year, term),
            "term_label": terms.term_label(school_year, term),
            "chosen": f"{school_year}-{term}",
            "options": options,
            "coaches": queries.district_coaches(district),
        },
    )
