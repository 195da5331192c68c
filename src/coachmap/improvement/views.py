from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coachmap.core import access
from coachmap.core.access import AuthedRequest
from coachmap.core.forms import add_service_errors
from coachmap.core.models import Role
from coachmap.improvement import queries, services
from coachmap.improvement.forms import GoalForm
from coachmap.improvement.models import MAX_ACTIVE_GOALS, GoalStatus


@access.role_required(Role.PRINCIPAL, Role.DISTRICT_ADMIN)
def school_detail(request: AuthedRequest, school_id: int) -> HttpResponse:
    """The school's needs table (suppressed) and its improvement goals."""
    school = access.fetch(access.schools_led_by, request.user, pk=school_id)
    year, _, window = request.GET.get("pick", "").partition("|")
    table = queries.needs_table(school, int(year) if year.isdigit() else None, window or None)
    goals = access.improvement_goals_visible_to(request.user).filter(school=school)
    return render(
        request,
        "improvement/school_detail.html",
        {
            "school": school,
            "table": table,
            "goals": goals,
            "active_count": sum(g.status == GoalStatus.ACTIVE for g in goals),
            "max_goals": MAX_ACTIVE_GOALS,
            "may_set_goals": school.pk in access.school_ids(request.user, Role.PRINCIPAL),
        },
    )


@access.role_required(Role.PRINCIPAL)
def goal_new(request: AuthedRequest, school_id: int) -> HttpResponse:
    school = access.fetch(access.schools_led_by, request.user, pk=school_id)
    access.require(
        school.pk in access.school_ids(request.user, Role.PRINCIPAL),
        "Only the school's principal sets its goals.",
    )
    form = GoalForm(
        request.POST or None,
        initial={"subject": request.GET.get("subject"), "student_group": request.GET.get("group")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_set(actor=request.user, school=school, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "Goal set. Teachers at your school can now write their own goals from it."
            )
            return redirect("improvement:school", school_id=school.pk)
    return render(request, "improvement/goal_form.html", {"form": form, "school": school})


@access.role_required(Role.PRINCIPAL)
@require_POST
def goal_status(request: AuthedRequest, goal_id: int) -> HttpResponse:
    goal = access.fetch(access.improvement_goals_visible_to, request.user, pk=goal_id)
    status = request.POST.get("status", "")
    if status not in GoalStatus.values:
        messages.error(request, f"“{status}” is not a goal status.")
        return redirect("improvement:school", school_id=goal.school_id)
    try:
        services.goal_status_change(actor=request.user, goal=goal, status=GoalStatus(status))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Goal marked {GoalStatus(status).label.lower()}.")
    return redirect("improvement:school", school_id=goal.school_id)
