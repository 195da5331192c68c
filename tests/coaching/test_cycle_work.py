"""A cycle from opening to close: plan, stages, evidence, sessions, check-ins, the honest end and reminders."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from coachmap.coaching.agreements import services as agreements
from coachmap.coaching.cycles import queries, services
from coachmap.coaching.cycles import services as cycle_services
from coachmap.coaching.cycles.rules import Staleness
from coachmap.coaching.models import CoachingSession, CycleStatus, FidelityCheckIn
from coachmap.library.models import ResourceUse, UseKind
from coachmap.roster.models import Class, Enrollment, UsageWeek
from tests.conftest import SECRET_BARRIER, World
from tests.factories import CycleFactory, StudentFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 10, 20)
NOON = datetime.datetime(2026, 10, 20, 12, tzinfo=ZoneInfo("America/New_York"))


@time_machine.travel(NOON)
def test_a_coach_runs_a_whole_cycle_from_opening_to_close(world: World) -> None:
    cycle = CycleFactory(
        coach=world.coach, request__goal__teacher=world.teacher, opened_on=datetime.date(2026, 9, 1)
    )
    coach = world.coach
    with pytest.raises(ValidationError, match="learning target"):
        services.cycle_stage_set(coach=coach, cycle=cycle, stage="learning")
    services.cycle_plan_set(
        coach=coach,
        cycle=cycle,
        learning_target="Students explain their reasoning in writing.",
        practice="exit tickets",
        tools=["Seesaw", " seesaw "],
        look_fors=[
            "Every student submits",
            "Every student submits",
            "Teacher sorts tickets into three piles",
        ],
    )
    assert cycle.look_fors == ["Every student submits", "Teacher sorts tickets into three piles"]
    services.evidence_record(
        coach=coach,
        cycle=cycle,
        kind="pre",
        measured_on=datetime.date(2026, 9, 2),
        measure="exit ticket",
        students_assessed=25,
        students_meeting=10,
    )
    cycle = services.cycle_stage_set(coach=coach, cycle=cycle, stage="learning")
    with pytest.raises(ValidationError, match="co-planning session"):
        services.cycle_stage_set(coach=coach, cycle=cycle, stage="implementation")
    services.session_log(
        coach=coach,
        cycle=cycle,
        date=datetime.date(2026, 9, 8),
        minutes=45,
        session_type="co_plan",
        resources=[world.resource],
    )
    cycle = services.cycle_stage_set(coach=coach, cycle=cycle, stage="implementation")
    session = services.session_log(
        coach=coach,
        cycle=cycle,
        date=datetime.date(2026, 9, 15),
        minutes=50,
        session_type="model",
        look_fors_seen=["Every student submits"],
    )
    assert session.look_fors_seen == ["Every student submits"]
    cycle = services.cycle_stage_set(coach=coach, cycle=cycle, stage="reflection")
    with pytest.raises(ValidationError, match="after-evidence"):
        cycle_services.cycle_close(coach=coach, cycle=cycle, outcome="goal_met")
    services.evidence_record(
        coach=coach,
        cycle=cycle,
        kind="post",
        measured_on=datetime.date(2026, 10, 15),
        measure="exit ticket",
        students_assessed=25,
        students_meeting=19,
    )
    assert queries.cycle_evidence(world.teacher.user, cycle).change == pytest.approx(36.0)
    cycle = cycle_services.cycle_close(coach=coach, cycle=cycle, outcome="goal_met")
    assert (cycle.status, cycle.stage, cycle.outcome, cycle.closed_on) == (
        "closed",
        "close",
        "goal_met",
        TODAY,
    )
    assert ResourceUse.objects.filter(resource=world.resource, kind=UseKind.SESSION).count() == 1
    with pytest.raises(ValidationError, match="This cycle is closed"):
        services.session_log(coach=coach, cycle=cycle, date=TODAY, minutes=10, session_type="micro")
    with pytest.raises(ValidationError, match="Only a paused cycle"):
        services.cycle_resume(coach=coach, cycle=cycle)


@time_machine.travel(NOON)
def test_a_paused_cycle_keeps_its_stage_and_can_resume(world: World) -> None:
    with pytest.raises(PermissionDenied, match="Only the cycle's coach"):
        cycle_services.cycle_close(coach=world.other_coach, cycle=world.cycle, outcome="paused")
    paused = cycle_services.cycle_close(coach=world.coach, cycle=world.cycle, outcome="paused")
    assert (paused.status, paused.stage) == (CycleStatus.CLOSED, "goal")
    with pytest.raises(ValidationError, match="has ended"):
        services.checkin_record(coach=world.coach, cycle=paused, date=TODAY, seen=[])
    resumed = services.cycle_resume(coach=world.coach, cycle=paused)
    assert (resumed.status, resumed.outcome, resumed.closed_on) == (CycleStatus.ACTIVE, "", None)


def test_a_referral_names_who_and_the_other_ends_need_nothing_more(world: World) -> None:
    with pytest.raises(ValidationError, match="referred to"):
        cycle_services.cycle_close(coach=world.coach, cycle=world.cycle, outcome="referred")
    cycle = cycle_services.cycle_close(
        coach=world.coach,
        cycle=world.cycle,
        outcome="referred",
        referred_to="the building instructional coach",
    )
    assert cycle.referred_to == "the building instructional coach"
    other = cycle_services.cycle_close(
        coach=world.other_coach, cycle=world.other_cycle, outcome="stepped_back"
    )
    assert other.outcome == "stepped_back" and other.referred_to == ""


@time_machine.travel(NOON)
def test_evidence_is_counts_that_make_sense_and_after_needs_before(world: World) -> None:
    fresh = CycleFactory(coach=world.coach, request__goal__teacher=world.teacher)
    with pytest.raises(ValidationError) as after_first:
        services.evidence_record(
            coach=world.coach,
            cycle=fresh,
            kind="post",
            measured_on=TODAY,
            measure="quiz",
            students_assessed=20,
            students_meeting=5,
        )
    assert "baseline" in str(after_first.value)
    with pytest.raises(ValidationError) as too_many:
        services.evidence_record(
            coach=world.coach,
            cycle=fresh,
            kind="pre",
            measured_on=TODAY,
            measure="quiz",
            students_assessed=20,
            students_meeting=25,
        )
    assert "25 students cannot meet the target when 20 were assessed" in str(too_many.value)
    with pytest.raises(PermissionDenied, match="Only the cycle's coach"):
        services.evidence_record(
            coach=world.other_coach,
            cycle=fresh,
            kind="pre",
            measured_on=TODAY,
            measure="quiz",
            students_assessed=20,
            students_meeting=5,
        )


@time_machine.travel(NOON)
def test_a_check_in_celebrates_adaptations_against_the_cycles_look_fors(world: World) -> None:
    with pytest.raises(ValidationError, match="Not one of this cycle's look-fors"):
        services.checkin_record(coach=world.coach, cycle=world.cycle, date=TODAY, seen=["Silent room"])
    checkin = services.checkin_record(
        coach=world.coach,
        cycle=world.cycle,
        date=TODAY,
        seen=["Students log in within two minutes", "Each group knows its next task"],
        adaptations="Swapped the timer for a song the class knows.",
    )
    assert checkin.seen == world.cycle.look_fors  # kept in the cycle's order
    assert checkin.fidelity == 100.0
    bare = CycleFactory(coach=world.coach, request__goal__teacher=world.teacher)
    with pytest.raises(ValidationError, match="look-fors first"):
        services.checkin_record(coach=world.coach, cycle=bare, date=TODAY, seen=[])


@pytest.mark.parametrize("who", ["lead", "principal", "admin", "other_teacher", "other_coach"])
def test_check_ins_are_for_the_teacher_and_coach_only(world: World, who: str) -> None:
    assert queries.cycle_checkins(world.users[who], world.cycle) == []
    assert FidelityCheckIn.objects.filter(cycle=world.cycle).exists()


def test_the_teacher_and_coach_see_the_check_in(world: World) -> None:
    for who in ("teacher", "coach"):
        assert [c.barriers for c in queries.cycle_checkins(world.users[who], world.cycle)] == [SECRET_BARRIER]


def test_quiet_cycles_go_due_soon_then_overdue(world: World) -> None:
    # The world's cycle was last touched by the check-in on September 12.
    with time_machine.travel(datetime.date(2026, 9, 21)):
        assert queries.reminders(world.coach, datetime.date(2026, 9, 21)) == []
    due = queries.reminders(world.coach, datetime.date(2026, 9, 22))
    assert [(r.cycle, r.staleness, r.quiet_days) for r in due] == [(world.cycle, Staleness.DUE_SOON, 10)]
    overdue = queries.reminders(world.coach, datetime.date(2026, 9, 30))
    assert overdue[0].staleness is Staleness.OVERDUE
    CoachingSession.objects.create(
        cycle=world.cycle, date=datetime.date(2026, 9, 29), minutes=10, session_type="micro"
    )
    assert queries.reminders(world.coach, datetime.date(2026, 9, 30)) == []
    counts = queries.overdue_counts(world.coach.district.coaches.all(), datetime.date(2026, 12, 1))
    assert counts == {world.coach.pk: 1, world.other_coach.pk: 1}


def test_tool_usage_comes_from_the_teachers_own_students(world: World) -> None:
    klass = Class.objects.create(school=world.school, source_id="C1", title="Grade 4")
    Enrollment.objects.create(klass=klass, teacher=world.teacher, primary=True)
    elsewhere = Class.objects.create(school=world.school, source_id="C2", title="Grade 5")
    mine, theirs = StudentFactory(school=world.school), StudentFactory(school=world.school)
    Enrollment.objects.create(klass=klass, student=mine)
    Enrollment.objects.create(klass=elsewhere, student=theirs)
    week = datetime.date(2026, 10, 12)
    for student, minutes in ((mine, 42.0), (theirs, 300.0)):
        UsageWeek.objects.create(
            district=world.district, student=student, tool="lexia", week=week, minutes=minutes
        )
    usage = queries.tool_usage(world.coach.user, world.cycle, TODAY)
    assert [(u.tool, [(w.week, w.students, w.minutes) for w in u.weeks]) for u in usage] == [
        ("Lexia", [(week, 1, 42)])
    ]
    assert queries.tool_usage(world.lead, world.cycle, TODAY) == []


@time_machine.travel(NOON)
def test_micro_coaching_is_one_choice_and_one_tap(world: World) -> None:
    client = world.client("coach")
    response = client.post(reverse("coaching:micro"), {"cycle": world.cycle.pk, "minutes": 10})
    assert response.status_code == 302
    session = CoachingSession.objects.filter(cycle=world.cycle).latest("id")
    assert (session.session_type, session.minutes, session.date) == ("micro", 10, TODAY)
    form_page = client.get(reverse("coaching:micro")).content.decode()
    assert 'value="10" required checked' in form_page or "checked" in form_page


@time_machine.travel(NOON)
def test_the_home_shortcut_picks_the_teacher_and_the_log_can_be_undone(world: World) -> None:
    client = world.client("coach")
    home = client.get(reverse("home")).content.decode()
    shortcut = f"{reverse('coaching:micro')}?cycle={world.cycle.pk}"
    assert shortcut in home
    page = client.get(shortcut).content.decode()
    assert f"with {world.cycle.teacher}" in page
    assert re.search(rf'name="cycle" value="{world.cycle.pk}"[^>]*checked', page)
    client.post(reverse("coaching:micro"), {"cycle": world.cycle.pk, "minutes": 15})
    session = CoachingSession.objects.filter(cycle=world.cycle, session_type="micro").get()
    undo = reverse("coaching:micro-undo", args=[session.pk])
    assert undo in client.get(reverse("home")).content.decode()
    assert undo in client.get(reverse("coaching:micro")).content.decode()
    assert world.client("other_coach").post(undo).status_code == 404
    response = client.post(undo, {"back": "home"})
    assert response.status_code == 302 and response.url == reverse("home")
    assert not CoachingSession.objects.filter(pk=session.pk).exists()
    assert undo not in client.get(reverse("home")).content.decode()


def test_only_a_young_micro_coaching_log_can_be_undone(world: World) -> None:
    with time_machine.travel(NOON):
        micro = services.session_log(
            coach=world.coach, cycle=world.cycle, date=TODAY, minutes=10, session_type="micro"
        )
    with pytest.raises(ValidationError, match="Only a micro-coaching log"):
        services.micro_undo(coach=world.coach, session=world.session)
    with pytest.raises(ValidationError, match="Only the coach who logged it"):
        services.micro_undo(coach=world.other_coach, session=micro)
    late = NOON + datetime.timedelta(minutes=16)
    with pytest.raises(ValidationError, match="for 15 minutes after logging it"):
        services.micro_undo(coach=world.coach, session=micro, now=late)
    assert queries.micro_undoable(world.coach, late) is None
    assert queries.micro_undoable(world.coach, NOON + datetime.timedelta(minutes=5)) == micro
    services.micro_undo(coach=world.coach, session=micro, now=NOON + datetime.timedelta(minutes=5))
    assert not CoachingSession.objects.filter(pk=micro.pk).exists()
    assert CoachingSession.objects.filter(pk=world.session.pk).exists()


@time_machine.travel(NOON)
def test_a_session_shows_the_resources_used_and_sets_the_next_meeting_on_the_caseload(world: World) -> None:
    client = world.client("coach")
    response = client.post(
        reverse("coaching:session-new", args=[world.cycle.pk]),
        {
            "date": "2026-10-19",
            "minutes": "45",
            "session_type": "co_plan",
            "resources": [world.resource.pk],
            "next_meeting_on": "2026-10-27",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    for who in ("coach", "teacher"):
        page = world.client(who).get(reverse("coaching:cycle", args=[world.cycle.pk])).content.decode()
        assert "Resources used:" in page
        assert reverse("library:resource", args=[world.resource.pk]) in page
        assert world.resource.title in page
    caseload = client.get(reverse("coaching:caseload") + "?sort=next").content.decode()
    assert "Tue Oct 27" in caseload and "Next meeting" in caseload and "Last contact" in caseload
    assert world.cycle.teacher.school.name in caseload
    bad = client.post(
        reverse("coaching:session-new", args=[world.cycle.pk]),
        {"date": "2026-10-19", "minutes": "45", "session_type": "co_plan", "next_meeting_on": "2026-10-01"},
    )
    assert "The next meeting cannot be before this session" in bad.content.decode()


def test_only_the_parties_write_and_acknowledge_an_agreement_and_a_change_asks_again(world: World) -> None:
    fields = {
        "who_is_coached": "Any teacher who asks.",
        "schedule_set_by": "together",
        "success_looks_like": "More students read on grade level.",
        "principal_will_ask": "Trends.",
        "principal_will_not_ask": "What was said in sessions.",
    }
    with pytest.raises(PermissionDenied):
        agreements.agreement_write(
            actor=world.other_principal, coach=world.coach, school=world.school, school_year=2027, **fields
        )
    with pytest.raises(ValidationError, match="does not serve"):
        agreements.agreement_write(
            actor=world.coach.user, coach=world.coach, school=world.other_school, school_year=2027, **fields
        )
    agreement = agreements.agreement_write(
        actor=world.principal, coach=world.coach, school=world.school, school_year=2027, **fields
    )
    assert agreement.pk == world.agreement.pk
    agreements.agreement_acknowledge(actor=world.coach.user, agreement=agreement)
    agreements.agreement_acknowledge(actor=world.principal, agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.acknowledged and agreement.principal_acknowledged_by == world.principal
    agreements.agreement_write(
        actor=world.coach.user, coach=world.coach, school=world.school, school_year=2027, **fields
    )
    agreement.refresh_from_db()
    assert agreement.acknowledged  # nothing changed, nothing to acknowledge again
    changed = {**fields, "principal_will_ask": "Trends, and the share of time coaching."}
    agreements.agreement_write(
        actor=world.coach.user, coach=world.coach, school=world.school, school_year=2027, **changed
    )
    agreement.refresh_from_db()
    assert agreement.coach_acknowledged_at is None and agreement.principal_acknowledged_at is None
    with pytest.raises(PermissionDenied):
        agreements.agreement_acknowledge(actor=world.teacher.user, agreement=agreement)
    teacher_page = (
        world.client("teacher").get(reverse("coaching:agreement", args=[agreement.pk])).content.decode()
    )
    assert "Trends, and the share of time coaching." in teacher_page
