"""Group cycle pages: the list, forming a group, a teacher's answer, the group's page with its
confidential notes, sessions, plan, stages and close. Thin: parse, call one service or query, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coachmap.coaching import access as coaching_access
from coachmap.coaching import pages
from coachmap.coaching.cycles import rules
from coachmap.coaching.groups import forms, queries, services
from coachmap.coaching.models import Consent, CycleStage, GroupCycle, GroupStatus
from coachmap.core import access
from coachmap.core.access import AuthedRequest, coach_of, teacher_of
from coachmap.core.forms import add_service_errors
from coachmap.core.models import Teacher
from coachmap.improvement.models import GoalStatus, ImprovementGoal


def _group(request: AuthedRequest, group_id: int) -> GroupCycle:
    return access.fetch(coaching_access.group_cycles_visible_to, request.user, pk=group_id)


def _own_group(request: AuthedRequest, group_id: int) -> GroupCycle:
    group = _group(request, group_id)
    access.require(
        coaching_access.may_work_on_group(request.user, group), "Only the group's coach does this."
    )
    return group


def _saved(
    request: AuthedRequest, form: Any, group: GroupCycle, save: Any, done: str
) -> HttpResponseRedirect | None:
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        save(form)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, done)
    return redirect("coaching:group", group_id=group.pk)


@access.route_required("coaching:groups")
def groups(request: AuthedRequest) -> HttpResponse:
    """A teacher's invitations and groups; a coach's groups; the program lead's caseload line."""
    teacher, coach = teacher_of(request.user), coach_of(request.user)
    lead = access.lead_district_ids(request.user)
    return render(
        request,
        "coaching/groups/groups.html",
        {
            "memberships": queries.teacher_memberships(teacher) if teacher else [],
            "coach_groups": queries.coach_groups(coach) if coach else [],
            "lead_groups": queries.lead_groups(request.user) if lead else [],
            "is_coach": coach is not None,
        },
    )


