"""Professional-learning pages: the catalog, an offering (sign-up, waitlist, follow-up coaching; the
sign-up list for its presenter and the lead), a new offering, attendance. Thin."""

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
from coachmap.coaching.learning import forms, queries, services
from coachmap.coaching.learning.models import OfferingSession, SeatStatus
from coachmap.core import access
from coachmap.core.access import AuthedRequest, teacher_of
from coachmap.core.forms import add_service_errors
from coachmap.core.models import Role


@access.route_required("coaching:offerings")
def offerings(request: AuthedRequest) -> HttpResponse:
    teacher = teacher_of(request.user)
    district_id = access.acting_district_id(request.user)
    return render(
        request,
        "coaching/learning/offerings.html",
        {
            "offerings": queries.catalog(request.user),
            "my_seats": queries.teacher_seats(teacher) if teacher else [],
            "may_add": district_id is not None
            and coaching_access.may_add_offering(request.user, district_id),
        },
    )


@access.route_required("coaching:offering")
def offering_detail(request: AuthedRequest, offering_id: int) -> HttpResponse:
    offering = access.fetch(queries.catalog, request.user, pk=offering_id)
    teacher = teacher_of(request.user)
    runs = coaching_access.may_run_offering(request.user, offering)
    return render(
        request,
        "coaching/learning/offering_detail.html",
        {
            "offering": offering,
            "sessions": list(offering.sessions.all()),
            "seats_left": max(offering.seats - offering.enrolled, 0),  # type: ignore[attr-defined]
            "mine": queries.my_seat(teacher, offering),
            "may_sign_up": coaching_access.may_take_seat(request.user, offering),
            "runs": runs,
            "roster": queries.roster(request.user, offering) if runs else [],
            "started": list(queries.started_sessions(offering)) if runs else [],
            "now": timezone.now(),
        },
    )


@access.route_required("coaching:offering-new")
def offering_new(request: AuthedRequest) -> HttpResponse:
    district = access.acting_district(request.user, Role.PROGRAM_LEAD, Role.COACH)
    assert district is not None  # noqa: S101 - the route is for leads and coaches
    form = forms.offering_form(request.POST or None, district)
    if request.method == "POST" and form.is_valid():
        try:
            offering = services.offering_add(actor=request.user, district=district, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Offering added to the catalog: teachers can sign up now.")
            return redirect("coaching:offering", offering_id=offering.pk)
    return pages.form_page(
        request,
        form,
        "A new professional-learning offering",
        "Add to the catalog",
        back=reverse("coaching:offerings"),
        intro="Design it around the goals and indicators it serves; teachers see them in the catalog.",
    )


@access.route_required("coaching:seat-take")
@require_POST
def seat_take(request: AuthedRequest, offering_id: int) -> HttpResponse:
    offering = access.fetch(queries.catalog, request.user, pk=offering_id)
    try:
        seat = services.seat_take(teacher=request.user.teacher, offering=offering)
    except ValidationError as exc:
        pages.error_message(request, exc)
    else:
        if seat.status == SeatStatus.ENROLLED:
            messages.success(request, "You have a seat. Give it back here if you can no longer come.")
        else:
            messages.success(
                request, "The seats are taken: you are on the waitlist and are told if one frees up."
            )
    return redirect("coaching:offering", offering_id=offering.pk)


@access.route_required("coaching:seat-give-back")
@require_POST
def seat_give_back(request: AuthedRequest, seat_id: int) -> HttpResponse:
    seat = access.fetch(coaching_access.seats_visible_to, request.user, pk=seat_id)
    try:
        services.seat_give_back(teacher=request.user.teacher, seat=seat)
    except ValidationError as exc:
        pages.error_message(request, exc)
    else:
        messages.success(request, "You are no longer signed up. The next teacher waiting gets your seat.")
    return redirect("coaching:offering", offering_id=seat.offering_id)


@access.route_required("coaching:follow-up")
@require_POST
def follow_up(request: AuthedRequest, seat_id: int) -> HttpResponse:
    seat = access.fetch(coaching_access.seats_visible_to, request.user, pk=seat_id)
    try:
        services.follow_up_ask(teacher=request.user.teacher, seat=seat)
    except ValidationError as exc:
        pages.error_message(request, exc)
    else:
        messages.success(
            request,
            "You asked for follow-up coaching. The program lead proposes a coach; you then accept or decline.",
        )
    return redirect("coaching:offering", offering_id=seat.offering_id)


@access.route_required("coaching:attendance")
def attendance(request: AuthedRequest, session_id: int) -> HttpResponse:
    session = access.fetch(
        lambda user: OfferingSession.objects.filter(offering__in=queries.catalog(user)),
        request.user,
        pk=session_id,
    )
    offering = session.offering
    access.require(
        coaching_access.may_run_offering(request.user, offering),
        "The presenter, or the program lead, marks attendance.",
    )
    seats = coaching_access.seats_visible_to(request.user).filter(
        offering=offering, status=SeatStatus.ENROLLED
    )
    # Nobody came is an answer too: an empty POST still binds the form.
    form = forms.AttendanceForm(
        request.POST if request.method == "POST" else None,
        seats=seats.select_related("teacher__user", "teacher__school"),
        initial={"present": list(queries.attendance_of(session))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            n = services.attendance_mark(
                actor=request.user, session=session, present=form.cleaned_data["present"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Attendance saved: {n} came. They are asked for anonymous feedback.")
            return redirect("coaching:offering", offering_id=offering.pk)
    return pages.form_page(
        request,
        form,
        f"Who came to {offering.title} on {timezone.localtime(session.starts_at):%B %-d}",
        "Save attendance",
        back=reverse("coaching:offering", args=[offering.pk]),
    )
