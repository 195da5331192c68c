"""`coachmap demo-data`: a deterministic, realistic demo district, loaded once, never over real data."""

from __future__ import annotations

import datetime
import hashlib
import io

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Max, Q

from coachmap.coaching.models import (
    CoachingCycle,
    CoachingRequest,
    CoachingSession,
    CycleStatus,
    RequestStatus,
)
from coachmap.core.models import Coach, CoachType, District, School, Teacher, User
from coachmap.demo.generate import DEMO_LOGINS, DEMO_PASSWORD, Generator
from coachmap.demo.profiles import PROFILES
from coachmap.improvement.models import GoalStatus, ImprovementGoal
from coachmap.roster.models import Result, Student

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for row in Result.objects.order_by("id").values_list(
        "student__source_id", "assessment__window", "scale_score", "proficient"
    ):
        digest.update(repr(row).encode())
    for row in CoachingSession.objects.order_by("id").values_list("date", "minutes", "session_type", "notes"):
        digest.update(repr(row).encode())
    for row in User.objects.order_by("id").values_list("username", "first_name", "last_name"):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def test_same_seed_same_district(django_db_reset_sequences: None) -> None:
    Generator(PROFILES["demo"], 3, TODAY).run()
    first = _fingerprint()
    call_command("flush", interactive=False, verbosity=0)
    Generator(PROFILES["demo"], 3, TODAY).run()
    assert _fingerprint() == first
    call_command("flush", interactive=False, verbosity=0)
    Generator(PROFILES["demo"], 4, TODAY).run()
    assert _fingerprint() != first


def test_demo_profile_has_the_sizes_of_the_design() -> None:
    counts = Generator(PROFILES["demo"], 1, TODAY).run()
    assert School.objects.count() == 6
    assert Teacher.objects.count() == 180
    assert Coach.objects.count() == 6
    assert Student.objects.count() == 3_000
    # 24,000 result rows a year (DESIGN §5) in the newest year; earlier years' state tests give trends.
    newest = Result.objects.aggregate(year=Max("assessment__school_year"))["year"]
    assert Result.objects.filter(assessment__school_year=newest).count() == 24_000
    assert Result.objects.count() == counts.rows["roster_result"]
    assert (
        Result.objects.filter(assessment__school_year__lt=newest).exclude(assessment__window="state").count()
        == 0
    )
    last_year = CoachingSession.objects.filter(date__lt=datetime.date(2026, 8, 1)).count()
    assert 1_200 <= last_year <= 1_800, last_year  # about 1,500 sessions in a school year


