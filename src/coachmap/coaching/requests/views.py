"""Goal and request pages: the teacher's goals, asking for coaching, answering a proposal, assigning a coach."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from coachmap.coaching import access as coaching_access
from coachmap.coaching import pages
from coachmap.coaching.lighter import queries as lighter_queries
from coachmap.coaching.models import CoachingRequest
from coachmap.coaching.requests import queries, report, services
from coachmap.coaching.requests.forms import AssignForm, RequestForm, TeacherGoalForm
from coachmap.core import access
from coachmap.core.access import AuthedRequest
from coachmap.core.forms import add_service_errors
from coachmap.improvement import access as improvement_access
from coachmap.improvement.models import GoalStatus
from coachmap.improvement.queries.goals import goal_progress

# --- teacher -------------------------------------------------------------------------------------


@access.route_required("coaching:my-goals")
def my_goals(request: AuthedRequest) -> HttpResponse:
    """A teacher's professional goals, and a form to write one from a school goal."""
    teacher = request.user.teacher
    school_goals = improvement_access.improvement_goals_visible_to(request.user).filter(
        school=teacher.school, status=GoalStatus.ACTIVE
    )
    district_goals = improvement_access.district_goals_visible_to(request.user).filter(
        district_id=teacher.school.district_id, status=GoalStatus.ACTIVE
    )
    form = TeacherGoalForm(request.POST or None, school_goals=school_goals, district_goals=district_goals)
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.teacher_goal_write(teacher=teacher, **form.goal_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Goal saved. You can ask for coaching on it whenever you like.")
            return redirect("coaching:request-new", goal_id=goal.pk)
    goals = list(
        coaching_access.teacher_goals_visible_to(request.user)
        .filter(teacher=teacher)
        .select_related("improvement_goal", "district_goal")
    )
    by_goal: dict[int, list[CoachingRequest]] = {}
    for r in queries.teacher_requests(request.user, teacher, include_done=True):
        by_goal.setdefault(r.goal_id, []).append(r)
    for g in goals:
        g.my_requests = by_goal.get(g.pk, [])  # type: ignore[attr-defined]
    # The school's goals with their progress, so a teacher writes from what the data say.
    progress = [goal_progress(request.user, g) for g in school_goals.select_related("school__district")]
    return render(
        request,
        "coaching/requests/my_goals.html",
        {
            "form": form,
            "goals": goals,
            "school_goals": school_goals,
            "district_goals": district_goals,
            "school_goal_progress": progress,
        },
    )


@access.route_required("coaching:request-new")
def request_new(request: AuthedRequest, goal_id: int) -> HttpResponse:
    teacher = request.user.teacher
    goal = access.fetch(coaching_access.teacher_goals_visible_to, request.user, pk=goal_id)
    access.require(
        coaching_access.may_request_coaching(request.user, goal),
        "You can only ask for coaching on your own goal.",
    )
    form = RequestForm(request.POST or None)
    cycle = queries.active_cycle_of(teacher)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_submit(teacher=teacher, goal=goal, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Request sent. It waits until your cycle with {cycle.coach} ends; then the coaching team "
                "proposes a coach and you decide whether to go ahead."
                if cycle is not None
                else "Request sent. The coaching team will propose a coach; you decide whether to go ahead.",
            )
            return redirect("home")
    return render(
        request, "coaching/requests/request_form.html", {"form": form, "goal": goal, "cycle": cycle}
    )


@access.route_required("coaching:request-respond")
@require_POST
def request_respond(request: AuthedRequest, request_id: int) -> HttpResponse:
    coaching_request = access.fetch(coaching_access.requests_visible_to, request.user, pk=request_id)
    return pages.offer_answer(
        request,
        allowed=coaching_access.may_answer_request(request.user, coaching_request),
        not_yours="Only the teacher who asked can answer.",
        respond=lambda accept: services.request_respond(
            teacher=request.user.teacher, request=coaching_request, accept=accept
        ),
        accepted=f"You accepted {coaching_request.coach}. They will open your cycle.",
        declined="You declined. The coaching team will suggest someone else.",
    )


# --- program lead --------------------------------------------------------------------------------


@access.route_required("coaching:requests")
def requests_list(request: AuthedRequest) -> HttpResponse:
    waiting = queries.requests_waiting(request.user)
    page = Paginator(waiting, 25).get_page(request.GET.get("page"))
    offered = queries.offers_waiting_on(request.user, [r.pk for r in page.object_list])
    for r in page.object_list:
        r.offer_waiting = offered.get(r.pk, "")
    today = timezone.localdate()
    return render(
        request,
        "coaching/requests/requests_list.html",
        {
            "page": page,
            "chart": report.chart(report.waiting_ages(waiting)),
            "supports": lighter_queries.lead_supports(request.user, today),
            "support_counts": lighter_queries.lead_status_counts(request.user, today),
        },
    )


@access.route_required("coaching:requests-export")
def requests_export(request: AuthedRequest) -> HttpResponse:
    """The waiting requests as CSV for the lead, audited; the teacher's own note is left out."""
    rows = report.csv_rows(list(queries.requests_waiting(request.user)))
    return pages.lead_csv_export(request, table="requests", header=report.HEADER, rows=rows)


@access.route_required("coaching:request-assign")
def request_assign(request: AuthedRequest, request_id: int) -> HttpResponse:
    coaching_request = access.fetch(coaching_access.requests_visible_to, request.user, pk=request_id)
    coaches = queries.coaches_for_request(request.user, coaching_request)
    form = AssignForm(request.POST or None, coaches=coaches)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_propose(
                actor=request.user, request=coaching_request, coach=form.cleaned_data["coach"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Proposed {form.cleaned_data['coach']}. The teacher will accept or decline."
            )
            return redirect("coaching:requests")
    return render(
        request,
        "coaching/requests/request_assign.html",
        {"form": form, "req": coaching_request, "coaches": coaches},
    )


# --- coach ---------------------------------------------------------------------------------------
