"""District-wide goals beside the schools' goals, and goals edited with their history (issue 16, part 9).
Thin: parse, call one service or query, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from coachmap.core import access
from coachmap.core.access import AuthedRequest
from coachmap.core.forms import add_service_errors
from coachmap.core.models import Role
from coachmap.improvement import access as improvement_access
from coachmap.improvement import services
from coachmap.improvement.forms import DistrictGoalEditForm, DistrictGoalForm, GoalEditForm

WRITERS = (Role.PROGRAM_LEAD, Role.DISTRICT_ADMIN)


@access.route_required("improvement:district-goals")
def district_goals(request: AuthedRequest) -> HttpResponse:
    goals = improvement_access.district_goals_visible_to(request.user).select_related("district")
    district = access.acting_district(request.user, *WRITERS)
    return render(
        request,
        "improvement/district_goals.html",
        {
            "goals": goals,
            "may_write": district is not None
            and improvement_access.may_edit_district_goal(request.user, district.pk),
        },
    )


@access.route_required("improvement:district-goal-new")
def district_goal_new(request: AuthedRequest) -> HttpResponse:
    district = access.acting_district(request.user, *WRITERS)
    assert district is not None  # noqa: S101 - the route is for these roles only
    form = DistrictGoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.district_goal_set(actor=request.user, district=district, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                "District goal set. Every teacher can now write their own goal from it, whether or not "
                "their school has a goal yet.",
            )
            return redirect("improvement:district-goal", goal_id=goal.pk)
    return render(
        request,
        "improvement/district_goal_form.html",
        {
            "form": form,
            "title": "A district-wide goal",
            "submit": "Set the goal",
            "back": reverse("improvement:district-goals"),
        },
    )


@access.route_required("improvement:district-goal")
def district_goal(request: AuthedRequest, goal_id: int) -> HttpResponse:
    goal = access.fetch(improvement_access.district_goals_visible_to, request.user, pk=goal_id)
    return render(
        request,
        "improvement/district_goal_detail.html",
        {
            "goal": goal,
            "history": goal.changes.select_related("changed_by"),
            "may_edit": improvement_access.may_edit_district_goal(request.user, goal.district_id),
        },
    )


@access.route_required("improvement:district-goal-edit")
def district_goal_edit(request: AuthedRequest, goal_id: int) -> HttpResponse:
    goal = access.fetch(improvement_access.district_goals_visible_to, request.user, pk=goal_id)
    access.require(
        improvement_access.may_edit_district_goal(request.user, goal.district_id),
        "Only the district admin and the coaching program lead change district-wide goals.",
    )
    fields = ["statement", "subject", "student_group", "target_date", "status"]
    form = DistrictGoalEditForm(request.POST or None, initial={f: getattr(goal, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.district_goal_edit(actor=request.user, goal=goal, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Goal changed. The change is kept in its history, with your name.")
            return redirect("improvement:district-goal", goal_id=goal.pk)
    return render(
        request,
        "improvement/district_goal_form.html",
        {
            "form": form,
            "title": "Change the district goal",
            "submit": "Save changes",
            "back": reverse("improvement:district-goal", args=[goal.pk]),
        },
    )


@access.route_required("improvement:goal-edit")
def goal_edit(request: AuthedRequest, goal_id: int) -> HttpResponse:
    """The principal rewords a school goal or moves its target; the goal's page shows the history."""
    goal = access.fetch(
        lambda u: improvement_access.improvement_goals_visible_to(u).filter(
            school__in=access.schools_led_by(u)
        ),
        request.user,
        pk=goal_id,
    )
    access.require(
        access.leads_school(request.user, goal.school_id), "Only the school's principal changes its goals."
    )
    fields = ["statement", "target", "target_date"]
    form = GoalEditForm(request.POST or None, initial={f: getattr(goal, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_edit(actor=request.user, goal=goal, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Goal changed. The change is kept in its history, with your name.")
            return redirect("improvement:goal", goal_id=goal.pk)
    return render(
        request,
        "improvement/district_goal_form.html",
        {
            "form": form,
            "title": "Change the school goal",
            "submit": "Save changes",
            "back": reverse("improvement:goal", args=[goal.pk]),
        },
    )