def test_demo_district_looks_like_a_real_one() -> None:
    Generator(PROFILES["demo"], 1, TODAY).run()
    bands = {s.grade_band for s in School.objects.all()}
    assert bands == {"elementary", "middle", "high"}
    assert set(Coach.objects.values_list("coach_type", flat=True)) == set(CoachType.values)
    new_share = Teacher.objects.filter(years_experience__lte=2).count() / Teacher.objects.count()
    assert 0.2 <= new_share <= 0.45  # many new teachers
    students = Student.objects.aggregate(
        el=Count("id", filter=Q(english_learner=True)),
        ed=Count("id", filter=Q(econ_disadvantaged=True)),
        hispanic=Count("id", filter=Q(race_ethnicity="hispanic")),
    )
    assert 0.1 < students["el"] / 3000 < 0.3
    assert 0.5 < students["ed"] / 3000 < 0.8
    assert 0.35 < students["hispanic"] / 3000 < 0.55
    state = Result.objects.filter(assessment__window="state")

    def rate(q: Q) -> float:
        counts = state.filter(q).aggregate(n=Count("id"), p=Count("id", filter=Q(proficient=True)))
        return counts["p"] / counts["n"]

    assert rate(Q(student__english_learner=True)) < rate(Q()) - 0.1  # a real gap
    assert rate(Q(student__disability=True)) < rate(Q()) - 0.1
    for school in School.objects.all():
        active = ImprovementGoal.objects.filter(school=school, status=GoalStatus.ACTIVE).count()
        assert 1 <= active <= 2
    assert CoachingCycle.objects.filter(status=CycleStatus.ACTIVE).exists()
    assert CoachingRequest.objects.filter(status=RequestStatus.OPEN).exists()
    # Coaching happens on school days.
    assert not [d for d in CoachingSession.objects.values_list("date", flat=True) if d.weekday() >= 5]
    # No coach is over capacity: active cycles plus proposals that hold a place.
    from coachmap.coaching.eligibility import coach_load

    for coach in Coach.objects.all():
        assert coach_load(coach) <= coach.capacity, coach
    # No teacher is in two active cycles at once.
    doubled = (
        CoachingCycle.objects.filter(status=CycleStatus.ACTIVE)
        .values("teacher")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not doubled.exists()


def test_the_command_loads_once_and_prints_a_login_per_role() -> None:
    out = io.StringIO()
    call_command("demo_data", "--profile", "demo", "--seed", "1", "--today", "2026-11-23", stdout=out)
    assert "Generated the demo district" in out.getvalue()
    for username in DEMO_LOGINS:
        assert username in out.getvalue()
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None
    rows = Result.objects.count()
    again = io.StringIO()
    call_command("demo_data", "--profile", "demo", "--seed", "1", stdout=again)
    assert "already loaded" in again.getvalue()
    assert Result.objects.count() == rows and District.objects.count() == 1


def test_the_command_refuses_a_database_with_real_data() -> None:
    District.objects.create(name="Real district", slug="real")
    with pytest.raises(CommandError, match="not a generated demo district"):
        call_command("demo_data", stdout=io.StringIO())
    assert not User.objects.exists()


def test_the_command_refuses_a_database_with_a_stray_account() -> None:
    User.objects.create_user("operator", password="x")
    with pytest.raises(CommandError, match="not a generated demo district"):
        call_command("demo_data", stdout=io.StringIO())


def test_demo_logins_each_have_work_to_see() -> None:
    Generator(PROFILES["demo"], 1, TODAY).run()
    teacher = Teacher.objects.get(user__username="teacher")
    coach = Coach.objects.get(user__username="coach")
    assert CoachingCycle.objects.filter(teacher=teacher, coach=coach, status=CycleStatus.ACTIVE).exists()
    assert CoachingRequest.objects.filter(coach=coach, status=RequestStatus.ACCEPTED).exists()
    assert teacher.school.memberships.filter(user__username="principal").exists()


def test_the_demo_district_shows_cycle_work_and_a_coach_can_run_a_cycle_to_its_end() -> None:
    from coachmap.coaching.cycles import services as cycle_services
    from coachmap.coaching.cycles import services as work
    from coachmap.coaching.models import (
        FidelityCheckIn,
        PartnershipAgreement,
        StudentEvidence,
        TimeEntry,
    )
    from coachmap.feedback.models import PulseResponse, SurveyResponse
    from coachmap.library.models import Resource, ResourceUse

    Generator(PROFILES["demo"], 1, TODAY).run()
    stages = set(CoachingCycle.objects.values_list("stage", flat=True))
    assert {"close", "implementation", "reflection"} <= stages
    outcomes = set(CoachingCycle.objects.filter(status=CycleStatus.CLOSED).values_list("outcome", flat=True))
    assert outcomes == {"goal_met", "referred", "stepped_back", "paused"}
    assert StudentEvidence.objects.filter(kind="post").exists() and FidelityCheckIn.objects.exists()
    assert TimeEntry.objects.values("coach").distinct().count() == 6
    assert PartnershipAgreement.objects.count() == Coach.schools.through.objects.count()
    assert PulseResponse.objects.filter(batch__isnull=False).exists()
    assert (
        not PulseResponse.objects.filter(batch__isnull=True)
        .values("coach", "school_year")
        .annotate(n=Count("id"))
        .filter(n__gte=10)
    )  # whatever waits is less than a batch
    assert SurveyResponse.objects.count() >= 12
    assert Resource.objects.count() >= 20 and ResourceUse.objects.filter(kind="session").exists()

    # Casey runs Taylor's cycle on to its honest end.
    cycle = CoachingCycle.objects.get(teacher__user__username="teacher", status=CycleStatus.ACTIVE)
    coach = cycle.coach
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=datetime.UTC)):
        cycle = work.cycle_stage_set(coach=coach, cycle=cycle, stage="reflection")
        work.evidence_record(
            coach=coach,
            cycle=cycle,
            kind="post",
            measured_on=TODAY,
            measure="exit ticket: main idea",
            students_assessed=24,
            students_meeting=17,
        )
        work.session_log(coach=coach, cycle=cycle, date=TODAY, minutes=30, session_type="reflect")
        closed = cycle_services.cycle_close(coach=coach, cycle=cycle, outcome="goal_met")
    assert (closed.stage, closed.outcome) == ("close", "goal_met")
