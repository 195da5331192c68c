"""Partnership-agreement pages. Thin: parse, call one service or query, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coachmap.coaching import access as coaching_access
from coachmap.coaching import pages
from coachmap.coaching.agreements import forms, services
from coachmap.coaching.agreements.figures import school_figures
from coachmap.coaching.models import PartnershipAgreement
from coachmap.core import access
from coachmap.core.access import AuthedRequest
from coachmap.core.forms import add_service_errors
from coachmap.core.models import Role
from coachmap.core.schoolyear import school_year_of


@access.route_required("coaching:agreements")
def agreements(request: AuthedRequest) -> HttpResponse:
    items = coaching_access.agreements_visible_to(request.user).select_related("coach__user", "school")
    return render(
        request,
        "coaching/agreements/agreements.html",
        {
            "agreements": items,
            "may_write": access.has_role(request.user, Role.COACH, Role.PRINCIPAL),
        },
    )


@access.route_required("coaching:agreement-new")
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
    return pages.form_page(request, form, "New partnership agreement", "Save agreement")


@access.route_required("coaching:agreement")
def agreement_detail(request: AuthedRequest, agreement_id: int) -> HttpResponse:
    agreement = access.fetch(coaching_access.agreements_visible_to, request.user, pk=agreement_id)
    return render(
        request,
        "coaching/agreements/agreement_detail.html",
        {"agreement": agreement, "is_party": coaching_access.may_change_agreement(request.user, agreement)},
    )


@access.route_required("coaching:agreement-edit")
def agreement_edit(request: AuthedRequest, agreement_id: int) -> HttpResponse:
    agreement: PartnershipAgreement = access.fetch(
        coaching_access.agreements_visible_to, request.user, pk=agreement_id
    )
    access.require(
        coaching_access.may_change_agreement(request.user, agreement),
        "Only the coach and principal change it.",
    )
    fields = [
        "who_is_coached",
        "schedule_set_by",
        "success_looks_like",
        "principal_will_ask",
        "principal_will_not_ask",
        "data_collected",
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
    return pages.form_page(
        request,
        form,
        f"Change the agreement: {agreement}",
        "Save changes",
        back=reverse("coaching:agreement", args=[agreement.pk]),
    )


@access.route_required("coaching:agreement-acknowledge")
@require_POST
def agreement_acknowledge(request: AuthedRequest, agreement_id: int) -> HttpResponse:
    agreement = access.fetch(coaching_access.agreements_visible_to, request.user, pk=agreement_id)
    services.agreement_acknowledge(actor=request.user, agreement=agreement)
    messages.success(request, "Acknowledged.")
    return redirect("coaching:agreement", agreement_id=agreement.pk)


# --- principal–coach check-ins (issue 16, part 8) ---------------------------------------------------


@access.route_required("coaching:principal-checkins")
def principal_checkins(request: AuthedRequest) -> HttpResponse:
    items = (
        coaching_access.principal_checkins_visible_to(request.user)
        .select_related("coach__user", "school")
        .defer("notes")
    )
    return render(
        request,
        "coaching/agreements/checkins.html",
        {"checkins": items, "may_schedule": access.has_role(request.user, Role.COACH, Role.PRINCIPAL)},
    )


@access.route_required("coaching:principal-checkin-new")
def principal_checkin_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    coach = getattr(user, "coach", None) if access.has_role(user, Role.COACH) else None
    if coach is not None:
        form = forms.CheckInForm(request.POST or None, schools=coach.schools.all())
    else:
        form = forms.CheckInForm(
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
            checkin = services.checkin_schedule(actor=user, coach=party_coach, school=school, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Check-in scheduled. After the meeting, write its notes on its page.")
            return redirect("coaching:principal-checkin", checkin_id=checkin.pk)
    return pages.form_page(
        request,
        form,
        "Schedule a check-in between principal and coach",
        "Schedule check-in",
        intro="A regular meeting to check on progress and review the data the coach collects, as the "
        "agreement says: school totals only.",
        back=reverse("coaching:principal-checkins"),
    )


@access.route_required("coaching:principal-checkin")
def principal_checkin(request: AuthedRequest, checkin_id: int) -> HttpResponse:
    """A check-in's figures and notes; the coach and the principal write the notes after the meeting."""
    checkin = access.fetch(coaching_access.principal_checkins_visible_to, request.user, pk=checkin_id)
    may_write = coaching_access.may_write_checkin(request.user, checkin.coach, checkin.school_id)
    form = forms.CheckInNotesForm(request.POST or None, initial={"notes": checkin.notes})
    if request.method == "POST":
        access.require(may_write, "Only the coach and the school's principal write the check-in's notes.")
        if form.is_valid():
            try:
                services.checkin_record(actor=request.user, checkin=checkin, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Notes saved, with the figures as they stand today.")
                return redirect("coaching:principal-checkin", checkin_id=checkin.pk)
    figures = checkin.figures or school_figures(
        checkin.coach, checkin.school, checkin.figure_keys, timezone.localdate()
    )
    return render(
        request,
        "coaching/agreements/checkin_detail.html",
        {
            "checkin": checkin,
            "figures": figures,
            "form": form if may_write and checkin.date <= timezone.localdate() else None,
        },
    )
