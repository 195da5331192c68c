"""Shared fixtures: a small district where every role has something to see, and something it must not."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.test import Client

from coachmap.coaching.models import CoachingCycle, CoachingRequest, CoachingSession, RequestStatus
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, Coach, District, Role, School, Teacher, User
from coachmap.improvement.models import ImprovementGoal, Indicator, Tool, ToolLink
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
OTHER_SECRET_NOTE = "Confidential at the other school: struggling with the new curriculum"

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
    indicator: Indicator
    tool: Tool
    tool_link: ToolLink
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
    indicator = IndicatorFactory(goal=goal)
    tool = ToolFactory(school=school, name="Lexia")
    tool_link = ToolLinkFactory(tool=tool, goal=goal, indicator=indicator)
    audit_record(
        actor=teacher.user, action=AuditAction.CONSENT, obj=cycle.request, district=district, accepted=True
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
    return w
