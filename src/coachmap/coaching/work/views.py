"""Pages for cycle work. Thin: parse, call one service or query, render."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coachmap.coaching import queries as chain_queries
from coachmap.coaching import services as chain
from coachmap.coaching.models import CoachingCycle, CycleStage, CycleStatus, PartnershipAgreement, SessionType
from coachmap.coaching.work import forms, queries, rules, services, timeshare
from coachmap.core import access, inputs
from coachmap.core import queries as core_queries
from coachmap.core.access import AuthedRequest
from coachmap.core.forms import add_service_errors
from coachmap.core.models import Role
from coachmap.feedback.services import school_year_of
from coachmap.library import queries as library_queries


def _own_cycle(request: AuthedRequest, cycle_id: int) -> CoachingCycle:
    """A cycle of the signed-in coach: 404 when they cannot see it, 403 when it is someone else's."""
    cycle = access.fetch(access.cycles_visible_to, request.user, pk=cycle_id)
    access.require(cycle.coach.user_id == request.user.pk, "Only the cycle's coach does this.")
    return cycle


def _form_page(
    request: AuthedRequest,
    form: Any,
    title: str,
    submit: str,
    cycle: CoachingCycle | None = None,
    intro: str = "",
    back: str = "",
) -> HttpResponse:
    back = back or (reverse("coaching:cycle", args=[cycle.pk]) if cycle else reverse("coaching:agreements"))
    return render(
        request,
        "coaching/work/form_page.html",
        {"form": form, "title": title, "submit": submit, "intro": intro, "back": back},
    )


