"""The program as the articles run it, in the demo district (issue 16): lighter supports under way
(micro-coaching without a cycle, a peer observation the host agreed to, one still looking for a
host, a workshop seat waiting, another with an open workshop to sign up for), coaching-related time in the coaches' logs, principal–coach
check-ins with the data the coach collects, and a district-wide goal with its history.

Deterministic (seeded) and small: a few rows, written after the cycles, the best fit and the logins.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from coachmap.coaching.agreements.figures import school_figures
from coachmap.coaching.lighter import workshops
from coachmap.coaching.models import (
    LighterSupport,
    MicroConversation,
    ObservationStatus,
    Offering,
    OfferingSession,
    PartnershipAgreement,
    PeerObservation,
    PrincipalCheckIn,
    SupportKind,
    SupportStatus,
    TeacherGoal,
    TimeEntry,
    TimeWeek,
)
from coachmap.core.models import Coach, School, Teacher, User
from coachmap.improvement.models import DistrictGoal, GoalChange, GoalStatus, ImprovementGoal

DATA_COLLECTED = (
    "Teachers' pulse answers after sessions (totals only), how the coach spends their time by category, "
    "and reach: teachers in cycles and lighter supports. Reviewed together at our check-ins."
)


def _school_day(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def _workshop_open(teacher: Teacher, coach: Coach, lead: User, today: datetime.date) -> None:
    """A workshop support on a school goal, and an open offering that serves it: the teacher reads
    "A workshop for this is open: sign up" with the link (`lighter.workshops`)."""
    improvement_goal = ImprovementGoal.objects.filter(
        school_id=teacher.school_id, status=GoalStatus.ACTIVE
    ).first()
    if improvement_goal is None:
        return
    goal = TeacherGoal.objects.create(
        teacher=teacher,
        improvement_goal=improvement_goal,
        statement="Give feedback on exit tickets the same day, with the reading app.",
    )
    support = LighterSupport.objects.create(teacher=teacher, kind=SupportKind.WORKSHOP, goal=goal)
    offering = Offering.objects.create(
        district_id=teacher.school.district_id,
        title="Same-day feedback with exit tickets",
        description="Sort a class's exit tickets in minutes and plan tomorrow's small groups from them.",
        seats=20,
        presenter_coach=coach,
        created_by=lead,
    )
    offering.goals.set([improvement_goal])
    starts = datetime.datetime.combine(
        _school_day(today + datetime.timedelta(days=9)),
        datetime.time(15, 30),
        tzinfo=timezone.get_current_timezone(),
    )
    OfferingSession.objects.create(offering=offering, starts_at=starts, minutes=60, place="Library")
    if workshops.offering_serves(offering, support):
        support.offering = offering
        support.save(update_fields=["offering"])


def seed_program(gen: Any) -> None:
    rnd = random.Random(gen.seed + 16)
    today: datetime.date = gen.today
    coach = Coach.objects.select_related("user").get(user__username="coach")
    lead = User.objects.get(pk=gen.lead_uid)
    school_id = next(
        sid
        for sid, uid in gen.principals.items()
        if User.objects.filter(pk=uid, username="principal").exists()
    )
    principal = User.objects.get(pk=gen.principals[school_id])
    busy = set(gen.busy)
    free = list(
        Teacher.objects.filter(school_id=school_id)
        .exclude(pk__in=busy)
        .exclude(user__username="teacher")
        .select_related("user")
        .order_by("pk")[:6]
    )
    if len(free) < 6:
        return
    micro_t, peer_t, host, asked_t, declined_host, seat_t = free

    # Micro-coaching without a cycle: two short conversations with the demo coach.
    micro = LighterSupport.objects.create(
        teacher=micro_t, kind=SupportKind.MICRO, status=SupportStatus.UNDER_WAY, coach=coach
    )
    for days_ago, focus, step in (
        (12, "Students log in within two minutes", "Post the log-in steps on the board before the bell"),
        (5, "Exit tickets in the reading app", "Sort Friday's exit tickets into three groups together"),
    ):
        MicroConversation.objects.create(
            coach=coach,
            teacher=micro_t,
            support=micro,
            date=_school_day(today - datetime.timedelta(days=days_ago)),
            minutes=rnd.choice([10, 15]),
            focus=focus,
            next_step=step,
        )
    # A peer observation the host agreed to; one asked and waiting; one whose first host said no
    # (seen by nobody but that host) and that is looking for another.
    scheduled = LighterSupport.objects.create(
        teacher=peer_t, kind=SupportKind.PEER, status=SupportStatus.UNDER_WAY
    )
    PeerObservation.objects.create(
        support=scheduled,
        host=host,
        date=_school_day(today + datetime.timedelta(days=6)),
        focus="Small-group rotations with the reading app",
        status=ObservationStatus.SCHEDULED,
        arranged_by=lead,
        host_answered_at=timezone.now(),
    )
    looking = LighterSupport.objects.create(teacher=asked_t, kind=SupportKind.PEER)
    PeerObservation.objects.create(
        support=looking,
        host=declined_host,
        date=_school_day(today + datetime.timedelta(days=4)),
        focus="Exit tickets",
        status=ObservationStatus.DECLINED,
        arranged_by=lead,
        host_answered_at=timezone.now(),
    )
    # A workshop seat waiting for a workshop to open (the offerings place it).
    LighterSupport.objects.create(teacher=seat_t, kind=SupportKind.WORKSHOP)
    _workshop_open(seat_t, coach, lead, today)

    # Coaching-related time: grade-level/PLC meetings on Wednesdays, a leadership committee on the
    # first Monday of the month, the coach's own learning (a book study) every other Friday.
    entries = []
    for coach_id, week in TimeWeek.objects.filter(coach__district_id=gen.district.pk).values_list(
        "coach_id", "week"
    ):
        entries.append(
            TimeEntry(coach_id=coach_id, date=week + datetime.timedelta(days=2), category="plc", minutes=45)
        )
        if week.day <= 7:
            entries.append(TimeEntry(coach_id=coach_id, date=week, category="committee", minutes=60))
        if week.isocalendar()[1] % 2 == 0:
            day = week + datetime.timedelta(days=4)
            entries.append(TimeEntry(coach_id=coach_id, date=day, category="learning", minutes=45))
    TimeEntry.objects.bulk_create(entries, batch_size=2000)

    # The data the coach collects, in every agreement; check-ins at the principal's school.
    PartnershipAgreement.objects.filter(school__district_id=gen.district.pk).update(
        data_collected=DATA_COLLECTED
    )
    school = School.objects.get(pk=school_id)
    held_on = _school_day(today - datetime.timedelta(days=14))
    keys = ["teachers_coached", "sessions", "minutes", "coach_time"]
    PrincipalCheckIn.objects.create(
        coach=coach,
        school=school,
        date=held_on,
        figure_keys=keys,
        figures=school_figures(coach, school, keys, held_on),
        notes="Reach is up since September; we agreed to offer micro-coaching at the grade 4 PLC and to "
        "keep Fridays free of coverage.",
        held_at=timezone.now(),
        scheduled_by=coach.user,
        notes_by=principal,
    )
    PrincipalCheckIn.objects.create(
        coach=coach,
        school=school,
        date=_school_day(today + datetime.timedelta(days=14)),
        figure_keys=keys,
        scheduled_by=principal,
    )

    # A district-wide goal beside the schools' goals, changed once (its history shows who and when).
    goal = DistrictGoal.objects.create(
        district=gen.district,
        statement="By June, every school narrows its gap in ELA proficiency for English learners by five points.",
        subject="ela",
        student_group="el",
        target_date=datetime.date(gen.current_year, 6, 15),
        created_by=lead,
    )
    GoalChange.objects.create(
        district_goal=goal,
        changed_by=lead,
        changes=[{"field": "Student group", "before": "All students", "after": "English learners"}],
    )
