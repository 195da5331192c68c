"""Shared fixtures: a small district where every role has something to see, and something it must not."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.test import Client

from coachmap.coaching import services as coaching_services
from coachmap.coaching.models import (
    CoachingCycle,
    CoachingRequest,
    CoachingSession,
    CycleStatus,
    Handover,
    MatchingRound,
    MatchProposal,
    ProposalKind,
    ProposalStatus,
    Referral,
    RequestStatus,
    RoundStatus,
)
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, Coach, District, Role, School, Teacher, User
from coachmap.improvement.models import ImprovementGoal
from tests.factories import (
    CoachFactory,
    CycleFactory,
    DistrictFactory,
    ImprovementGoalFactory,
    RequestFactory,
    SchoolFactory,
    SessionFactory,
    StudentFactory,
    TeacherFactory,
    TeacherGoalFactory,
    UserFactory,
    member,
)

SECRET_NOTE = "Confidential: worried about her evaluation and the noisy third period"
OTHER_SECRET_NOTE = "Confidential at the other school: struggling with the new curriculum"
HANDOVER_NOTE = "For the receiving coach only: prefers to start with co-planning, anxious about observation"

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
    draft_round: MatchingRound
    draft_proposal: MatchProposal
    offer_proposal: MatchProposal
    referral: Referral
    handover: Handover
    users: dict[str, User | None] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        client = Client()
        user = self.users[role]
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def world(db: None) -> World:
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
    audit_record(
        actor=teacher.user, action=AuditAction.CONSENT, obj=cycle.request, district=district, accepted=True
    )

    # Best fit: an intake, a coach profile, a draft round, an offer and a referral waiting for the
    # teacher, and a handover to the coach whose note nobody else may read.
    coaching_services.intake_submit(
        teacher=teacher,
        years_experience=2,
        new_to_adoption=True,
        answers={"plan_for_goal": 4, "adjust_mid_lesson": 2, "small_groups": 3},
        tech_comfort=3,
        needs_tools=["Lexia"],
    )
    coaching_services.coach_profile_update(
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
        draft_round=draft_round,
        draft_proposal=draft_proposal,
        offer_proposal=offer_proposal,
        referral=referral,
        handover=handover,
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
    return w
