"""A workshop seat in an offering: the link between a teacher's waiting workshop support (issue 16,
part 1) and the professional-learning offerings (part 3).

An offering **serves** a workshop support when all of these hold:

- it is of the teacher's district, open, and has a session still to come;
- it serves the support's improvement goal (among its goals, or the goal of one of its indicators),
  or one of its tools is a tool the teacher asked help with (the request's needs, by name, any case);
- its grade bands include a grade the teacher teaches (an offering with no bands is for every
  grade; a teacher with no grades on record is not left out for it).

When such an offering is added, each waiting teacher is told, with a link, and the support points at
it; a support taken up while one is open points at it at once. A seat taken in an offering that
serves it moves the support on (under way: signed up, or on the waitlist), attendance makes it done,
and a seat given back returns it to waiting. Called from inside the learning services' transactions.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from coachmap.coaching.learning.models import (
    Attendance,
    GradeBand,
    Offering,
    OfferingStatus,
    Seat,
    SeatStatus,
)
from coachmap.coaching.lighter.models import LighterSupport, SupportKind, SupportStatus
from coachmap.core.models import Teacher
from coachmap.notifications.models import Topic
from coachmap.notifications.services import notification_send

_BAND_EDGES = ((2, GradeBand.K2), (5, GradeBand.G35), (8, GradeBand.G68))


def _band(grade: int) -> str:
    for last, band in _BAND_EDGES:
        if grade <= last:
            return band
    return GradeBand.G912


def _fits_grades(offering: Offering, teacher: Teacher) -> bool:
    if not offering.grade_bands or not teacher.grades:
        return True
    return bool({_band(int(g)) for g in teacher.grades} & set(offering.grade_bands))


def _is_open(offering: Offering) -> bool:
    return (
        offering.status == OfferingStatus.OPEN
        and offering.sessions.filter(starts_at__gt=timezone.now()).exists()
    )


def offering_serves(offering: Offering, support: LighterSupport) -> bool:
    """Whether the offering is a workshop for this support (the rule in the module's docstring)."""
    teacher = support.teacher
    if support.kind != SupportKind.WORKSHOP or offering.district_id != teacher.school.district_id:
        return False
    if not _fits_grades(offering, teacher):
        return False
    goal_id = support.goal.improvement_goal_id if support.goal_id and support.goal else None
    if goal_id is not None and (
        offering.goals.filter(pk=goal_id).exists() or offering.indicators.filter(goal_id=goal_id).exists()
    ):
        return True
    needs = {str(n).strip().casefold() for n in (support.request.needs if support.request else [])}
    tools = {name.strip().casefold() for name in offering.tools.values_list("name", flat=True)}
    return bool(needs & tools)


def _waiting(district_id: int) -> QuerySet[LighterSupport]:
    return LighterSupport.objects.filter(
        kind=SupportKind.WORKSHOP,
        status=SupportStatus.WAITING,
        teacher__school__district_id=district_id,
    ).select_related("teacher__user", "teacher__school", "goal", "request", "offering")


def _tell(support: LighterSupport, offering: Offering) -> None:
    first = offering.sessions.order_by("starts_at").first()
    when = f" on {timezone.localtime(first.starts_at):%A %B %-d}" if first else ""
    notification_send(
        user=support.teacher.user,
        text=f"A workshop for your goal is open: “{offering.title}”{when}. Sign up on its page.",
        url=reverse("coaching:offering", args=[offering.pk]),
        topic=Topic.OFFERS,
        key=f"workshop-open:{support.pk}:{offering.pk}",
    )


def offering_added(offering: Offering) -> int:
    """Tell every teacher whose workshop support waits and is served by a new offering; the support
    points at it (unless it already points at another that is still open). Returns how many were told."""
    if not _is_open(offering):
        return 0
    told = 0
    for support in _waiting(offering.district_id).select_for_update(of=("self",)):
        if not offering_serves(offering, support):
            continue
        if support.offering_id is None or not _is_open(support.offering):  # type: ignore[arg-type]
            support.offering = offering
            support.save(update_fields=["offering", "updated_at"])
        _tell(support, offering)
        told += 1
    return told


def support_started(support: LighterSupport) -> bool:
    """A workshop support just taken up: point it at an open offering that already serves it (the
    soonest), and tell the teacher. Returns whether one was found."""
    candidates = (
        Offering.objects.filter(district_id=support.teacher.school.district_id, status=OfferingStatus.OPEN)
        .filter(sessions__starts_at__gt=timezone.now())
        .distinct()
        .order_by("created_at", "id")
    )
    for offering in candidates:
        if offering_serves(offering, support):
            support.offering = offering
            support.save(update_fields=["offering", "updated_at"])
            _tell(support, offering)
            return True
    return False


def seat_taken(seat: Seat) -> None:
    """The teacher signed up (a seat or the waitlist): their waiting workshop supports the offering
    serves move on and point at the seat."""
    supports = LighterSupport.objects.filter(
        teacher_id=seat.teacher_id, kind=SupportKind.WORKSHOP, status=SupportStatus.WAITING
    ).select_related("teacher__school", "goal", "request")
    for support in supports.select_for_update(of=("self",)):
        if offering_serves(seat.offering, support):
            support.seat = seat
            support.offering = seat.offering
            support.status = SupportStatus.UNDER_WAY
            support.save(update_fields=["seat", "offering", "status", "updated_at"])


def seat_given_back(seat: Seat) -> None:
    """A seat given back (or the waitlist left): the supports it placed wait again for another workshop."""
    LighterSupport.objects.filter(seat=seat).exclude(status=SupportStatus.ENDED).update(
        seat=None, offering=None, status=SupportStatus.WAITING, updated_at=timezone.now()
    )


def attendance_marked(offering: Offering) -> None:
    """After the presenter marks (or corrects) attendance: a support whose seat came is done; one whose
    seat was left out is signed up again."""
    seats = Seat.objects.filter(offering=offering, status=SeatStatus.ENROLLED)
    came = Attendance.objects.filter(seat__in=seats).values("seat_id")
    supports = LighterSupport.objects.filter(seat__in=seats).exclude(status=SupportStatus.ENDED)
    now = timezone.now()
    supports.filter(seat__in=came).update(status=SupportStatus.DONE, updated_at=now)
    supports.exclude(seat__in=came).update(status=SupportStatus.UNDER_WAY, updated_at=now)