def _error(request: AuthedRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


# --- the cycle ----------------------------------------------------------------------------------


@access.role_required(Role.TEACHER, Role.COACH)
def cycle_detail(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    """The whole cycle for its teacher and coach: stage, target, evidence, sessions with their
    confidential notes, check-ins, tool use and suggested resources."""
    cycle = access.fetch(access.cycles_visible_to, request.user, pk=cycle_id)
    entries = chain_queries.session_notes(request.user, cycle)
    today = timezone.localdate()
    facts = queries.cycle_facts(cycle)
    is_coach = cycle.coach.user_id == request.user.pk
    stages = list(rules.STAGES)
    next_stage = stages[stages.index(cycle.stage) + 1] if cycle.stage in stages[:-1] else None
    reminder = queries.reminder_for(
        queries.with_last_touch(CoachingCycle.objects.filter(pk=cycle.pk)).get(), today
    )
    # The teacher, whose notes they are, sees who else read them; nobody else sees the list.
    note_reads, note_reads_total = (
        core_queries.note_reads(request.user, cycle)
        if cycle.teacher.user_id == request.user.pk
        else (None, 0)
    )
    return render(
        request,
        "coaching/work/cycle_detail.html",
        {
            "cycle": cycle,
            "entries": entries,
            "is_coach": is_coach,
            "active": cycle.status == CycleStatus.ACTIVE,
            "total_minutes": sum(e.session.minutes for e in entries),
            "stages": [(s, CycleStage(s).label) for s in stages],
            "next_stage": next_stage,
            "next_stage_label": CycleStage(next_stage).label if next_stage else "",
            "next_problems": rules.stage_change_problems(facts, next_stage) if next_stage else [],
            "evidence": queries.cycle_evidence(request.user, cycle),
            "checkins": queries.cycle_checkins(request.user, cycle),
            "usage": queries.tool_usage(request.user, cycle, today),
            "suggestions": library_queries.suggestions_for_cycle(request.user, cycle),
            "reminder": reminder if cycle.status == CycleStatus.ACTIVE else None,
            "note_reads": note_reads,
            "note_reads_total": note_reads_total,
        },
    )


@access.role_required(Role.COACH)
def cycle_plan(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    cycle = _own_cycle(request, cycle_id)
    initial = {
        "learning_target": cycle.learning_target,
        "practice": cycle.practice,
        "tools": ", ".join(cycle.tools or cycle.request.needs),
        "look_fors": "\n".join(cycle.look_fors),
    }
    form = forms.PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_plan_set(coach=cycle.coach, cycle=cycle, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Plan saved.")
            return redirect("coaching:cycle", cycle_id=cycle.pk)
    return _form_page(request, form, f"Plan with {cycle.teacher}", "Save plan", cycle)


@access.role_required(Role.COACH)
@require_POST
def cycle_stage(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    cycle = _own_cycle(request, cycle_id)
    form = forms.StageForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a stage.")
    else:
        try:
            cycle = services.cycle_stage_set(coach=cycle.coach, cycle=cycle, stage=form.cleaned_data["stage"])
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, f"The cycle is now at “{cycle.get_stage_display()}”.")
    return redirect("coaching:cycle", cycle_id=cycle.pk)


@access.role_required(Role.COACH)
def evidence_new(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    cycle = _own_cycle(request, cycle_id)
    has_pre = cycle.evidence.filter(kind="pre").exists()
    form = forms.EvidenceForm(
        request.POST or None,
        initial={"kind": "post" if has_pre else "pre", "measured_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_record(coach=cycle.coach, cycle=cycle, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Evidence recorded.")
            return redirect("coaching:cycle", cycle_id=cycle.pk)
    return _form_page(
        request,
        form,
        f"Student evidence for {cycle.teacher}’s cycle",
        "Record evidence",
        cycle,
        "Counts only: how many students met the learning target on one measure, before the work starts and after.",
    )


@access.role_required(Role.COACH)
def session_new(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    cycle = _own_cycle(request, cycle_id)
    resources = access.resources_visible_to(request.user).order_by("title")
    form = forms.CycleSessionForm(
        request.POST or None,
        cycle=cycle,
        resources=resources,
        initial={"date": timezone.localdate(), "minutes": 30},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_record(coach=cycle.coach, cycle=cycle, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Session logged.")
            return redirect("coaching:cycle", cycle_id=cycle.pk)
    return render(request, "coaching/session_form.html", {"form": form, "cycle": cycle})


@access.role_required(Role.COACH)
def micro(request: AuthedRequest) -> HttpResponse:
    """Micro-coaching in under 30 seconds on a phone: pick the teacher, pick the minutes, log."""
    coach = request.user.coach
    cycles = (
        access.cycles_visible_to(request.user)
        .filter(coach=coach, status=CycleStatus.ACTIVE)
        .select_related("teacher__user")
        .order_by("teacher__user__first_name", "teacher__user__last_name")
    )
    form = forms.MicroForm(request.POST or None, cycles=cycles, initial={"minutes": 10})
    if request.method == "POST" and form.is_valid():
        cycle = form.cleaned_data["cycle"]
        try:
            services.session_record(
                coach=coach,
                cycle=cycle,
                date=timezone.localdate(),
                minutes=form.cleaned_data["minutes"],
                session_type=SessionType.MICRO,
                notes=form.cleaned_data["note"],
                next_steps=form.cleaned_data["next_step"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Logged {form.cleaned_data['minutes']} minutes of micro-coaching with {cycle.teacher}.",
            )
            return redirect("coaching:micro")
    return render(request, "coaching/work/micro.html", {"form": form, "has_cycles": cycles.exists()})


@access.role_required(Role.COACH)
def checkin_new(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    cycle = _own_cycle(request, cycle_id)
    form = forms.CheckInForm(request.POST or None, cycle=cycle, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_record(coach=cycle.coach, cycle=cycle, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Check-in recorded.")
            return redirect("coaching:cycle", cycle_id=cycle.pk)
    return _form_page(
        request,
        form,
        f"Fidelity check-in with {cycle.teacher}",
        "Record check-in",
        cycle,
        "Look for the agreed look-fors to find what gets in the way, and to celebrate the teacher’s adaptations. Not to police.",
    )


@access.role_required(Role.COACH)
def cycle_close(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    """End the cycle honestly: goal met, referred on, teacher stepped back, or paused."""
    cycle = _own_cycle(request, cycle_id)
    form = forms.CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = chain.cycle_close(coach=cycle.coach, cycle=cycle, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Cycle ended: {cycle.get_outcome_display().lower()}.")
            return redirect("coaching:cycle", cycle_id=cycle.pk)
    return _form_page(
        request,
        form,
        f"End the cycle with {cycle.teacher}",
        "End the cycle",
        cycle,
        "Say honestly how it ended. “Goal met” needs after-evidence; a paused cycle can be resumed.",
    )


@access.role_required(Role.COACH)
@require_POST
def cycle_resume(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    cycle = _own_cycle(request, cycle_id)
    try:
        services.cycle_resume(coach=cycle.coach, cycle=cycle)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, "Cycle resumed.")
    return redirect("coaching:cycle", cycle_id=cycle.pk)


# --- the time log -------------------------------------------------------------------------------------


def _week(request: AuthedRequest) -> datetime.date:
    day = inputs.parse_day(request.GET.get("week"), what="week", default=timezone.localdate())
    return timeshare.monday(day)


@access.role_required(Role.COACH)
def time_week(request: AuthedRequest) -> HttpResponse:
    """The coach's week by category, prefilled from sessions and calendar: confirm rather than retype."""
    coach = request.user.coach
    week = _week(request)
    grid = queries.week_grid(request.user, coach, week)
    values = {(day, row.category): row.cells[i] for row in grid.rows for i, day in enumerate(grid.days)}
    form = forms.TimeGridForm(request.POST or None, week=week, initial_values=values)
    if request.method == "POST" and form.is_valid():
        try:
            services.time_week_confirm(coach=coach, week=week, minutes=form.minutes())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Week of {week:%B %-d} confirmed.")
            return redirect(f"{request.path}?week={week.isoformat()}")
    today = timezone.localdate()
    rows = [
        (row, [(form[forms.TimeGridForm.key(row.category, day)], day) for day in grid.days])
        for row in grid.rows
    ]
    return render(
        request,
        "coaching/work/time_week.html",
        {
            "grid": grid,
            "form": form,
            "rows": rows,
            "summary": queries.coaches_time(
                request.user, access.time_log_coaches_for(request.user).filter(pk=coach.pk), today
            )[0],
            "future": week > today,
            "this_week": timeshare.monday(today),
        },
    )


@access.role_required(Role.COACH)
def calendar_import(request: AuthedRequest) -> HttpResponse:
    coach = request.user.coach
    form = forms.CalendarForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["calendar"]
        try:
            report = services.calendar_import(coach=coach, data=upload.read(services.ics.MAX_BYTES + 1))
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "coaching/work/calendar_import.html", {"form": form, "report": report})


@access.role_required(Role.PROGRAM_LEAD)
def time_team(request: AuthedRequest) -> HttpResponse:
    """The program lead's view of every coach's share of time coaching, and who is slipping."""
    today = timezone.localdate()
    coaches = access.time_log_coaches_for(request.user).filter(
        district_id__in=access.district_ids(request.user, Role.PROGRAM_LEAD)
    )
    rows = queries.coaches_time(request.user, coaches, today)
    weeks = [w for w, _ in rows[0].weeks] if rows else []
    return render(request, "coaching/work/time_team.html", {"rows": rows, "weeks": weeks})


# --- partnership agreements -----------------------------------------------------------------------


@access.login_required
def agreements(request: AuthedRequest) -> HttpResponse:
    items = access.agreements_visible_to(request.user).select_related("coach__user", "school")
    return render(
        request,
        "coaching/work/agreements.html",
        {
            "agreements": items,
            "may_write": access.has_role(request.user, Role.COACH, Role.PRINCIPAL),
        },
    )


@access.role_required(Role.COACH, Role.PRINCIPAL)
def agreement_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    coach = getattr(user, "coach", None) if access.has_role(user, Role.COACH) else None
    if coach is not None:
        form = forms.AgreementPartyForm(request.POST or None, schools=coach.schools.all())
    else:
        form = forms.AgreementPartyForm(
            request.POST or None,
            coaches=access.coaches_visible_to(user)
            .filter(schools__id__in=access.school_ids(user, Role.PRINCIPAL))
            .distinct(),
        )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        party_coach = data.pop("coach", None) or coach
        school = data.pop("school", None)
        assert party_coach is not None  # noqa: S101 - the form requires a coach when the user is not one
        if school is None:
            school = party_coach.schools.filter(pk__in=access.school_ids(user, Role.PRINCIPAL)).first()
        try:
            agreement = services.agreement_write(
                actor=user,
                coach=party_coach,
                school=school,
                school_year=school_year_of(timezone.localdate()),
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Agreement saved. Both of you acknowledge it to put it in force.")
            return redirect("coaching:agreement", agreement_id=agreement.pk)
    return _form_page(request, form, "New partnership agreement", "Save agreement")


@access.login_required
def agreement_detail(request: AuthedRequest, agreement_id: int) -> HttpResponse:
    agreement = access.fetch(access.agreements_visible_to, request.user, pk=agreement_id)
    return render(
        request,
        "coaching/work/agreement_detail.html",
        {"agreement": agreement, "is_party": access.may_change_agreement(request.user, agreement)},
    )


@access.role_required(Role.COACH, Role.PRINCIPAL)
def agreement_edit(request: AuthedRequest, agreement_id: int) -> HttpResponse:
    agreement: PartnershipAgreement = access.fetch(
        access.agreements_visible_to, request.user, pk=agreement_id
    )
    access.require(
        access.may_change_agreement(request.user, agreement), "Only the coach and principal change it."
    )
    fields = [
        "who_is_coached",
        "schedule_set_by",
        "success_looks_like",
        "principal_will_ask",
        "principal_will_not_ask",
    ]
    form = forms.AgreementForm(request.POST or None, initial={f: getattr(agreement, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_write(
                actor=request.user,
                coach=agreement.coach,
                school=agreement.school,
                school_year=agreement.school_year,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Agreement updated. Changes ask both of you to acknowledge it again.")
            return redirect("coaching:agreement", agreement_id=agreement.pk)
    return _form_page(
        request,
        form,
        f"Change the agreement: {agreement}",
        "Save changes",
        back=reverse("coaching:agreement", args=[agreement.pk]),
    )


@access.role_required(Role.COACH, Role.PRINCIPAL)
@require_POST
def agreement_acknowledge(request: AuthedRequest, agreement_id: int) -> HttpResponse:
    agreement = access.fetch(access.agreements_visible_to, request.user, pk=agreement_id)
    services.agreement_acknowledge(actor=request.user, agreement=agreement)
    messages.success(request, "Acknowledged.")
    return redirect("coaching:agreement", agreement_id=agreement.pk)
