"""Goals: drafting one from a need, its progress, and its indicators."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from coachmap.core import access
from coachmap.core.access import AuthedRequest
from coachmap.core.forms import add_service_errors
from coachmap.improvement import access as improvement_access
from coachmap.improvement import charts, services
from coachmap.improvement.forms import GoalForm, IndicatorForm, MeasurementForm
from coachmap.improvement.models import GoalStatus, Indicator, IndicatorKind
from coachmap.improvement.queries import goals as goal_queries
from coachmap.improvement.queries.indicators import coaching_behind, indicator_view
from coachmap.improvement.queries.needs import Scope
from coachmap.improvement.views.needs import read_assessment


@access.route_required("improvement:goal-new")
def goal_new(request: AuthedRequest, school_id: int) -> HttpResponse:
    """The goal form; `?need=KEY` (with the needs page's filters) fills it with a SMART draft."""
    school = access.fetch(access.schools_led_by, request.user, pk=school_id)
    access.require(
        access.leads_school(request.user, school.pk), "Only the school's principal sets its goals."
    )
    initial: dict[str, object] = {
        "subject": request.GET.get("subject"),
        "student_group": request.GET.get("group"),
    }
    drafted = False
    if request.method == "GET" and request.GET.get("need"):
        assessment, _ = read_assessment(request, Scope(school.district, school))
        draft = goal_queries.goal_draft(assessment, request.GET["need"], timezone.localdate())
        if draft is None:
            messages.error(request, "That need is not in the data any more; start from the needs list again.")
        else:
            initial, drafted = draft, True
    form = GoalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.goal_set(actor=request.user, school=school, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                "Goal set. Add the indicators that will show it moving; teachers at your school can now write "
                "their own goals from it.",
            )
            return redirect("improvement:goal", goal_id=goal.pk)
    return render(request, "improvement/goal_form.html", {"form": form, "school": school, "drafted": drafted})


@access.route_required("improvement:goal")
def goal_detail(request: AuthedRequest, goal_id: int) -> HttpResponse:
    goal = access.fetch(
        lambda u: improvement_access.improvement_goals_visible_to(u).filter(
            school__in=access.schools_readable_by(u)
        ),
        request.user,
        pk=goal_id,
    )
    progress = goal_queries.goal_progress(request.user, goal)
    views = [indicator_view(request.user, i) for i in goal.indicators.all()]
    return render(
        request,
        "improvement/goal_detail.html",
        {
            "goal": goal,
            "school": goal.school,
            "progress": progress,
            "chart": charts.progress(progress),
            "indicators": views,
            "coaching": coaching_behind(request.user, goal),
            "may_edit": access.leads_school(request.user, goal.school_id),
            "kinds": IndicatorKind,
            "history": goal.changes.select_related("changed_by"),
        },
    )


@access.route_required("improvement:goal-status")
@require_POST
def goal_status(request: AuthedRequest, goal_id: int) -> HttpResponse:
    goal = access.fetch(improvement_access.improvement_goals_visible_to, request.user, pk=goal_id)
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


@access.route_required("improvement:indicator-new")
def indicator_new(request: AuthedRequest, goal_id: int) -> HttpResponse:
    goal = access.fetch(
        lambda u: improvement_access.improvement_goals_visible_to(u).filter(
            school__in=access.schools_led_by(u)
        ),
        request.user,
        pk=goal_id,
    )
    access.require(
        access.leads_school(request.user, goal.school_id), "Only the school's principal sets its indicators."
    )
    form = IndicatorForm(
        request.POST or None, initial={"kind": request.GET.get("kind", IndicatorKind.EQUITY_GAP)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_add(actor=request.user, goal=goal, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Indicator “{indicator.name}” added.")
            return redirect("improvement:goal", goal_id=goal.pk)
    return render(
        request, "improvement/indicator_form.html", {"form": form, "goal": goal, "school": goal.school}
    )


@access.route_required("improvement:indicator")
def indicator_detail(request: AuthedRequest, indicator_id: int) -> HttpResponse:
    indicator = access.fetch(improvement_access.indicators_visible_to, request.user, pk=indicator_id)
    may_edit = access.leads_school(request.user, indicator.goal.school_id)
    form = MeasurementForm() if may_edit and indicator.kind == IndicatorKind.CUSTOM else None
    return _indicator_page(request, indicator, form)


@access.route_required("improvement:measurement-new")
@require_POST
def measurement_new(request: AuthedRequest, indicator_id: int) -> HttpResponse:
    indicator = access.fetch(improvement_access.indicators_visible_to, request.user, pk=indicator_id)
    form = MeasurementForm(request.POST)
    if form.is_valid():
        try:
            services.measurement_add(actor=request.user, indicator=indicator, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Measurement recorded.")
            return redirect("improvement:indicator", indicator_id=indicator.pk)
    return _indicator_page(request, indicator, form)


def _indicator_page(
    request: AuthedRequest, indicator: Indicator, form: MeasurementForm | None
) -> HttpResponse:
    view = indicator_view(request.user, indicator)
    context = {
        "view": view,
        "indicator": indicator,
        "goal": indicator.goal,
        "school": indicator.goal.school,
        "chart": charts.indicator(view),
        "form": form,
    }
    return render(request, "improvement/indicator_detail.html", context)
