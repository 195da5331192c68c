"""Learning together in the demo district (issue 16): group cycles and professional-learning offerings.

- Casey (the demo coach) runs a grade-level team's group cycle at Taylor's school: Taylor and three
  colleagues joined, one declined (only Casey sees that); two shared sessions looked at student work
  from several classrooms with a protocol. A PLC is forming and Taylor has an invitation to answer.
- The catalog: a workshop Casey gave last week (Taylor came; attendees answered the three anonymous
  questions, released in one batch), one coming up with seats, and one with an outside presenter
  that is full, with a waitlist.

Deterministic: everything is chosen from the generator's seeded random source.
"""

from __future__ import annotations

import datetime
import random
import uuid
from zoneinfo import ZoneInfo

from django.conf import settings

from coachmap.coaching.models import (
    Attendance,
    Consent,
    GroupCycle,
    GroupEvidence,
    GroupMember,
    GroupSession,
    GroupStatus,
    Offering,
    OfferingSession,
    Seat,
    SeatStatus,
)
from coachmap.core.models import Coach, District, Teacher, User
from coachmap.feedback.models import OfferingFeedback, OfferingFeedbackReceipt
from coachmap.improvement.models import GoalStatus, ImprovementGoal, Indicator, Tool


def _weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def seed(*, district: District, today: datetime.date, rng: random.Random) -> int:
    """Add the examples; returns how many rows were written."""
    coach = Coach.objects.filter(district=district, user__username="coach").first()
    teacher = Teacher.objects.filter(school__district=district, user__username="teacher").first()
    lead = User.objects.filter(username="lead").first()
    if coach is None or teacher is None:
        return 0
    school = teacher.school
    goal = ImprovementGoal.objects.filter(school=school, status=GoalStatus.ACTIVE).first()
    if goal is None:
        return 0
    colleagues = list(
        Teacher.objects.filter(school=school)
        .exclude(pk=teacher.pk)
        .order_by("pk")[:40]
        .select_related("user")
    )
    rng.shuffle(colleagues)
    team, declined, plc = colleagues[:3], colleagues[3], colleagues[4:7]
    written = 0

    opened = _weekday(today - datetime.timedelta(days=21))
    group = GroupCycle.objects.create(
        coach=coach,
        school=school,
        improvement_goal=goal,
        name="Grade-level team",
        kind="team",
        focus="How well do our students explain their thinking in writing, and what helps?",
        status=GroupStatus.ACTIVE,
        stage="learning",
        stage_changed_on=_weekday(today - datetime.timedelta(days=7)),
        created_on=opened - datetime.timedelta(days=5),
        opened_on=opened,
        learning_target="I can explain my answer in two sentences with evidence from the text.",
        look_fors=["Students use the sentence frame", "Every student writes before talking"],
    )
    for t in [teacher, *team]:
        GroupMember.objects.create(
            group=group, teacher=t, consent=Consent.ACCEPTED, invited_on=group.created_on
        )
    GroupMember.objects.create(
        group=group, teacher=declined, consent=Consent.DECLINED, invited_on=group.created_on
    )
    written += 6
    for days_ago, protocol, kind, notes in (
        (
            14,
            "lasw",
            "pre",
            "We sorted exit tickets into three piles; most answers restate without evidence.",
        ),
        (7, "tuning", "pre", "Tuned the sentence frame; two classrooms will try it for a week."),
    ):
        session = GroupSession.objects.create(
            group=group,
            date=_weekday(today - datetime.timedelta(days=days_ago)),
            minutes=45,
            session_type="co_plan",
            protocol=protocol,
            notes=notes,
            next_steps="Bring this week's exit tickets.",
        )
        written += 1
        for t in [teacher, *team]:
            assessed = rng.randint(20, 28)
            GroupEvidence.objects.create(
                session=session,
                teacher=t,
                kind=kind,
                measure="exit ticket: explain your answer",
                students_assessed=assessed,
                students_meeting=rng.randint(5, assessed // 2),
            )
            written += 1

    forming = GroupCycle.objects.create(
        coach=coach,
        school=school,
        improvement_goal=goal,
        name="Reading PLC",
        kind="plc",
        focus="Which small-group routines move our English learners fastest?",
        created_on=_weekday(today - datetime.timedelta(days=2)),
    )
    GroupMember.objects.create(group=forming, teacher=teacher, invited_on=forming.created_on)
    for t in plc:
        GroupMember.objects.create(
            group=forming, teacher=t, consent=Consent.ACCEPTED, invited_on=forming.created_on
        )
    written += 2 + len(plc)

    tz = ZoneInfo(settings.TIME_ZONE)
    indicators = list(Indicator.objects.filter(goal=goal)[:1])
    tools = list(Tool.objects.filter(school=school)[:1])

    def at(day: datetime.date, hour: int) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, 30), tzinfo=tz)

    past = Offering.objects.create(
        district=district,
        title="Small-group rotations with the tools we have",
        description="Plan a rotation where each group knows its next task, with the school's tools.",
        seats=30,
        grade_bands=["k2", "3-5"],
        presenter_coach=coach,
        created_by=lead,
    )
    past.goals.set([goal])
    past.indicators.set(indicators)
    past.tools.set(tools)
    held = OfferingSession.objects.create(
        offering=past,
        starts_at=at(_weekday(today - datetime.timedelta(days=6)), 15),
        minutes=90,
        place="Library",
    )
    attendees = [teacher, *colleagues[7:20]]
    for t in attendees:
        seat = Seat.objects.create(offering=past, teacher=t, status=SeatStatus.ENROLLED)
        Attendance.objects.create(session=held, seat=seat)
    written += 2 + 2 * len(attendees)
    # Twelve attendees answered (not Taylor, who can still answer); released as one anonymous batch.
    answered = attendees[1:13]
    OfferingFeedbackReceipt.objects.bulk_create(
        OfferingFeedbackReceipt(offering=past, teacher=t) for t in answered
    )
    OfferingFeedback.objects.bulk_create(
        OfferingFeedback(
            id=uuid.UUID(int=rng.getrandbits(128)),
            offering=past,
            useful=rng.choice([4, 4, 5, 5, 5, 3]),
            will_use=rng.choice([4, 5, 5, 3]),
            fits_goal=rng.choice([4, 5, 5, 5]),
            batch=1,
        )
        for _ in answered
    )
    written += 2 * len(answered)

    coming = Offering.objects.create(
        district=district,
        title="Feedback that moves learning",
        description="Short feedback cycles with the learning platform: what to say, and when.",
        seats=25,
        grade_bands=["3-5", "6-8"],
        presenter_coach=coach,
        created_by=lead,
    )
    coming.goals.set([goal])
    for days in (10, 17):
        OfferingSession.objects.create(
            offering=coming,
            starts_at=at(today + datetime.timedelta(days=days), 15),
            minutes=60,
            place="Room 12",
        )
    for t in colleagues[20:26]:
        Seat.objects.create(offering=coming, teacher=t, status=SeatStatus.ENROLLED)
    full = Offering.objects.create(
        district=district,
        title="Reading science for grades K to 2",
        description="A visiting literacy specialist on phonics routines and the tools that support them.",
        seats=4,
        grade_bands=["k2"],
        presenter_name="Dr. Rosa Alvarez, State Literacy Network",
        created_by=lead,
    )
    full.goals.set([goal])
    OfferingSession.objects.create(
        offering=full,
        starts_at=at(today + datetime.timedelta(days=12), 16),
        minutes=120,
        place="District office",
    )
    for i, t in enumerate(colleagues[26:32]):
        Seat.objects.create(
            offering=full, teacher=t, status=SeatStatus.ENROLLED if i < full.seats else SeatStatus.WAITLISTED
        )
    return written + 6 + 6 + 2 + 6
