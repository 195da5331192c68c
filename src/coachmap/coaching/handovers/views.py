"""Handover and referral pages. Thin: parse, call one service or query, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coachmap.coaching import access as coaching_access
from coachmap.coaching import pages
from coachmap.coaching.bestfit import queries as fit_queries
from coachmap.coaching.handovers import queries, report, services
from coachmap.coaching.handovers.forms import HandoverForm, ReferForm
from coachmap.coaching.models import CoachingCycle
from coachmap.core import access
from coachmap.core.access import AuthedRequest
from coachmap.core.forms import add_service_errors


@access.route_required("coaching:referral-respond")
@require_POST
def referral_respond(request: AuthedRequest, referral_id: int) -> HttpResponse:
    referral = access.fetch(coaching_access.referrals_visible_to, request.user, pk=referral_id)
    return pages.offer_answer(
        request,
        allowed=coaching_access.may_answer_referral(request.user, referral),
        not_yours="Only the teacher who was referred can answer.",
        respond=lambda accept: services.referral_respond(
            teacher=request.user.teacher, referral=referral, accept=accept
        ),
        accepted="Accepted: the next matching round looks for that support first.",
        declined="Declined.",
    )


def _own_active_cycle(request: AuthedRequest, cycle_id: int) -> CoachingCycle:
    cycle = access.fetch(coaching_access.cycles_visible_to, request.user, pk=cycle_id)
    access.require(
        coaching_access.may_work_on_cycle(request.user, cycle), "Only the cycle's coach can do this."
    )
    return cycle


@access.route_required("coaching:handover-new")
def handover_new(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    """Not the best fit? Hand the teacher over to another coach, with a note only they will read."""
    coach = request.user.coach
    cycle = _own_active_cycle(request, cycle_id)
    options = [
        o
        for o in fit_queries.coach_options(request.user, cycle.teacher.school_id, exclude=coach.pk)
        if o.free
    ]
    form = HandoverForm(request.POST or None, options=options)
    if request.method == "POST" and form.is_valid():
        try:
            to_coach = form.cleaned_data["to_coach"]
            services.handover_create(
                coach=coach,
                cycle=cycle,
                to_coach=form.coaches[to_coach] if to_coach else None,
                support_type=form.cleaned_data["support_type"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "Handed over. The teacher decides whether to go ahead with the new coach."
            )
            return redirect("coaching:caseload")
    return render(
        request, "coaching/handovers/handover_form.html", {"form": form, "cycle": cycle, "options": options}
    )


@access.route_required("coaching:cycle-refer")
def cycle_refer(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    """End the cycle because another kind of support fits better now."""
    coach = request.user.coach
    cycle = _own_active_cycle(request, cycle_id)
    form = ReferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_refer(coach=coach, cycle=cycle, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "Cycle closed with a referral. The teacher decides whether to take it up."
            )
            return redirect("coaching:caseload")
    return render(request, "coaching/handovers/refer_form.html", {"form": form, "cycle": cycle})


@access.route_required("coaching:handover")
def handover_detail(request: AuthedRequest, handover_id: int) -> HttpResponse:
    """The handover; its note only for the receiving coach (and every reading is recorded)."""
    handover = access.fetch(queries.handovers, request.user, pk=handover_id)
    note = (
        queries.handover_note(request.user, handover)
        if coaching_access.may_read_handover_note(request.user, handover)
        else None
    )
    return render(request, "coaching/handovers/handover_detail.html", {"handover": handover, "note": note})


@access.route_required("coaching:referrals")
def referrals(request: AuthedRequest) -> HttpResponse:
    lists = _referral_lists(request, limit=200)
    return render(
        request,
        "coaching/handovers/referrals.html",
        {
            "referrals": lists[0],
            "handovers": lists[1],
            "offers": lists[2],
            "chart": report.chart(*_referral_lists(request, limit=None)),
        },
    )


def _referral_lists(request: AuthedRequest, *, limit: int | None) -> tuple[list[Any], list[Any], list[Any]]:
    """The referrals, handovers and answered offers the lead may see, newest first."""
    querysets = (
        queries.referrals(request.user).order_by("-created_at", "-id"),
        queries.handovers(request.user).order_by("-created_at", "-id"),
        fit_queries.offers_taken(request.user).order_by("-responded_at", "-id"),
    )
    lists = tuple(list(qs[:limit] if limit else qs) for qs in querysets)
    return lists[0], lists[1], lists[2]


@access.route_required("coaching:referrals-export")
def referrals_export(request: AuthedRequest) -> HttpResponse:
    """Referrals, handovers and lighter offers as CSV for the lead, audited; never a handover note."""
    rows = report.rows(*_referral_lists(request, limit=None))
    return pages.lead_csv_export(request, table="referrals", header=report.HEADER, rows=rows)
