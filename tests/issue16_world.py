"""Issue 16's additions to the `world` fixture, made beside it so every route of the access matrix
is walked with a group cycle (and its confidential note) and an offering in the district."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone

from coachmap.coaching.models import (
    Attendance,
    Consent,
    GroupCycle,
    GroupMember,
    GroupSession,
    GroupStatus,
    Offering,
    OfferingSession,
    Seat,
    SeatStatus,
)
from tests.factories import TeacherFactory

GROUP_SECRET_NOTE = "Group-confidential: the grade 3 team doubts the new reading block"
DECLINED_NAME = "Dora Declined"


@dataclass(frozen=True)
class Issue16:
    group: GroupCycle
    offering: Offering
    past_session: OfferingSession
    seat: Seat


def make(world: object) -> Issue16:
    """A group cycle at the teacher's school (the teacher and a neighbour joined, one declined) with a
    confidential note; an offering the coach presents, the teacher came to its first session."""
    w = world  # a tests.conftest.World
    day = datetime.date(2026, 9, 14)
    group = GroupCycle.objects.create(
        coach=w.coach,  # type: ignore[attr-defined]
        school=w.school,  # type: ignore[attr-defined]
        improvement_goal=w.goal,  # type: ignore[attr-defined]
        name="Grade 3 team",
        focus="How do our students explain the main idea?",
        status=GroupStatus.ACTIVE,
        created_on=day,
        opened_on=day,
    )
    neighbour = TeacherFactory(school=w.school)  # type: ignore[attr-defined]
    declined = TeacherFactory(school=w.school, user__first_name="Dora", user__last_name="Declined")  # type: ignore[attr-defined]
    for teacher, consent in (
        (w.teacher, Consent.ACCEPTED),
        (neighbour, Consent.ACCEPTED),
        (declined, Consent.DECLINED),
    ):  # type: ignore[attr-defined]
        GroupMember.objects.create(group=group, teacher=teacher, consent=consent, invited_on=day)
    GroupSession.objects.create(
        group=group, date=day, minutes=45, session_type="co_plan", protocol="lasw", notes=GROUP_SECRET_NOTE
    )
    tz = ZoneInfo("America/New_York")
    offering = Offering.objects.create(
        district=w.district,  # type: ignore[attr-defined]
        title="Small groups with Lexia",
        description="Rotations where each group knows its next task.",
        seats=20,
        presenter_coach=w.coach,  # type: ignore[attr-defined]
    )
    offering.goals.set([w.goal])  # type: ignore[attr-defined]
    past = OfferingSession.objects.create(
        offering=offering, starts_at=timezone.now() - datetime.timedelta(days=2), minutes=60
    )
    OfferingSession.objects.create(
        offering=offering, starts_at=datetime.datetime(2099, 1, 5, 15, tzinfo=tz), minutes=60
    )
    seat = Seat.objects.create(offering=offering, teacher=w.teacher, status=SeatStatus.ENROLLED)  # type: ignore[attr-defined]
    Attendance.objects.create(session=past, seat=seat)
    return Issue16(group, offering, past, seat)


def of(world: object) -> Issue16:
    """This world's issue-16 objects, made on first use."""
    made: Issue16 | None = getattr(world, "_issue16", None)
    if made is None:
        made = make(world)
        object.__setattr__(world, "_issue16", made)
    return made
