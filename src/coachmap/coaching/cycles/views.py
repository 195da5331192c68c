"""Cycle pages: open, detail, plan, stage, sessions and micro-coaching, evidence, check-ins, close. Thin: parse, call one service or query, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from coachmap.coaching import access as coaching_access
from coachmap.coaching import pages
from coachmap.coaching.cycles import forms, queries, rules, services
from coachmap.coaching.handovers.queries import handovers
from coachmap.coaching.models import CoachingCycle, CycleStage, CycleStatus, SessionType
from coachmap.core import access, inputs
from coachmap.core.access import AuthedRequest
from coachmap.core.forms import add_service_errors
from coachmap.improvement.framework import queries as framework_queries
from coachmap.library import access as library_access
from coachmap.library import queries as library_queries


def _own_cycle(request: AuthedRequest, cycle_id: int) -> CoachingCycle:
    """A cycle of the signed-in coach: 404 when they cannot see it, 403 when it is someone else's."""
    cycle = access.fetch(coaching_access.cycles_visible_to, request.user, pk=cycle_id)
    access.require(
        coaching_access.may_work_on_cycle(request.user, cycle), "Only the cycle's coach does this."
    )
    return cycle


# --- the cycle ----------------------------------------------------------------------------------


@access.route_required("coaching:cycle")
def cycle_detail(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    """The whole cycle for its teacher and coach: stage, target, evidence, sessions with their
    confidential notes, check-ins, tool use and suggested resources."""
    cycle = access.fetch(coaching_access.cycles_visible_to, request.user, pk=cycle_id)
    entries = queries.session_notes(request.user, cycle)
    today = timezone.localdate()
    facts = queries.cycle_facts(cycle)
    is_coach = coaching_access.may_work_on_cycle(request.user, cycle)
    stages = list(rules.STAGES)
    next_stage = stages[stages.index(cycle.stage) + 1] if cycle.stage in stages[:-1] else None
    reminder = queries.reminder_for(
        queries.with_last_touch(CoachingCycle.objects.filter(pk=cycle.pk)).get(), today
    )
    # The teacher, whose notes they are, sees who else read them; nobody else sees the list.
    note_reads, note_reads_total = (
        queries.note_reads(request.user, cycle)
        if coaching_access.may_see_note_reads(request.user, cycle)
        else (None, 0)
    )
    return render(
        request,
        "coaching/cycles/cycle_detail.html",
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
            "session_resources": library_queries.resources_by_session(
                request.user, [e.session.pk for e in entries]
            ),
            "reminder": reminder if cycle.status == CycleStatus.ACTIVE else None,
            "note_reads": note_reads,
            "note_reads_total": note_reads_total,
        },
    )


