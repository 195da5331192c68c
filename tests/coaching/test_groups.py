"""Group cycles (issue 16, part 2): a team or PLC coached together, each teacher by their own
consent; a declined member never appears; notes for the members and the coach only; the same
stages and honest ends as a one-teacher cycle."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from coachmap.coaching import access as coaching_access
from coachmap.coaching.groups import queries, services
from coachmap.coaching.groups.services import WorkSample
from coachmap.coaching.models import Consent, GroupCycle, GroupMember, GroupStatus
from coachmap.core.models import AuditAction, AuditEvent, Teacher
from coachmap.notifications.models import Notification
from tests.conftest import World
from tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 9, 14)
NOTE = "Group-confidential: the team worries the reading block is too short"


def _team(world: World, n: int = 3) -> tuple[GroupCycle, list[Teacher]]:
    teachers = [TeacherFactory(school=world.school) for _ in range(n)]
    group = services.group_form(
        coach=world.coach,
        school_id=world.school.pk,
        improvement_goal=world.goal,
        name="Grade 3 team",
        kind="team",
        focus="How do our students explain the main idea in writing?",
        teachers=teachers,
        today=DAY,
    )
    return group, teachers


def _started(world: World) -> tuple[GroupCycle, list[Teacher]]:
    group, teachers = _team(world)
    for t in teachers[:2]:
        services.group_answer(teacher=t, group=group, accept=True)
    services.group_answer(teacher=teachers[2], group=group, accept=False)
    return services.group_open(coach=world.coach, group=group, today=DAY), teachers


def test_every_member_is_asked_and_nobody_is_in_before_they_accept(world: World) -> None:
    group, teachers = _team(world)
    assert group.status == GroupStatus.FORMING
    assert set(group.members.values_list("consent", flat=True)) == {Consent.INVITED}
    for t in teachers:
        assert Notification.objects.filter(user=t.user, text__contains="invites you").count() == 1
        assert not coaching_access.may_read_group_notes(t.user, group)
    # Consent is each teacher's own: nobody answers for another, and the coach cannot start alone.
    with pytest.raises(PermissionDenied):
        services.group_answer(teacher=world.other_teacher, group=group, accept=True)
    with pytest.raises(ValidationError, match="at least 2 teachers have accepted"):
        services.group_open(coach=world.coach, group=group)
    services.group_answer(teacher=teachers[0], group=group, accept=True)
    with pytest.raises(ValidationError, match="1 has so far"):
        services.group_open(coach=world.coach, group=group)
    assert AuditEvent.objects.filter(action=AuditAction.CONSENT, actor=teachers[0].user).count() == 1


def test_a_group_opens_with_two_who_accepted_and_each_consenting_member_is_told(world: World) -> None:
    group, teachers = _started(world)
    assert group.status == GroupStatus.ACTIVE and group.opened_on == DAY
    for t in teachers[:2]:
        assert Notification.objects.filter(user=t.user, text__contains="has started").count() == 1
    # The teacher who declined is told nothing more.
    assert not Notification.objects.filter(user=teachers[2].user, text__contains="has started").exists()


def test_a_declined_member_never_appears_beyond_the_coach(world: World) -> None:
    group, teachers = _started(world)
    declined = teachers[2]
    member_view = queries.teacher_memberships(teachers[0])
    assert [m.group for m in member_view] == [group]
    for user in (teachers[0].user, teachers[1].user, world.lead):
        shown = coaching_access.group_members_shown(user, group)
        assert declined.pk not in {m.teacher_id for m in shown}
        assert shown.count() == 2
    for line in queries.lead_groups(world.lead):
        assert line.accepted == 2  # the count says nothing of anyone who declined
    # The one who declined no longer sees the group at all.
    assert not coaching_access.group_cycles_visible_to(declined.user).exists()
    assert not queries.teacher_memberships(declined).exists()
    assert not coaching_access.may_read_group_notes(declined.user, group)
    # The coach, who asked, sees every answer.
    coach_view = coaching_access.group_members_shown(world.coach.user, group)
    assert {m.teacher_id: m.consent for m in coach_view}[declined.pk] == Consent.DECLINED
    # On every page another member opens, the declined teacher's name is nowhere.
    page = world.client("coach")
    page.force_login(teachers[0].user)
    body = page.get(reverse("coaching:group", args=[group.pk])).content.decode()
    assert declined.user.get_full_name() not in body and "declined" not in body.lower()
    assert teachers[1].user.get_full_name() in body
    page.force_login(declined.user)
    assert page.get(reverse("coaching:group", args=[group.pk])).status_code == 404
    assert page.get(reverse("coaching:groups")).content.decode().count(group.name) == 0


def test_a_member_may_step_back_and_then_vanishes_from_the_group(world: World) -> None:
    group, teachers = _started(world)
    services.group_answer(teacher=teachers[1], group=group, accept=False)
    assert not coaching_access.may_read_group_notes(teachers[1].user, group)
    shown = coaching_access.group_members_shown(teachers[0].user, group)
    assert [m.teacher_id for m in shown] == [teachers[0].pk]


def test_notes_are_for_the_members_and_the_coach_and_every_read_is_audited(world: World) -> None:
    group, teachers = _started(world)
    services.group_session_log(
        coach=world.coach,
        group=group,
        date=DAY,
        minutes=50,
        session_type="co_plan",
        protocol="lasw",
        notes=NOTE,
        work=[
            WorkSample(teachers[0], "pre", "exit ticket", 24, 9),
            WorkSample(teachers[1], "pre", "exit ticket", 22, 11),
        ],
    )
    for user in (teachers[0].user, teachers[1].user, world.coach.user):
        (entry,) = queries.group_notes(user, group)
        assert entry.notes == NOTE and len(entry.work) == 2
    for user in (teachers[2].user, world.lead, world.principal, world.admin, world.other_coach.user):
        with pytest.raises(PermissionDenied):
            queries.group_notes(user, group)
    assert AuditEvent.objects.filter(action=AuditAction.NOTES_READ, object_id=str(group.pk)).count() == 3


def test_a_protocol_session_needs_work_from_several_classrooms_of_members(world: World) -> None:
    group, teachers = _started(world)
    with pytest.raises(ValidationError) as one_room:
        services.group_session_log(
            coach=world.coach,
            group=group,
            date=DAY,
            minutes=45,
            session_type="co_plan",
            protocol="tuning",
            work=[WorkSample(teachers[0], "pre", "essay", 20, 5)],
        )
    assert "two classrooms" in str(one_room.value.message_dict["work"])
    with pytest.raises(ValidationError) as declined:
        services.group_session_log(
            coach=world.coach,
            group=group,
            date=DAY,
            minutes=45,
            session_type="co_plan",
            protocol="tuning",
            work=[
                WorkSample(teachers[0], "pre", "essay", 20, 5),
                WorkSample(teachers[2], "pre", "essay", 20, 5),
            ],
        )
    assert "members who joined" in str(declined.value.message_dict["work"])
    assert not group.sessions.exists()  # a failed log writes nothing
    with pytest.raises(PermissionDenied):
        services.group_session_log(
            coach=world.other_coach, group=group, date=DAY, minutes=30, session_type="co_plan"
        )


def test_a_group_moves_through_the_same_stages_and_ends_honestly(world: World) -> None:
    group, teachers = _started(world)
    with pytest.raises(ValidationError, match="learning target"):
        services.group_stage_set(coach=world.coach, group=group, stage="learning")
    services.group_plan_set(
        coach=world.coach, group=group, learning_target="Explain the main idea.", look_fors=["Turn and talk"]
    )
    work = [WorkSample(t, "pre", "exit ticket", 20, 8) for t in teachers[:2]]
    services.group_session_log(
        coach=world.coach,
        group=group,
        date=DAY,
        minutes=50,
        session_type="co_plan",
        protocol="lasw",
        work=work,
    )
    for stage in ("learning", "implementation"):
        services.group_stage_set(coach=world.coach, group=group, stage=stage)
    with pytest.raises(ValidationError, match="after-evidence"):
        services.group_close(coach=world.coach, group=group, outcome="goal_met")
    with pytest.raises(ValidationError):
        services.group_close(coach=world.coach, group=group, outcome="handed_over")
    paused = services.group_close(coach=world.coach, group=group, outcome="paused")
    assert paused.status == GroupStatus.CLOSED and paused.stage == "implementation"
    resumed = services.group_resume(coach=world.coach, group=group)
    assert resumed.status == GroupStatus.ACTIVE
    done = services.group_close(
        coach=world.coach, group=group, outcome="referred", referred_to="Literacy coach"
    )
    assert done.stage == "close" and done.referred_to == "Literacy coach"
    for t in teachers[:2]:
        assert Notification.objects.filter(user=t.user, text__contains="has ended").count() == 2
    assert not Notification.objects.filter(user=teachers[2].user, text__contains="has ended").exists()


def test_only_a_coach_of_the_school_forms_a_group_of_its_teachers(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.group_form(
            coach=world.other_coach,
            school_id=world.school.pk,
            improvement_goal=world.goal,
            name="x",
            kind="team",
            focus="y",
            teachers=[TeacherFactory(school=world.school), TeacherFactory(school=world.school)],
        )
    with pytest.raises(ValidationError) as bad:
        services.group_form(
            coach=world.coach,
            school_id=world.school.pk,
            improvement_goal=world.goal,
            name="Mixed",
            kind="plc",
            focus="y",
            teachers=[TeacherFactory(school=world.school), world.other_teacher],
        )
    assert "teachers" in bad.value.message_dict
    assert not GroupCycle.objects.exists() and not GroupMember.objects.exists()
