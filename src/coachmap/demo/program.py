"""The demo district's program as a whole (issue 16, parts 4–6): the look-for framework with a
second version and some history, walkthroughs and framework levels on check-ins and
micro-coaching, the coaches' rubric and self-assessments, the vision and this year's review.

Through the real services, on the first schools only, so the large profile stays fast."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from coachmap.coaching.models import CoachingSession, FidelityCheckIn, SessionType
from coachmap.core.models import Coach, District, Membership, Role, User
from coachmap.core.schoolyear import school_year_start
from coachmap.improvement.framework import defaults as framework_defaults
from coachmap.improvement.framework import services as framework_services
from coachmap.improvement.models import GradeBand, band_of_grade
from coachmap.program import defaults as program_defaults
from coachmap.program import services as program_services

WALKTHROUGH_SCHOOLS = 6
WALKTHROUGHS_PER_SCHOOL = 14
RATED_LIMIT = 600
# The annual review reads every school goal's progress, each checked by the disclosure audit the
# first time it is read: about a second a goal, so half an hour and more at the large profile's 2,600.
# The demo gathers it; a district larger than this gets the vision and no gathered review.
REVIEW_SCHOOLS_LIMIT = 60


def seed(*, district: District, lead: User, today: datetime.date, seed: int, counts: Any) -> None:
    rng = random.Random(seed + 16)
    day = min(today, timezone.localdate())
    start = school_year_start(day)
    _framework(district, lead, day, start, rng, counts)
    _growth(district, day, rng, counts)
    program_services.vision_write(
        actor=lead, district=district, vision=program_defaults.VISION, aims=program_defaults.AIMS
    )
    if district.schools.count() > REVIEW_SCHOOLS_LIMIT:
        return
    review = program_services.review_gather(actor=lead, district=district, today=day)
    program_services.review_annotate(
        actor=lead,
        review_row=review,
        what_worked="Cycles tied to each school's reading goal; teachers asked for coaching on their own.",
        what_to_change="Protect coaches' Fridays from testing coordination; run one PLC cycle per school.",
        today=day,
    )
    counts.add("program_annualreview", 1)


def _framework(
    district: District, lead: User, day: datetime.date, start: datetime.date, rng: random.Random, counts: Any
) -> None:
    framework_services.framework_ensure(district=district)
    look_fors = {band: list(items) for band, items in framework_defaults.LOOK_FORS.items()}
    look_fors[GradeBand.K2].append("Students take turns at a shared device without the teacher's help.")
    version = framework_services.framework_publish(
        actor=lead,
        district=district,
        levels=[f"{name}: {description}" for name, description in framework_defaults.LEVELS],
        look_fors=look_fors,
        change_note="Added a look-for on shared devices in K–2, after the coaches' walkthroughs.",
    )
    counts.add("improvement_frameworkversion", 2)
    levels = list(version.levels.all())
    # Most classrooms sit at Adoption and Adaptation; a few reach Transformation.
    weights = [2, 5, 4, 2, 1][: len(levels)]
    principals = (
        Membership.objects.filter(district=district, role=Role.PRINCIPAL, school__isnull=False)
        .select_related("user", "school")
        .order_by("school__name")[:WALKTHROUGH_SCHOOLS]
    )
    span = max(1, (day - start).days)
    for membership in principals:
        school = membership.school
        assert school is not None  # noqa: S101 - filtered above
        bands = [GradeBand.K2, GradeBand.G35] if school.grade_high <= 5 else [GradeBand.G68, GradeBand.G912]
        for _ in range(WALKTHROUGHS_PER_SCHOOL):
            band = rng.choice(bands)
            framework_services.walkthrough_record(
                actor=membership.user,
                school=school,
                observed_on=start + datetime.timedelta(days=rng.randrange(span)),
                grade_band=band,
                level=rng.choices(levels, weights)[0],
                look_fors=rng.sample(list(version.look_fors.filter(grade_band=band)), 2),
            )
        counts.add("improvement_walkthrough", WALKTHROUGHS_PER_SCHOOL)
    # Levels on this year's check-ins and micro-coaching, as coaches would have picked them.
    checkins = list(
        FidelityCheckIn.objects.filter(cycle__coach__district=district, date__gte=start)
        .select_related("cycle__teacher")
        .order_by("id")[:RATED_LIMIT]
    )
    sessions = list(
        CoachingSession.objects.filter(
            cycle__coach__district=district, date__gte=start, session_type=SessionType.MICRO
        )
        .select_related("cycle__teacher")
        .order_by("id")[:RATED_LIMIT]
    )
    records: list[FidelityCheckIn | CoachingSession] = [*checkins, *sessions]
    for record in records:
        record.framework_version = version
        record.framework_band = band_of_grade(min(record.cycle.teacher.grades or [3]))
        record.framework_level = rng.choices(levels, weights)[0]
    fields = ["framework_version", "framework_band", "framework_level"]
    FidelityCheckIn.objects.bulk_update(checkins, fields)
    CoachingSession.objects.bulk_update(sessions, fields)


def _growth(district: District, day: datetime.date, rng: random.Random, counts: Any) -> None:
    areas = program_services.rubric_ensure(district=district)
    coaches = list(Coach.objects.filter(district=district).select_related("user").order_by("id"))
    for coach in coaches:
        program_services.self_assessment_save(
            coach=coach,
            ratings={area.pk: rng.choices([1, 2, 3, 4], [1, 3, 4, 2])[0] for area in areas},
            today=day,
        )
    counts.add("program_selfassessment", len(coaches))
    demo_coach = next((c for c in coaches if c.user.username == "coach"), coaches[0] if coaches else None)
    if demo_coach is None:
        return
    program_services.coach_goal_set(
        coach=demo_coach,
        text="Design and present a workshop on feedback with digital exit tickets.",
        competency=next((a for a in areas if a.name == "Professional learning facilitator"), None),
        today=day,
    )
    for offset, kind, title, minutes in (
        (40, "book", "Book study: The Impact Cycle, chapters 1–3", 90),
        (21, "network", "Regional coaches' network: observing without judging", 120),
        (7, "course", "Course: designing professional learning for adults", 60),
    ):
        program_services.learning_log(
            coach=demo_coach,
            on=max(day - datetime.timedelta(days=offset), school_year_start(day)),
            kind=kind,
            title=title,
            minutes=minutes,
            reflection="Try it with the next co-planning session.",
        )
    counts.add("program_learningentry", 3)
