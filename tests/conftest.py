"""Shared fixtures: a small district where every role has something to see, and something it must not."""

from __future__ import annotations

import copy
import datetime
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from coachmap.coaching.bestfit import services as fit_services
from coachmap.coaching.models import (
    CoachingCycle,
    CoachingRequest,
    CoachingSession,
    CycleStatus,
    FidelityCheckIn,
    Handover,
    LighterSupport,
    MatchingRound,
    MatchProposal,
    MicroConversation,
    PartnershipAgreement,
    PeerObservation,
    PrincipalCheckIn,
    ProposalKind,
    ProposalStatus,
    Referral,
    RequestStatus,
    RoundStatus,
    StudentEvidence,
    SupportKind,
    SupportStatus,
)
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, Coach, District, Role, School, Teacher, User
from coachmap.feedback.models import Question, Survey
from coachmap.improvement.models import DistrictGoal, ImprovementGoal, Indicator, Tool, ToolLink
from coachmap.library.models import Resource
from tests.factories import (
    CoachFactory,
    CycleFactory,
    DistrictFactory,
    ImprovementGoalFactory,
    IndicatorFactory,
    RequestFactory,
    SchoolFactory,
    SessionFactory,
    StudentFactory,
    TeacherFactory,
    TeacherGoalFactory,
    ToolFactory,
    ToolLinkFactory,
    UserFactory,
    member,
)

SECRET_NOTE = "Confidential: worried about her evaluation and the noisy third period"
SECRET_BARRIER = "Barrier, confidential: the class laptops are shared with the room next door"
OTHER_SECRET_NOTE = "Confidential at the other school: struggling with the new curriculum"
HANDOVER_NOTE = "For the receiving coach only: prefers to start with co-planning, anxious about observation"
# Issue 16: a micro-coaching conversation's notes (the teacher and the coach only) and a principal–coach
# check-in's notes (the principal, the coach and the program lead).
MICRO_NOTE = "Micro-coaching, confidential: nervous about the new reading app with her newcomers"
CHECKIN_NOTE = "Check-in notes: the coach will run a second PLC cycle on exit tickets in grade 4"

ROLES = [
    "anonymous",
    "teacher",
    "other_teacher",
    "coach",
    "other_coach",
    "lead",
    "principal",
    "other_principal",
    "admin",
]


@dataclass
class World:
    district: District
    school: School
    other_school: School
    teacher: Teacher
    other_teacher: Teacher
    coach: Coach
    other_coach: Coach
    lead: User
    principal: User
    other_principal: User
    admin: User
    goal: ImprovementGoal
    cycle: CoachingCycle
    other_cycle: CoachingCycle
    session: CoachingSession
    open_request: CoachingRequest
    proposed_request: CoachingRequest
    accepted_request: CoachingRequest
    fresh_goal_id: int
    agreement: PartnershipAgreement
    resource: Resource
    open_survey: Survey
    draft_survey: Survey
    draft_round: MatchingRound
    draft_proposal: MatchProposal
    offer_proposal: MatchProposal
    referral: Referral
    handover: Handover
    indicator: Indicator
    tool: Tool
    tool_link: ToolLink
    users: dict[str, User | None] = field(default_factory=dict)
    light: Light | None = None

    @property
    def lt(self) -> Light:
        assert self.light is not None
        return self.light

    def client(self, role: str) -> Client:
        client = Client()
        user = self.users[role]
        if user is not None:
            client.force_login(user)
        return client


@dataclass
class Light:
    """Issue 16's records: lighter supports, a principal–coach check-in, a district goal."""

    micro_support: LighterSupport
    conversation: MicroConversation
    peer_support: LighterSupport
    observation: PeerObservation
    checkin: PrincipalCheckIn
    district_goal: DistrictGoal


def _light(
    district: District, school: School, teacher: Teacher, host: Teacher, coach: Coach, lead: User
) -> Light:
    """A micro-coaching support with a conversation, a peer observation whose host (the other
    teacher) has not answered yet, a check-in at the school, a district goal."""
    micro = LighterSupport.objects.create(
        teacher=teacher, kind=SupportKind.MICRO, status=SupportStatus.UNDER_WAY, coach=coach
    )
    conversation = MicroConversation.objects.create(
        coach=coach,
        teacher=teacher,
        support=micro,
        date=datetime.date(2026, 8, 20),
        minutes=10,
        focus="Small-group rotations",
        next_step="Try the rotation chart on Tuesday",
        notes=MICRO_NOTE,
    )
    peer = LighterSupport.objects.create(teacher=teacher, kind=SupportKind.PEER)
    observation = PeerObservation.objects.create(
        support=peer, host=host, date=datetime.date(2026, 9, 22), focus="Exit tickets", arranged_by=lead
    )
    checkin = PrincipalCheckIn.objects.create(
        coach=coach,
        school=school,
        date=datetime.date(2026, 9, 30),
        figure_keys=["teachers_coached", "sessions"],
        notes=CHECKIN_NOTE,
    )
    goal = DistrictGoal.objects.create(
        district=district,
        statement="Every school halves its gap in math for students with disabilities.",
        subject="math",
        target_date=datetime.date(2028, 6, 1),
        created_by=lead,
    )
    return Light(micro, conversation, peer, observation, checkin, goal)


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@contextmanager
def world_for_the_module(django_db_blocker: Any) -> Iterator[World]:
    """One world for every test of a module that only reads it (as Django's `setUpTestData`):
    built once inside a transaction that is rolled back when the module ends, while each test runs
    in its own savepoint within it, so a test's writes never reach the next. Each test gets its own
    deep copy of the objects (`copy_for_the_test`), so what a test changes in memory never reaches
    the next either.

    The access matrix walks every route for every role (about 3,700 tests): building the world
    once for it, instead of once per test, saves minutes in each database's pass."""
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)