@access.route_required("coaching:cycle-plan")
def cycle_plan(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    cycle = _own_cycle(request, cycle_id)
    initial = {
        "learning_target": cycle.learning_target,
        "practice": cycle.practice,
        "tools": ", ".join(cycle.tools or cycle.request.needs),
        "look_fors": "\n".join(cycle.look_fors),
    }
    form = forms.PlanForm(request.POST or None, initial=initial)
    saved = pages.cycle_form_saved(
        request,
        form,
        cycle,
        lambda data: services.cycle_plan_set(coach=cycle.coach, cycle=cycle, **data),
        "Plan saved.",
    )
    return saved or pages.form_page(request, form, f"Plan with {cycle.teacher}", "Save plan", cycle=cycle)


@access.route_required("coaching:cycle-stage")
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
            pages.error_message(request, exc)
        else:
            messages.success(request, f"The cycle is now at “{cycle.get_stage_display()}”.")
    return redirect("coaching:cycle", cycle_id=cycle.pk)


@access.route_required("coaching:evidence-new")
def evidence_new(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    cycle = _own_cycle(request, cycle_id)
    has_pre = cycle.evidence.filter(kind="pre").exists()
    form = forms.EvidenceForm(
        request.POST or None,
        initial={"kind": "post" if has_pre else "pre", "measured_on": timezone.localdate()},
    )
    saved = pages.cycle_form_saved(
        request,
        form,
        cycle,
        lambda data: services.evidence_record(coach=cycle.coach, cycle=cycle, **data),
        "Evidence recorded.",
    )
    return saved or pages.form_page(
        request,
        form,
        f"Student evidence for {cycle.teacher}’s cycle",
        "Record evidence",
        cycle=cycle,
        intro="Counts only: how many students met the learning target on one measure, before the work starts and after.",
    )


@access.route_required("coaching:session-new")
def session_new(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    cycle = _own_cycle(request, cycle_id)
    resources = library_access.resources_visible_to(request.user).order_by("title")
    form = forms.CycleSessionForm(
        request.POST or None,
        cycle=cycle,
        resources=resources,
        initial={"date": timezone.localdate(), "minutes": 30},
    )
    saved = pages.cycle_form_saved(
        request,
        form,
        cycle,
        lambda data: services.session_log(coach=cycle.coach, cycle=cycle, **data),
        "Session logged.",
    )
    return saved or render(request, "coaching/cycles/session_form.html", {"form": form, "cycle": cycle})


@access.route_required("coaching:micro")
def micro(request: AuthedRequest) -> HttpResponse:
    """Micro-coaching in two taps on a phone: the teacher's shortcut on the home page, then "Log".

    `?cycle=<id>` (the shortcut) picks the teacher; ten minutes and today are the defaults."""
    coach = request.user.coach
    cycles = (
        coaching_access.cycles_visible_to(request.user)
        .filter(coach=coach, status=CycleStatus.ACTIVE)
        .select_related("teacher__user")
        .order_by("teacher__user__first_name", "teacher__user__last_name")
    )
    chosen = None
    if request.method == "GET" and request.GET.get("cycle"):
        chosen = cycles.filter(pk=inputs.parse_id(request.GET["cycle"], what="teacher")).first()
    initial = {"minutes": 10} | ({"cycle": chosen} if chosen else {})
    form = forms.MicroForm(
        request.POST or None,
        cycles=cycles,
        framework=framework_queries.current_version(coach.district_id),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        cycle = form.cleaned_data["cycle"]
        try:
            services.session_log(
                coach=coach,
                cycle=cycle,
                date=timezone.localdate(),
                minutes=form.cleaned_data["minutes"],
                session_type=SessionType.MICRO,
                notes=form.cleaned_data["note"],
                next_steps=form.cleaned_data["next_step"],
                framework_band=form.cleaned_data.get("framework_band", ""),
                framework_level=form.cleaned_data.get("framework_level"),
                framework_look_fors=form.cleaned_data.get("framework_look_fors", ()),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Logged {form.cleaned_data['minutes']} minutes of micro-coaching with {cycle.teacher}.",
            )
            return redirect("coaching:micro")
    return render(
        request,
        "coaching/cycles/micro.html",
        {
            "form": form,
            "has_cycles": cycles.exists(),
            "chosen": chosen or (form.fields["cycle"].initial if cycles.count() == 1 else None),
            "undoable": queries.micro_undoable(coach, timezone.now()),
        },
    )


@access.route_required("coaching:micro-undo")
@require_POST
def micro_undo(request: AuthedRequest, session_id: int) -> HttpResponse:
    """Take back a micro-coaching log made by mistake (for a few minutes after logging it)."""
    session = access.fetch(coaching_access.sessions_visible_to, request.user, pk=session_id)
    access.require(
        coaching_access.may_work_on_cycle(request.user, session.cycle), "Only the cycle's coach does this."
    )
    teacher = session.cycle.teacher
    try:
        services.micro_undo(coach=request.user.coach, session=session)
    except ValidationError as exc:
        pages.error_message(request, exc)
    else:
        messages.success(request, f"Undone: the micro-coaching with {teacher} is no longer logged.")
    return redirect("home" if request.POST.get("back") == "home" else "coaching:micro")


@access.route_required("coaching:checkin-new")
def checkin_new(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    cycle = _own_cycle(request, cycle_id)
    form = forms.CheckInForm(
        request.POST or None,
        cycle=cycle,
        framework=framework_queries.current_version(cycle.coach.district_id),
        initial={"date": timezone.localdate()},
    )
    saved = pages.cycle_form_saved(
        request,
        form,
        cycle,
        lambda data: services.checkin_record(coach=cycle.coach, cycle=cycle, **data),
        "Check-in recorded.",
    )
    return saved or pages.form_page(
        request,
        form,
        f"Fidelity check-in with {cycle.teacher}",
        "Record check-in",
        cycle=cycle,
        intro="Look for the agreed look-fors to find what gets in the way, and to celebrate the teacher’s adaptations. Not to police.",
    )


@access.route_required("coaching:cycle-close")
def cycle_close(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    """End the cycle honestly: goal met, referred on, teacher stepped back, or paused."""
    cycle = _own_cycle(request, cycle_id)
    form = forms.CloseForm(request.POST or None)
    saved = pages.cycle_form_saved(
        request,
        form,
        cycle,
        lambda data: services.cycle_close(coach=cycle.coach, cycle=cycle, **data),
        lambda closed: f"Cycle ended: {closed.get_outcome_display().lower()}.",
    )
    return saved or pages.form_page(
        request,
        form,
        f"End the cycle with {cycle.teacher}",
        "End the cycle",
        cycle=cycle,
        intro="Say honestly how it ended. “Goal met” needs after-evidence; a paused cycle can be resumed.",
    )


@access.route_required("coaching:cycle-resume")
@require_POST
def cycle_resume(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    cycle = _own_cycle(request, cycle_id)
    try:
        services.cycle_resume(coach=cycle.coach, cycle=cycle)
    except ValidationError as exc:
        pages.error_message(request, exc)
    else:
        messages.success(request, "Cycle resumed.")
    return redirect("coaching:cycle", cycle_id=cycle.pk)


# --- partnership agreements -----------------------------------------------------------------------


@access.route_required("coaching:caseload")
def caseload(request: AuthedRequest) -> HttpResponse:
    """The coach's caseload: active cycles (sortable, filtered by school), what waits to open, handovers."""
    coach = request.user.coach
    handovers_in = handovers(request.user).filter(to_coach=coach)[:20]
    lists = queries.caseload(coach)
    sort = request.GET.get("sort", "since")
    sort = sort if sort in queries.CASELOAD_SORTS else "since"
    school_id = inputs.parse_id(request.GET["school"], what="school") if request.GET.get("school") else None
    schools = sorted({c.teacher.school for c in lists["active"]}, key=lambda s: s.name)
    if school_id is not None and school_id not in {s.pk for s in schools}:
        school_id = None
    active = queries.caseload_active(lists["active"], sort=sort, school_id=school_id)
    return render(
        request,
        "coaching/cycles/caseload.html",
        {
            "coach": coach,
            "handovers_in": handovers_in,
            **lists,
            "active": active,
            "active_total": lists["active"].count(),
            "schools": schools,
            "school_id": school_id,
            "sort": sort,
            "sorts": queries.CASELOAD_SORTS,
        },
    )


@access.route_required("coaching:cycle-open")
@require_POST
def cycle_open(request: AuthedRequest, request_id: int) -> HttpResponse:
    coach = request.user.coach
    coaching_request = access.fetch(coaching_access.requests_visible_to, request.user, pk=request_id)
    access.require(
        coaching_access.may_open_cycle(request.user, coaching_request),
        "This request was proposed to another coach.",
    )
    try:
        cycle = services.cycle_open(coach=coach, request=coaching_request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("coaching:caseload")
    messages.success(request, f"Cycle opened with {cycle.teacher}.")
    return redirect("coaching:cycle", cycle_id=cycle.pk)
