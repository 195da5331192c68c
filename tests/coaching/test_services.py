"""The teacher's side of the chain: voluntary requests, consent before any cycle, confidential notes."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from coachmap.coaching import access as coaching_access
from coachmap.coaching.cycles import queries as cycle_queries
from coachmap.coaching.cycles import services as cycle_services
from coachmap.coaching.models import CoachingCycle, CoachingSession, CycleStatus, RequestStatus
from coachmap.coaching.requests import services as request_services
from coachmap.core.models import AuditAction, AuditEvent
from coachmap.improvement.models import GoalStatus
from tests.conftest import SECRET_NOTE, World
from tests.factories import CoachFactory, ImprovementGoalFactory, RequestFactory, TeacherFactory

pytestmark = pytest.mark.django_db


def test_a_teacher_goal_must_come_from_an_active_goal_of_their_own_school(world: World) -> None:
    other_school_goal = ImprovementGoalFactory(school=world.other_school)
    with pytest.raises(ValidationError, match="your own school's improvement goals"):
        request_services.teacher_goal_write(
            teacher=world.teacher, improvement_goal=other_school_goal, statement="x"
        )
    world.goal.status = GoalStatus.RETIRED
    world.goal.save()
    with pytest.raises(ValidationError, match="no longer active"):
        request_services.teacher_goal_write(teacher=world.teacher, improvement_goal=world.goal, statement="x")


def test_only_the_teacher_asks_and_only_once_per_goal(world: World) -> None:
    goal = request_services.teacher_goal_write(
        teacher=world.teacher, improvement_goal=world.goal, statement="Try exit tickets"
    )
    with pytest.raises(PermissionDenied, match="only ask for coaching on your own goal"):
        request_services.request_submit(teacher=world.other_teacher, goal=goal, needs=["Seesaw"])
    request = request_services.request_submit(
        teacher=world.teacher, goal=goal, needs=[" Seesaw ", ""], note=" hi "
    )
    assert request.status == RequestStatus.OPEN
    assert request.needs == ["Seesaw"]
    with pytest.raises(ValidationError, match="already have a coaching request"):
        request_services.request_submit(teacher=world.teacher, goal=goal, needs=["Seesaw"])


def test_no_cycle_opens_without_the_teachers_consent(world: World) -> None:
    request_services.request_propose(actor=world.lead, request=world.open_request, coach=world.coach)
    with pytest.raises(ValidationError, match="has not accepted"):
        cycle_services.cycle_open(coach=world.coach, request=world.open_request)
    request_services.request_respond(teacher=world.teacher, request=world.open_request, accept=False)
    with pytest.raises(ValidationError, match="has not accepted"):
        cycle_services.cycle_open(coach=world.coach, request=world.open_request)
    assert not CoachingCycle.objects.filter(request=world.open_request).exists()


def test_accepting_opens_the_way_and_the_consent_is_audited(world: World) -> None:
    request_services.request_respond(teacher=world.teacher, request=world.proposed_request, accept=True)
    event = AuditEvent.objects.get(action=AuditAction.CONSENT, object_id=str(world.proposed_request.pk))
    assert event.actor == world.teacher.user
    assert event.detail == {"accepted": True, "coach": world.coach.pk}
    cycle = cycle_services.cycle_open(coach=world.coach, request=world.proposed_request)
    assert cycle.teacher == world.teacher
    world.proposed_request.refresh_from_db()
    assert world.proposed_request.status == RequestStatus.IN_CYCLE


def test_only_the_proposed_coach_opens_the_cycle(world: World) -> None:
    with pytest.raises(PermissionDenied, match="Only the coach the teacher accepted"):
        cycle_services.cycle_open(coach=world.other_coach, request=world.accepted_request)


def test_proposals_respect_school_coverage_capacity_and_a_decline(world: World) -> None:
    with pytest.raises(ValidationError, match="does not serve"):
        request_services.request_propose(
            actor=world.lead, request=world.open_request, coach=world.other_coach
        )
    with pytest.raises(PermissionDenied):
        request_services.request_propose(actor=world.principal, request=world.open_request, coach=world.coach)
    full = CoachFactory(district=world.district, schools=[world.school], capacity=1)
    RequestFactory(
        goal__teacher=TeacherFactory(school=world.school), status=RequestStatus.PROPOSED, coach=full
    )
    with pytest.raises(ValidationError, match="at capacity"):
        request_services.request_propose(actor=world.lead, request=world.open_request, coach=full)
    request_services.request_propose(actor=world.lead, request=world.open_request, coach=world.coach)
    request_services.request_respond(teacher=world.teacher, request=world.open_request, accept=False)
    with pytest.raises(ValidationError, match="declined"):
        request_services.request_propose(actor=world.lead, request=world.open_request, coach=world.coach)


@time_machine.travel(datetime.date(2026, 10, 1))
def test_sessions_only_on_active_cycles_by_their_coach_and_never_in_the_future(world: World) -> None:
    log = {"date": datetime.date(2026, 9, 20), "minutes": 30, "session_type": "observe", "notes": "n"}
    with pytest.raises(PermissionDenied, match="Only the cycle's coach"):
        cycle_services.session_log(coach=world.other_coach, cycle=world.cycle, **log)
    with pytest.raises(ValidationError) as future:
        cycle_services.session_log(
            coach=world.coach, cycle=world.cycle, **{**log, "date": datetime.date(2026, 10, 2)}
        )
    assert "before it happens" in str(future.value)
    with pytest.raises(ValidationError) as early:
        cycle_services.session_log(
            coach=world.coach, cycle=world.cycle, **{**log, "date": datetime.date(2026, 8, 1)}
        )
    assert "cycle opened on September 1, 2026" in str(early.value)
    cycle_services.session_log(coach=world.coach, cycle=world.cycle, **log)
    closed = cycle_services.cycle_close(coach=world.coach, cycle=world.cycle, outcome="stepped_back")
    assert closed.status == CycleStatus.CLOSED
    with pytest.raises(ValidationError, match="This cycle is closed"):
        cycle_services.session_log(coach=world.coach, cycle=closed, **log)
    assert CoachingSession.objects.filter(cycle=world.cycle).count() == 2


@pytest.mark.parametrize("who", ["teacher", "coach"])
def test_the_teacher_and_the_coach_read_the_notes_and_each_read_is_audited(world: World, who: str) -> None:
    entries = cycle_queries.session_notes(world.users[who], world.cycle)
    assert [e.notes for e in entries] == [SECRET_NOTE]
    event = AuditEvent.objects.get(action=AuditAction.NOTES_READ)
    assert event.actor == world.users[who]
    assert event.detail["sessions"] == [world.session.pk]


@pytest.mark.parametrize("who", ["other_teacher", "other_coach", "lead", "principal", "admin"])
def test_nobody_else_reads_the_notes(world: World, who: str) -> None:
    with pytest.raises(PermissionDenied):
        cycle_queries.session_notes(world.users[who], world.cycle)
    assert not AuditEvent.objects.filter(action=AuditAction.NOTES_READ).exists()


def test_a_program_lead_sees_sessions_but_notes_are_not_loaded(world: World) -> None:

    session = coaching_access.sessions_visible_to(world.lead).get(pk=world.session.pk)
    assert "notes" in session.get_deferred_fields()