def copy_for_the_test(shared: World) -> World:
    """A test's own copy of a module's world (`world_for_the_module`), with the cache cleared: the
    same people are in every test, so nothing one test counts may reach the next."""
    cache.clear()
    return copy.deepcopy(shared)


def build_world() -> World:
    district = DistrictFactory(name="Riverbend", min_group_size=10)
    school = SchoolFactory(district=district, name="Maple Elementary")
    other_school = SchoolFactory(district=district, name="Cedar Elementary")
    teacher = TeacherFactory(school=school, user__username="tina")
    other_teacher = TeacherFactory(school=other_school, user__username="omar")
    coach = CoachFactory(district=district, schools=[school], user__username="carla")
    other_coach = CoachFactory(district=district, schools=[other_school], user__username="cole")
    lead = member(UserFactory(username="lena"), Role.PROGRAM_LEAD, district=district)
    principal = member(UserFactory(username="paula"), Role.PRINCIPAL, district=district, school=school)
    other_principal = member(
        UserFactory(username="pedro"), Role.PRINCIPAL, district=district, school=other_school
    )
    admin = member(UserFactory(username="ada"), Role.DISTRICT_ADMIN, district=district)

    goal = ImprovementGoalFactory(school=school)
    other_goal = ImprovementGoalFactory(school=other_school)
    cycle = CycleFactory(coach=coach, request__goal__teacher=teacher, request__goal__improvement_goal=goal)
    session = SessionFactory(cycle=cycle, notes=SECRET_NOTE, date=datetime.date(2026, 9, 10))
    other_cycle = CycleFactory(
        coach=other_coach, request__goal__teacher=other_teacher, request__goal__improvement_goal=other_goal
    )
    SessionFactory(cycle=other_cycle, notes=OTHER_SECRET_NOTE)
    open_request = RequestFactory(goal__teacher=teacher, goal__improvement_goal=goal)
    proposed_request = RequestFactory(
        goal__teacher=teacher, goal__improvement_goal=goal, status=RequestStatus.PROPOSED, coach=coach
    )
    neighbour = TeacherFactory(school=school, user__username="nina")
    accepted_request = RequestFactory(
        goal__teacher=neighbour, goal__improvement_goal=goal, status=RequestStatus.ACCEPTED, coach=coach
    )
    fresh_goal = TeacherGoalFactory(teacher=teacher, improvement_goal=goal)
    StudentFactory(school=school)
    # Cycle work (issue 6): a planned cycle with evidence and a check-in, an agreement, the library, surveys.
    cycle.learning_target = "Students explain the main idea with two details."
    cycle.practice = "small-group rotations"
    cycle.tools = ["Lexia"]
    cycle.look_fors = ["Each group knows its next task", "Students log in within two minutes"]
    cycle.save()
    StudentEvidence.objects.create(
        cycle=cycle,
        kind="pre",
        measured_on=datetime.date(2026, 9, 3),
        measure="exit ticket",
        students_assessed=24,
        students_meeting=9,
    )
    FidelityCheckIn.objects.create(
        cycle=cycle,
        date=datetime.date(2026, 9, 12),
        look_fors=cycle.look_fors,
        seen=cycle.look_fors[:1],
        barriers=SECRET_BARRIER,
        adaptations="Added a picture menu for the newcomers.",
    )
    agreement = PartnershipAgreement.objects.create(
        coach=coach,
        school=school,
        school_year=2027,
        who_is_coached="Any teacher who asks.",
        schedule_set_by="coach",
        success_looks_like="More English learners read on grade level.",
        principal_will_ask="Trends.",
        principal_will_not_ask="What was said in sessions.",
    )
    resource = Resource.objects.create(
        district=district,
        title="Small-group rotation planner",
        kind="lesson_plan",
        url="https://example.org/rotation-planner",
        tools=["lexia"],
        practices=["small-group rotations"],
        created_by=coach.user,
    )
    open_survey = Survey.objects.create(
        district=district, title="Faculty survey", school_year=2027, status="open"
    )
    Question.objects.create(survey=open_survey, text="Coaching helped my students.", position=1)
    draft_survey = Survey.objects.create(district=district, title="Next year's survey", school_year=2027)
    Question.objects.create(survey=draft_survey, text="I would recommend coaching.", position=1)
    indicator = IndicatorFactory(goal=goal)
    tool = ToolFactory(school=school, name="Lexia")
    tool_link = ToolLinkFactory(tool=tool, goal=goal, indicator=indicator)
    audit_record(
        actor=teacher.user, action=AuditAction.CONSENT, obj=cycle.request, district=district, accepted=True
    )

    # Best fit: an intake, a coach profile, a draft round, an offer and a referral waiting for the
    # teacher, and a handover to the coach whose note nobody else may read.
    fit_services.intake_submit(
        teacher=teacher,
        years_experience=2,
        new_to_adoption=True,
        answers={"plan_for_goal": 4, "adjust_mid_lesson": 2, "small_groups": 3},
        tech_comfort=3,
        needs_tools=["Lexia"],
    )
    fit_services.coach_profile_update(
        coach=coach,
        tools=["Lexia"],
        content_areas=["ela"],
        grade_bands=["elementary"],
        practices=[],
        quadrants=["new_confident"],
        languages=["English"],
    )
    draft_round = MatchingRound.objects.create(district=district, run_by=lead, figures={"requests": 1})
    draft_proposal = MatchProposal.objects.create(
        round=draft_round,
        request=open_request,
        teacher=teacher,
        kind=ProposalKind.COACH,
        coach=coach,
        support_type="technology",
        score=700,
        explanation={"parts": [], "route": "Technology coach: the first choice.", "trail": []},
    )
    sent_round = MatchingRound.objects.create(district=district, run_by=lead, status=RoundStatus.CONFIRMED)
    offer_request = RequestFactory(goal__teacher=teacher, goal__improvement_goal=goal)
    offer_proposal = MatchProposal.objects.create(
        round=sent_round,
        request=offer_request,
        teacher=teacher,
        kind=ProposalKind.OFFER,
        offer="workshop",
        status=ProposalStatus.SENT,
        explanation={"instead": "Offered instead: workshop.", "trail": []},
    )
    referral = Referral.objects.create(
        teacher=teacher,
        goal=fresh_goal,
        from_coach=coach,
        offer="micro_coaching",
        reason="Short sessions fit now.",
    )
    handed = TeacherFactory(school=school, user__username="hugo")
    from_cycle = CycleFactory(
        coach=other_coach,
        request__goal__teacher=handed,
        request__goal__improvement_goal=goal,
        status=CycleStatus.CLOSED,
    )
    handover = Handover.objects.create(
        from_cycle=from_cycle,
        from_coach=other_coach,
        to_coach=coach,
        new_request=RequestFactory(
            goal=from_cycle.goal, status=RequestStatus.PROPOSED, coach=coach, note="Handed over"
        ),
        reason="A coach who serves this school fits better.",
        note=HANDOVER_NOTE,
    )
    w = World(
        district=district,
        school=school,
        other_school=other_school,
        teacher=teacher,
        other_teacher=other_teacher,
        coach=coach,
        other_coach=other_coach,
        lead=lead,
        principal=principal,
        other_principal=other_principal,
        admin=admin,
        goal=goal,
        cycle=cycle,
        other_cycle=other_cycle,
        session=session,
        open_request=open_request,
        proposed_request=proposed_request,
        accepted_request=accepted_request,
        fresh_goal_id=fresh_goal.pk,
        agreement=agreement,
        resource=resource,
        open_survey=open_survey,
        draft_survey=draft_survey,
        draft_round=draft_round,
        draft_proposal=draft_proposal,
        offer_proposal=offer_proposal,
        referral=referral,
        handover=handover,
        indicator=indicator,
        tool=tool,
        tool_link=tool_link,
    )
    w.users = {
        "anonymous": None,
        "teacher": teacher.user,
        "other_teacher": other_teacher.user,
        "coach": coach.user,
        "other_coach": other_coach.user,
        "lead": lead,
        "principal": principal,
        "other_principal": other_principal,
        "admin": admin,
    }
    w.light = _light(district, school, teacher, other_teacher, coach, lead)
    return w


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI nothing may be skipped: a skipped browser or database test is a failure."""
    if os.environ.get("CI") != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if skipped and exitstatus == pytest.ExitCode.OK:
        names = ", ".join(report.nodeid for report in skipped[:5])
        print(f"\nCI=true: {len(skipped)} test(s) were skipped ({names}); under CI that is a failure.")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked postgres_only prove what only the production database does (several servers on
    one PostgreSQL); they start their own database on the PostgreSQL server and run once, in the
    PostgreSQL pass of `make test`. The SQLite pass leaves them out (deselected, not skipped)."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    kept = [item for item in items if item.get_closest_marker("postgres_only") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
