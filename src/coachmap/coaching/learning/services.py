"""Writes for professional-learning offerings: the catalog, sign-up and the waitlist, attendance,
and follow-up coaching for attendees (through the existing request service).

Seats are decided under a lock on the offering's row, so two teachers signing up for the last seat
at once get one seat and one place on the waitlist. When a seat is given back, the first teacher
waiting moves in and is told.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coachmap.coaching import access as coaching_access
from coachmap.coaching.learning.models import (
    Attendance,
    GradeBand,
    Offering,
    OfferingSession,
    OfferingStatus,
    Seat,
    SeatStatus,
)
from coachmap.coaching.lighter import workshops
from coachmap.coaching.models import CoachingRequest, RequestStatus, TeacherGoal
from coachmap.coaching.requests import services as request_services
from coachmap.core import access
from coachmap.core.models import Coach, District, Teacher, User
from coachmap.improvement.models import GoalStatus, ImprovementGoal, Indicator, Tool
from coachmap.notifications.models import Topic
from coachmap.notifications.services import notification_send

MAX_SEATS = 500


@dataclass(frozen=True)
class SessionPlan:
    starts_at: datetime.datetime
    minutes: int
    place: str = ""


def offering_add(
    *,
    actor: User,
    district: District,
    title: str,
    description: str,
    seats: int,
    sessions: Sequence[SessionPlan],
    goals: Iterable[ImprovementGoal] = (),
    indicators: Iterable[Indicator] = (),
    tools: Iterable[Tool] = (),
    grade_bands: Iterable[str] = (),
    presenter_coach: Coach | None = None,
    presenter_name: str = "",
) -> Offering:
    """The program lead or a coach adds an offering to the catalog, designed around goals and indicators."""
    access.require(
        coaching_access.may_add_offering(actor, district.pk),
        "The program lead and the district's coaches add offerings.",
    )
    goals, indicators, tools = list(goals), list(indicators), list(tools)
    bands = [b for b in dict.fromkeys(grade_bands) if b]
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Give the offering a title."
    if not goals and not indicators:
        errors["goals"] = "Choose the improvement goals or indicators the offering serves."
    if any(g.school.district_id != district.pk for g in goals):
        errors["goals"] = "Choose goals of your district's schools."
    if any(i.goal.school.district_id != district.pk for i in indicators):
        errors["indicators"] = "Choose indicators of your district's goals."
    if any(t.school.district_id != district.pk for t in tools):
        errors["tools"] = "Choose tools from your district's technology map."
    if any(b not in GradeBand.values for b in bands):
        errors["grade_bands"] = "Choose grade bands from the list."
    if presenter_coach is not None and presenter_coach.district_id != district.pk:
        errors["presenter_coach"] = "Choose a coach of your district."
    if presenter_coach is None and not presenter_name.strip():
        errors["presenter_name"] = "Name the presenter: one of the coaches, or someone from outside."
    if not 1 <= seats <= MAX_SEATS:
        errors["seats"] = f"Offer between 1 and {MAX_SEATS} seats."
    if not sessions:
        errors["sessions"] = "Add at least one date."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        offering = Offering(
            district=district,
            title=" ".join(title.split()),
            description=description.strip(),
            seats=seats,
            grade_bands=bands,
            presenter_coach=presenter_coach,
            presenter_name="" if presenter_coach else " ".join(presenter_name.split()),
            created_by=actor,
        )
        offering.full_clean()
        offering.save()
        offering.goals.set(goals)
        offering.indicators.set(indicators)
        offering.tools.set(tools)
        for plan in sessions:
            session = OfferingSession(
                offering=offering, starts_at=plan.starts_at, minutes=plan.minutes, place=plan.place.strip()
            )
            session.full_clean()
            session.save()
        # Teachers whose workshop support waits for an offering like this one hear of it now.
        workshops.offering_added(offering)
    return offering


def _locked(offering: Offering) -> Offering:
    """The offering's row, locked until the transaction ends: seats are counted one sign-up at a time."""
    return Offering.objects.select_for_update().get(pk=offering.pk)


def _enrolled(offering: Offering) -> int:
    return Seat.objects.filter(offering=offering, status=SeatStatus.ENROLLED).count()


def seat_take(*, teacher: Teacher, offering: Offering) -> Seat:
    """A teacher signs up: a seat while there is one, else a place on the waitlist."""
    access.require(
        coaching_access.may_take_seat(teacher.user, offering), "This offering is for another district."
    )
    with transaction.atomic():
        offering = _locked(offering)
        if offering.status != OfferingStatus.OPEN:
            raise ValidationError("This offering was cancelled.")
        if not offering.sessions.filter(starts_at__gt=timezone.now()).exists():
            raise ValidationError("Sign-up has closed: this offering has already taken place.")
        status = SeatStatus.ENROLLED if _enrolled(offering) < offering.seats else SeatStatus.WAITLISTED
        seat = Seat.objects.filter(offering=offering, teacher=teacher).first()
        if seat is not None and seat.status != SeatStatus.CANCELLED:
            raise ValidationError("You have already signed up for this offering.")
        if seat is None:
            seat = Seat.objects.create(offering=offering, teacher=teacher, status=status)
        else:
            # Signing up again joins the back of the line, as anyone new would.
            seat.status = status
            seat.created_at = timezone.now()
            seat.save(update_fields=["status", "created_at"])
        workshops.seat_taken(seat)
    return seat


