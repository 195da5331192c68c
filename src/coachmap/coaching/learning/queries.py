"""Reads for professional-learning offerings, scoped through `coaching.access`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from coachmap.coaching import access as coaching_access
from coachmap.coaching.learning.models import Attendance, Offering, OfferingSession, Seat, SeatStatus
from coachmap.core.access import AnyUser
from coachmap.core.models import Teacher


def catalog(user: AnyUser) -> QuerySet[Offering]:
    """The district's offerings with seats taken, soonest first is for the page to decide."""
    return (
        coaching_access.offerings_visible_to(user)
        .annotate(enrolled=Count("seats_taken", filter=Q(seats_taken__status=SeatStatus.ENROLLED)))
        .select_related("presenter_coach__user")
        .prefetch_related("sessions", "goals", "indicators", "tools")
    )


@dataclass(frozen=True)
class MySeat:
    seat: Seat
    waitlist_place: int | None
    attended: bool


def my_seat(teacher: Teacher | None, offering: Offering) -> MySeat | None:
    if teacher is None:
        return None
    seat = Seat.objects.filter(offering=offering, teacher=teacher).first()
    if seat is None or seat.status == SeatStatus.CANCELLED:
        return None
    place = None
    if seat.status == SeatStatus.WAITLISTED:
        place = (
            Seat.objects.filter(offering=offering, status=SeatStatus.WAITLISTED)
            .filter(Q(created_at__lt=seat.created_at) | Q(created_at=seat.created_at, pk__lt=seat.pk))
            .count()
            + 1
        )
    return MySeat(seat, place, Attendance.objects.filter(seat=seat).exists())


def roster(user: AnyUser, offering: Offering) -> list[Seat]:
    """Who signed up, for the presenter and the program lead; nobody else."""
    if not coaching_access.may_run_offering(user, offering):
        return []
    return list(
        coaching_access.seats_visible_to(user)
        .filter(offering=offering)
        .exclude(status=SeatStatus.CANCELLED)
        .select_related("teacher__user", "teacher__school")
        .order_by("status", "created_at", "id")
    )


def attendance_of(session: OfferingSession) -> set[int]:
    return set(Attendance.objects.filter(session=session).values_list("seat_id", flat=True))


def teacher_seats(teacher: Teacher) -> QuerySet[Seat]:
    return (
        Seat.objects.filter(teacher=teacher)
        .exclude(status=SeatStatus.CANCELLED)
        .select_related("offering")
        .order_by("-created_at")
    )


def started_sessions(offering: Offering) -> QuerySet[OfferingSession]:
    return offering.sessions.filter(starts_at__lte=timezone.now())
