"""Professional learning through the API (issue 20), as on its pages: the catalog and an offering
(with the sign-up list for its presenter and the program lead), adding an offering, signing up
(a seat, or the waitlist when the seats are taken), giving a seat back, asking for follow-up
coaching, and marking who came.

Each write binds the page's form where the page has one and calls the page's service: signing up
locks the offering's row while seats are counted, so two teachers racing for the last seat get
one seat and one waitlist place, whichever door they came through.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from coachmap.coaching import access as coaching_access
from coachmap.coaching.learning import forms, queries, services
from coachmap.coaching.learning.models import (
    GradeBand,
    Offering,
    OfferingSession,
    OfferingStatus,
    Seat,
    SeatStatus,
)
from coachmap.core import access
from coachmap.core.access import teacher_of
from coachmap.core.inputs import FIRST_DAY, LAST_DAY, Id, Pages, Rows, errors_on, form_checked
from coachmap.core.models import Role

router = Router(tags=["professional learning"])


class OfferingSessionOut(Schema):
    id: int
    starts_at: datetime.datetime
    minutes: int
    place: str


class OfferingOut(Schema):
    id: int
    title: str
    description: str
    status: str
    presenter: str
    presenter_coach_id: int | None
    seats: int
    enrolled: int
    seats_left: int
    grade_bands: list[str]
    goals: list[int]
    indicators: list[int]
    tools: list[int]
    sessions: list[OfferingSessionOut]


class MySeatOut(Schema):
    seat_id: int
    status: str
    waitlist_place: int | None
    attended: bool
    follow_up_asked: bool


class RosterSeatOut(Schema):
    seat_id: int
    teacher: str
    school: str
    status: str


class OfferingDetailOut(OfferingOut):
    my_seat: MySeatOut | None
    may_sign_up: bool
    roster: list[RosterSeatOut] = Field(
        ..., description="Who signed up: for the presenter and the program lead"
    )


def _offering(offering: Offering) -> dict[str, Any]:
    enrolled = offering.enrolled  # type: ignore[attr-defined]
    return {
        "id": offering.pk,
        "title": offering.title,
        "description": offering.description,
        "status": offering.status,
        "presenter": offering.presenter,
        "presenter_coach_id": offering.presenter_coach_id,
        "seats": offering.seats,
        "enrolled": enrolled,
        "seats_left": max(offering.seats - enrolled, 0),
        "grade_bands": offering.grade_bands,
        "goals": [g.pk for g in offering.goals.all()],
        "indicators": [i.pk for i in offering.indicators.all()],
        "tools": [t.pk for t in offering.tools.all()],
        "sessions": [
            {"id": s.pk, "starts_at": s.starts_at, "minutes": s.minutes, "place": s.place}
            for s in offering.sessions.all()
        ],
    }


def _catalog(request: HttpRequest, offering_id: int) -> Offering:
    access.require(
        access.may_open(request.user, "coaching:offering"), "The catalog is for people of the district."
    )
    return access.fetch(queries.catalog, request.user, pk=offering_id)


@router.get("/offerings", response=list[OfferingOut])
@paginate(Pages, page_size=50)
def offerings(
    request: HttpRequest,
    status: OfferingStatus | None = None,
    goal_id: Id | None = None,
    grade_band: GradeBand | None = None,
    mine: bool = False,
) -> Any:
    """The district's professional-learning catalog, newest first, as on its page (cancelled offerings
    only for those who run them). `mine=true`: the offerings the signed-in teacher signed up for."""
    access.require(
        access.may_open(request.user, "coaching:offerings"), "The catalog is for people of the district."
    )
    rows = queries.catalog(request.user).order_by("-created_at", "-id")
    if status:
        rows = rows.filter(status=status)
    if goal_id is not None:
        rows = rows.filter(goals__pk=goal_id)
    if grade_band:
        rows = rows.filter(pk__in=_with_band(rows, grade_band))
    if mine:
        teacher = teacher_of(request.user)
        rows = (
            rows.filter(pk__in=queries.teacher_seats(teacher).values("offering")) if teacher else rows.none()
        )
    return Rows(rows, _offering)


def _with_band(rows: QuerySet[Offering], band: str) -> list[int]:
    # JSON containment differs between SQLite and PostgreSQL; a catalog is short.
    return [pk for pk, bands in rows.values_list("pk", "grade_bands") if band in (bands or [])]


@router.get("/offerings/{offering_id}", response=OfferingDetailOut)
def offering(request: HttpRequest, offering_id: Id) -> dict[str, Any]:
    """One offering, as on its page: the signed-in teacher's seat (or waitlist place), and for its
    presenter and the program lead, who signed up."""
    return _detail(request, _catalog(request, offering_id))


def _detail(request: HttpRequest, found: Offering) -> dict[str, Any]:
    mine = queries.my_seat(teacher_of(request.user), found)
    return {
        **_offering(found),
        "my_seat": None
        if mine is None
        else {
            "seat_id": mine.seat.pk,
            "status": mine.seat.status,
            "waitlist_place": mine.waitlist_place,
            "attended": mine.attended,
            "follow_up_asked": mine.seat.follow_up_request_id is not None,
        },
        "may_sign_up": coaching_access.may_take_seat(request.user, found),
        "roster": [
            {"seat_id": s.pk, "teacher": str(s.teacher), "school": str(s.teacher.school), "status": s.status}
            for s in queries.roster(request.user, found)
        ],
    }


def _in_years(value: datetime.datetime | None, field: str) -> None:
    if value is not None and not FIRST_DAY <= value.date() <= LAST_DAY:
        raise ValidationError({field: f"Give a time between {FIRST_DAY:%Y} and {LAST_DAY:%Y}."})


class OfferingIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field(..., min_length=1, max_length=10000)
    goals: list[Id] = Field(default_factory=list, max_length=100, description="Improvement goals it serves")
    indicators: list[Id] = Field(default_factory=list, max_length=100, description="Indicators it serves")
    tools: list[Id] = Field(default_factory=list, max_length=100, description="Tools of the technology map")
    grade_bands: list[GradeBand] = Field(default_factory=list, max_length=4)
    seats: int = Field(20, ge=1, le=500)
    presenter_coach: Id | None = Field(
        None, description="A coach of the district, or null for an outside presenter"
    )
    presenter_name: str = Field(
        "", max_length=120, description="The outside presenter's name and organisation"
    )
    first_starts_at: datetime.datetime
    second_starts_at: datetime.datetime | None = Field(None, description="Null for one session")
    minutes: int = Field(60, ge=15, le=600)
    place: str = Field("", max_length=200)


@router.post("/offerings", response=OfferingDetailOut)
def offering_create(request: HttpRequest, payload: OfferingIn) -> dict[str, Any]:
    """The program lead or a coach adds an offering to the catalog, designed around goals or
    indicators (the new-offering page's form and checks); teachers can sign up at once."""
    access.require(
        access.may_open(request.user, "coaching:offering-new"),
        "The program lead and the district's coaches add offerings.",
    )
    district = access.acting_district(request.user, Role.PROGRAM_LEAD, Role.COACH)
    access.require(district is not None, "The program lead and the district's coaches add offerings.")
    _in_years(payload.first_starts_at, "first_starts_at")
    _in_years(payload.second_starts_at, "second_starts_at")
    data = payload.dict()
    data["presenter_coach"] = data["presenter_coach"] or ""
    data["second_starts_at"] = data["second_starts_at"] or ""
    form = form_checked(forms.offering_form(data, district))  # type: ignore[arg-type]
    added = services.offering_add(actor=request.user, district=district, **form.service_data())  # type: ignore[arg-type, attr-defined]
    return _detail(request, queries.catalog(request.user).get(pk=added.pk))


class SeatOut(Schema):
    seat_id: int
    offering_id: int
    status: str
    waitlist_place: int | None
    detail: str


def _seat(seat: Seat, detail: str) -> dict[str, Any]:
    mine = queries.my_seat(seat.teacher, seat.offering)
    return {
        "seat_id": seat.pk,
        "offering_id": seat.offering_id,
        "status": seat.status,
        "waitlist_place": mine.waitlist_place if mine else None,
        "detail": detail,
    }


@router.post("/offerings/{offering_id}/seats", response=SeatOut)
def offering_signup(request: HttpRequest, offering_id: Id) -> dict[str, Any]:
    """A teacher signs up: a seat while there is one, else a place on the waitlist (the same service
    as the page, which counts the seats one sign-up at a time)."""
    access.require(access.may_open(request.user, "coaching:seat-take"), "Teachers of the district sign up.")
    found = access.fetch(queries.catalog, request.user, pk=offering_id)
    with errors_on("offering"):
        seat = services.seat_take(teacher=request.user.teacher, offering=found)  # type: ignore[union-attr]
    if seat.status == SeatStatus.ENROLLED:
        return _seat(seat, "You have a seat. Give it back if you can no longer come.")
    return _seat(seat, "The seats are taken: you are on the waitlist and are told if one frees up.")


def _my_seat(request: HttpRequest, seat_id: int, page: str) -> Seat:
    access.require(access.may_open(request.user, page), "This is for the teacher whose seat it is.")
    return access.fetch(coaching_access.seats_visible_to, request.user, pk=seat_id)


@router.post("/offerings/seats/{seat_id}/withdraw", response=SeatOut)
def offering_withdraw(request: HttpRequest, seat_id: Id) -> dict[str, Any]:
    """A teacher gives back their seat (or leaves the waitlist); the first teacher waiting moves in
    and is told."""
    seat = _my_seat(request, seat_id, "coaching:seat-give-back")
    with errors_on("seat"):
        seat = services.seat_give_back(teacher=request.user.teacher, seat=seat)  # type: ignore[union-attr]
    return _seat(seat, "You are no longer signed up. The next teacher waiting gets your seat.")


class FollowUpOut(Schema):
    request_id: int
    detail: str


@router.post("/offerings/seats/{seat_id}/follow-up", response=FollowUpOut)
def offering_follow_up(request: HttpRequest, seat_id: Id) -> dict[str, Any]:
    """A teacher who came asks for follow-up coaching: a coaching request on their goal tied to the
    offering's improvement goal, as on the offering's page."""
    seat = _my_seat(request, seat_id, "coaching:follow-up")
    with errors_on("seat"):
        asked = services.follow_up_ask(teacher=request.user.teacher, seat=seat)  # type: ignore[union-attr]
    return {
        "request_id": asked.pk,
        "detail": "You asked for follow-up coaching. The program lead proposes a coach; you then accept or decline.",
    }


class AttendanceIn(Schema):
    present: list[Id] = Field(
        ..., max_length=500, description="The seats of those who came (an empty list: nobody came)"
    )


class AttendanceOut(Schema):
    session_id: int
    present: list[int]
    came: int


@router.post("/offerings/sessions/{session_id}/attendance", response=AttendanceOut)
def offering_attendance(request: HttpRequest, session_id: Id, payload: AttendanceIn) -> dict[str, Any]:
    """The presenter (or the program lead) marks who came to a session that has started; the list
    replaces what was marked before, and those who came are asked for anonymous feedback."""
    access.require(
        access.may_open(request.user, "coaching:attendance"),
        "The presenter, or the program lead, marks attendance.",
    )
    session = access.fetch(
        lambda user: OfferingSession.objects.filter(offering__in=queries.catalog(user)),
        request.user,
        pk=session_id,
    )
    access.require(
        coaching_access.may_run_offering(request.user, session.offering),
        "The presenter, or the program lead, marks attendance.",
    )
    seats = coaching_access.seats_visible_to(request.user).filter(
        offering=session.offering, status=SeatStatus.ENROLLED
    )
    form = form_checked(
        forms.AttendanceForm({"present": payload.present}, seats=seats.select_related("teacher__user"))
    )
    with errors_on("present"):
        came = services.attendance_mark(
            actor=request.user,  # type: ignore[arg-type]
            session=session,
            present=form.cleaned_data["present"],
        )
    return {"session_id": session.pk, "present": sorted(queries.attendance_of(session)), "came": came}