@access.route_required("coaching:group-new")
def group_new(request: AuthedRequest) -> HttpResponse:
    coach = request.user.coach
    schools = coach.schools.all()
    goals = ImprovementGoal.objects.filter(school__in=schools, status=GoalStatus.ACTIVE).select_related(
        "school"
    )
    teachers = (
        Teacher.objects.filter(school__in=schools)
        .select_related("user", "school")
        .order_by("school__name", "user__last_name", "user__first_name")
    )
    form = forms.GroupForm(request.POST or None, goals=goals, teachers=teachers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.group_form(
                coach=coach,
                school_id=data["improvement_goal"].school_id,
                improvement_goal=data["improvement_goal"],
                name=data["name"],
                kind=data["kind"],
                focus=data["focus"],
                teachers=list(data["teachers"]),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Invitations sent to {len(data['teachers'])} teachers. The group starts when you open it, "
                "once at least two have joined.",
            )
            return redirect("coaching:group", group_id=group.pk)
    return pages.form_page(
        request,
        form,
        "Form a group cycle",
        "Send invitations",
        back=reverse("coaching:groups"),
        intro="A team or PLC looks at student work together with you. Every teacher you invite decides "
        "alone whether to join.",
    )


@access.route_required("coaching:group")
def group_detail(request: AuthedRequest, group_id: int) -> HttpResponse:
    group = _group(request, group_id)
    is_coach = coaching_access.may_work_on_group(request.user, group)
    teacher = teacher_of(request.user)
    mine = queries.membership(teacher, group) if teacher else None
    reads_notes = coaching_access.may_read_group_notes(request.user, group)
    if not (is_coach or mine is not None):
        access.require(False, "A group's page is for its members and its coach.")
    stages = list(rules.STAGES)
    next_stage = stages[stages.index(group.stage) + 1] if group.stage in stages[:-1] else None
    facts = queries.group_facts(group)
    return render(
        request,
        "coaching/groups/group_detail.html",
        {
            "group": group,
            "is_coach": is_coach,
            "invited": mine is not None and mine.consent == Consent.INVITED,
            "joined": mine is not None and mine.consent == Consent.ACCEPTED,
            "members": coaching_access.group_members_shown(request.user, group)
            if (is_coach or reads_notes)
            else [],
            "entries": queries.group_notes(request.user, group) if reads_notes else [],
            "stages": [(s, CycleStage(s).label) for s in stages],
            "next_stage": next_stage,
            "next_stage_label": CycleStage(next_stage).label if next_stage else "",
            "next_problems": rules.stage_change_problems(facts, next_stage) if next_stage else [],
            "active": group.status == GroupStatus.ACTIVE,
            "forming": group.status == GroupStatus.FORMING,
        },
    )


@access.route_required("coaching:group-answer")
@require_POST
def group_answer(request: AuthedRequest, group_id: int) -> HttpResponse:
    group = _group(request, group_id)
    teacher = request.user.teacher
    accept = request.POST.get("answer") == "accept"
    try:
        services.group_answer(teacher=teacher, group=group, accept=accept)
    except ValidationError as exc:
        pages.error_message(request, exc)
        return redirect("coaching:group", group_id=group.pk)
    if accept:
        messages.success(
            request, f"You joined “{group.name}”. The coach opens the group once two have joined."
        )
        return redirect("coaching:group", group_id=group.pk)
    messages.success(
        request, f"You are not in “{group.name}”. Nobody but the coach learns that you declined."
    )
    return redirect("coaching:groups")


@access.route_required("coaching:group-open")
@require_POST
def group_open(request: AuthedRequest, group_id: int) -> HttpResponse:
    group = _own_group(request, group_id)
    try:
        services.group_open(coach=group.coach, group=group)
    except ValidationError as exc:
        pages.error_message(request, exc)
    else:
        messages.success(request, "The group cycle has started; its members have been told.")
    return redirect("coaching:group", group_id=group.pk)


@access.route_required("coaching:group-plan")
def group_plan(request: AuthedRequest, group_id: int) -> HttpResponse:
    group = _own_group(request, group_id)
    initial = {"learning_target": group.learning_target, "look_fors": "\n".join(group.look_fors)}
    form = forms.GroupPlanForm(request.POST or None, initial=initial)
    saved = _saved(
        request,
        form,
        group,
        lambda f: services.group_plan_set(coach=group.coach, group=group, **f.cleaned_data),
        "Plan saved.",
    )
    back = reverse("coaching:group", args=[group.pk])
    return saved or pages.form_page(request, form, f"Plan for {group.name}", "Save plan", back=back)


@access.route_required("coaching:group-session-new")
def group_session_new(request: AuthedRequest, group_id: int) -> HttpResponse:
    group = _own_group(request, group_id)
    members = [
        m.teacher
        for m in coaching_access.group_members_shown(request.user, group).filter(consent=Consent.ACCEPTED)
    ]
    form = forms.GroupSessionForm(
        request.POST or None, members=members, initial={"date": timezone.localdate(), "minutes": 45}
    )
    saved = _saved(
        request,
        form,
        group,
        lambda f: services.group_session_log(coach=group.coach, group=group, **f.service_data()),
        "Session logged.",
    )
    back = reverse("coaching:group", args=[group.pk])
    return saved or pages.form_page(
        request,
        form,
        f"A session of {group.name}",
        "Log session",
        back=back,
        intro="For a student-work protocol, give the counts from at least two members' classrooms.",
    )


@access.route_required("coaching:group-stage")
@require_POST
def group_stage(request: AuthedRequest, group_id: int) -> HttpResponse:
    group = _own_group(request, group_id)
    try:
        group = services.group_stage_set(coach=group.coach, group=group, stage=request.POST.get("stage", ""))
    except ValidationError as exc:
        pages.error_message(request, exc)
    else:
        messages.success(request, f"The group is now at “{group.get_stage_display()}”.")
    return redirect("coaching:group", group_id=group.pk)


@access.route_required("coaching:group-close")
def group_close(request: AuthedRequest, group_id: int) -> HttpResponse:
    group = _own_group(request, group_id)
    form = forms.GroupCloseForm(request.POST or None)
    saved = _saved(
        request,
        form,
        group,
        lambda f: services.group_close(coach=group.coach, group=group, **f.cleaned_data),
        "The group cycle has ended; its members have been told.",
    )
    back = reverse("coaching:group", args=[group.pk])
    return saved or pages.form_page(request, form, f"End {group.name}", "End the group cycle", back=back)


@access.route_required("coaching:group-resume")
@require_POST
def group_resume(request: AuthedRequest, group_id: int) -> HttpResponse:
    group = _own_group(request, group_id)
    try:
        services.group_resume(coach=group.coach, group=group)
    except ValidationError as exc:
        pages.error_message(request, exc)
    else:
        messages.success(request, "The group cycle has resumed.")
    return redirect("coaching:group", group_id=group.pk)