def seat_give_back(*, teacher: Teacher, seat: Seat) -> Seat:
    """A teacher gives back their seat (or leaves the waitlist); the first teacher waiting moves in and is told."""
    access.require(coaching_access.may_change_seat(teacher.user, seat), "This is not your seat.")
    with transaction.atomic():
        offering = _locked(seat.offering)
        seat = Seat.objects.get(pk=seat.pk)
        if seat.status == SeatStatus.CANCELLED:
            raise ValidationError("You are no longer signed up for this offering.")
        freed = seat.status == SeatStatus.ENROLLED
        seat.status = SeatStatus.CANCELLED
        seat.save(update_fields=["status"])
        if freed:
            _fill_from_waitlist(offering)
        workshops.seat_given_back(seat)
    return seat


def _fill_from_waitlist(offering: Offering) -> None:
    free = offering.seats - _enrolled(offering)
    if free <= 0:
        return
    waiting = list(
        Seat.objects.filter(offering=offering, status=SeatStatus.WAITLISTED)
        .select_related("teacher__user")
        .order_by("created_at", "id")[:free]
    )
    url = reverse("coaching:offering", args=[offering.pk])
    for seat in waiting:
        seat.status = SeatStatus.ENROLLED
        seat.save(update_fields=["status"])
        notification_send(
            user=seat.teacher.user,
            text=f"A seat freed up in “{offering.title}”: it is yours. Give it back on the offering's "
            "page if you can no longer come.",
            url=url,
            topic=Topic.OFFERS,
        )


def attendance_mark(*, actor: User, session: OfferingSession, present: Iterable[Seat]) -> int:
    """The presenter marks who came to one session (the lead marks it for an outside presenter).
    The list replaces what was marked before; returns how many came."""
    offering = session.offering
    access.require(
        coaching_access.may_run_offering(actor, offering),
        "The presenter, or the program lead, marks attendance.",
    )
    came = list(present)
    if any(s.offering_id != offering.pk or s.status != SeatStatus.ENROLLED for s in came):
        raise ValidationError({"present": "Mark only teachers who have a seat in this offering."})
    if session.starts_at > timezone.now():
        raise ValidationError("Attendance is marked once the session has started.")
    url = reverse("coaching:offering", args=[offering.pk])
    with transaction.atomic():
        Attendance.objects.filter(session=session).delete()
        Attendance.objects.bulk_create(Attendance(session=session, seat=s) for s in came)
        for seat in came:
            # Once per offering (the key), however often the presenter corrects the list.
            notification_send(
                user=seat.teacher.user,
                text=f"Thank you for coming to “{offering.title}”. Three anonymous questions about it, and "
                "follow-up coaching if you would like some, are on its page.",
                url=url,
                topic=Topic.SURVEYS,
                key=f"offering-attended:{offering.pk}",
            )
        workshops.attendance_marked(offering)
    return len(came)


def follow_up_ask(*, teacher: Teacher, seat: Seat) -> CoachingRequest:
    """One click after an offering: a coaching request on the teacher's goal tied to the offering's
    improvement goal (a goal is written for them from it when they have none), through `request_submit`."""
    access.require(coaching_access.may_change_seat(teacher.user, seat), "This is not your seat.")
    offering = seat.offering
    if not Attendance.objects.filter(seat=seat).exists():
        raise ValidationError("Follow-up coaching is offered to those who came to the offering.")
    if seat.follow_up_request_id is not None:
        raise ValidationError("You have already asked for follow-up coaching on this offering.")
    school_goals = ImprovementGoal.objects.filter(
        school_id=teacher.school_id, status=GoalStatus.ACTIVE
    ).filter(
        pk__in=[
            *offering.goals.values_list("pk", flat=True),
            *offering.indicators.values_list("goal_id", flat=True),
        ]
    )
    improvement_goal = school_goals.order_by("pk").first()
    if improvement_goal is None:
        raise ValidationError(
            "This offering serves goals of other schools; ask for coaching from your own goals instead."
        )
    with transaction.atomic():
        goal = (
            TeacherGoal.objects.filter(teacher=teacher, improvement_goal=improvement_goal)
            .exclude(
                requests__status__in=[
                    RequestStatus.OPEN,
                    RequestStatus.PROPOSED,
                    RequestStatus.ACCEPTED,
                    RequestStatus.IN_CYCLE,
                ]
            )
            .order_by("-created_at")
            .first()
        )
        if goal is None:
            goal = request_services.teacher_goal_write(
                teacher=teacher,
                improvement_goal=improvement_goal,
                statement=f"Use what I learned in “{offering.title}” with my students.",
            )
        tools = [t.name for t in offering.tools.all()]
        request = request_services.request_submit(
            teacher=teacher, goal=goal, needs=tools, note=f"Follow-up after “{offering.title}”."
        )
        seat.follow_up_request = request
        seat.save(update_fields=["follow_up_request"])
    return request
