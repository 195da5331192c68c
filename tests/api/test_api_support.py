"""Support that is not a one-to-one cycle, through the API (issue 20): each write has the page's
effect through the page's service; bad input is a 422 naming the field and changes nothing; an
object that is not yours is a 404; confidential notes and declines never reach anyone else, nor
any token; audit rows are written where the pages write them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coachmap.api import tokens
from coachmap.coaching.models import (
    CalendarEvent,
    CoachingCycle,
    CoachProfile,
    Consent,
    CycleStatus,
    GroupCycle,
    GroupMember,
    GroupSession,
    GroupStatus,
    Handover,
    LighterSupport,
    LookFor,
    MicroConversation,
    ObservationStatus,
    PeerObservation,
    Referral,
    ReferralStatus,
    RoutingPolicy,
    SupportKind,
    SupportStatus,
    TeacherIntake,
)
from coachmap.core.models import AuditAction, AuditEvent
from coachmap.notifications.models import Notification
from tests import issue16_world
from tests.conftest import HANDOVER_NOTE, MICRO_NOTE, World
from tests.core.test_access_matrix import CALENDAR, INTAKE_ITEMS
from tests.factories import TeacherFactory
from tests.issue16_world import DECLINED_NAME, GROUP_SECRET_NOTE

pytestmark = pytest.mark.django_db


def post(client: Client, name: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    return client.post(reverse(name, kwargs=kwargs), data or {}, content_type="application/json")


def token_client(user: Any, scopes: tuple[str, ...] = ("read", "write")) -> Client:
    secret = tokens.personal_token_create(actor=user, name="script", scopes=list(scopes))[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def today() -> datetime.date:
    return timezone.localdate()


# --- micro-coaching without a cycle -----------------------------------------------------------------


def micro(w: World, **changes: Any) -> dict[str, Any]:
    return {
        "teacher_id": w.teacher.pk,
        "date": str(today()),
        "minutes": 15,
        "focus": "Exit tickets",
        "next_step": "Try one on Friday",
        "notes": "Nervous about Friday.",
        **changes,
    }


def test_a_coach_logs_micro_coaching_as_the_page_does(world: World) -> None:
    response = post(world.client("coach"), "api:micro_create", micro(world))
    assert response.status_code == 200, response.content
    body = response.json()
    # The answer never carries the confidential texts back.
    assert "notes" not in body and "focus" not in body and body["minutes"] == 15
    logged = MicroConversation.objects.get(pk=body["id"])
    assert (logged.coach, logged.teacher, logged.notes) == (
        world.coach,
        world.teacher,
        "Nervous about Friday.",
    )
    assert logged.support == world.lt.micro_support  # it joins the teacher's micro-coaching support
    assert Notification.objects.filter(user=world.teacher.user, text__contains="micro-coaching").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"minutes": 7}, "minutes"),
        ({"date": "2099-01-05"}, "date"),
        ({"focus": "   "}, "focus"),
        ({"next_step": ""}, "next_step"),
        # A NUL character no database text can hold: a 422, never a 500 (PostgreSQL).
        ({"notes": "before\x00after"}, "notes"),
    ],
)
def test_bad_micro_coaching_is_refused_naming_the_field(world: World, changes: dict, field: str) -> None:
    before = MicroConversation.objects.count()
    response = post(world.client("coach"), "api:micro_create", micro(world, **changes))
    assert response.status_code == 422
    assert field in str(response.json()["detail"])
    assert MicroConversation.objects.count() == before


def test_a_coach_cannot_log_micro_coaching_with_a_teacher_they_do_not_serve(world: World) -> None:
    response = post(
        world.client("coach"), "api:micro_create", micro(world, teacher_id=world.other_teacher.pk)
    )
    assert response.status_code == 422 and "teacher_id" in response.json()["detail"]
    assert not MicroConversation.objects.filter(teacher=world.other_teacher).exists()


def test_micro_notes_are_for_the_teacher_and_coach_audited_and_never_a_token(world: World) -> None:
    url = reverse("api:micro_conversation", kwargs={"conversation_id": world.lt.conversation.pk})
    assert world.client("teacher").get(url).json()["notes"] == MICRO_NOTE
    assert AuditEvent.objects.filter(action=AuditAction.NOTES_READ, actor=world.teacher.user).count() == 1
    assert world.client("other_teacher").get(url).status_code == 404
    assert world.client("lead").get(url).status_code == 403
    refused = token_client(world.teacher.user).get(url)
    assert refused.status_code == 403 and MICRO_NOTE not in refused.content.decode()
    # The list is dates and minutes only, for a token too.
    listed = token_client(world.teacher.user).get(reverse("api:micro_conversations"))
    assert listed.status_code == 200 and listed.json()["count"] == 1
    assert MICRO_NOTE not in listed.content.decode() and "focus" not in listed.json()["items"][0]


def test_lighter_supports_are_listed_as_their_pages_show_them(world: World) -> None:
    teacher = world.client("teacher").get(reverse("api:lighter_supports"), {"kind": "micro_coaching"}).json()
    assert [s["id"] for s in teacher["items"]] == [world.lt.micro_support.pk]
    assert teacher["items"][0]["conversations"] == 1 and teacher["items"][0]["next"]
    assert world.client("other_coach").get(reverse("api:lighter_supports")).json()["count"] == 0
    url = reverse("api:lighter_support", kwargs={"support_id": world.lt.micro_support.pk})
    assert world.client("other_teacher").get(url).status_code == 404
    assert world.client("principal").get(url).status_code == 403


# --- peer observations ------------------------------------------------------------------------------


def test_a_declined_host_is_seen_by_nobody_else(world: World) -> None:
    observation = world.lt.observation  # the other teacher is asked to host
    answer = post(
        world.client("other_teacher"),
        "api:observation_host_answer",
        {"accept": False},
        observation_id=observation.pk,
    )
    assert answer.status_code == 200 and answer.json()["status"] == ObservationStatus.DECLINED
    assert AuditEvent.objects.filter(action=AuditAction.CONSENT, actor=world.other_teacher.user).exists()
    host_name = str(world.other_teacher)
    for role in ("teacher", "coach", "lead"):
        client = world.client(role)
        assert client.get(reverse("api:peer_observations")).json()["count"] == 0, role
        if role != "teacher":
            support = client.get(
                reverse("api:lighter_support", kwargs={"support_id": world.lt.peer_support.pk})
            )
            assert host_name not in support.content.decode(), role
    # The host still sees their own answer.
    mine = world.client("other_teacher").get(reverse("api:peer_observations"), {"hosting": "true"}).json()
    assert [o["status"] for o in mine["items"]] == [ObservationStatus.DECLINED]


def test_arranging_again_never_says_who_declined(world: World) -> None:
    observation = world.lt.observation
    post(
        world.client("other_teacher"),
        "api:observation_host_answer",
        {"accept": False},
        observation_id=observation.pk,
    )
    again = {
        "host_id": world.other_teacher.pk,
        "date": str(today() + datetime.timedelta(days=3)),
        "focus": "Exit tickets",
    }
    response = post(
        world.client("lead"), "api:observation_create", again, support_id=world.lt.peer_support.pk
    )
    assert response.status_code == 422 and "host_id" in response.json()["detail"]
    assert "said no" not in response.content.decode()
    assert PeerObservation.objects.filter(support=world.lt.peer_support).count() == 1


def test_a_scheduled_visit_is_reflected_on_and_the_support_is_done(world: World) -> None:
    support = LighterSupport.objects.create(teacher=world.teacher, kind=SupportKind.PEER)
    host = TeacherFactory(school=world.other_school)
    arranged = post(
        world.client("coach"),
        "api:observation_create",
        {"host_id": host.pk, "date": str(today()), "focus": "Cold calling"},
        support_id=support.pk,
    )
    assert arranged.status_code == 200 and arranged.json()["status"] == ObservationStatus.ASKED
    observation_id = arranged.json()["id"]
    host_client = Client()
    host_client.force_login(host.user)
    assert (
        post(
            host_client, "api:observation_host_answer", {"accept": True}, observation_id=observation_id
        ).json()["status"]
        == ObservationStatus.SCHEDULED
    )
    blank = post(
        world.client("teacher"),
        "api:observation_reflection",
        {"reflection": " "},
        observation_id=observation_id,
    )
    assert blank.status_code == 422 and "reflection" in blank.json()["detail"]
    done = post(
        world.client("teacher"),
        "api:observation_reflection",
        {"reflection": "Wait time works."},
        observation_id=observation_id,
    )
    assert done.status_code == 200 and done.json()["reflection"] == "Wait time works."
    support.refresh_from_db()
    assert support.status == SupportStatus.DONE
    # The host cannot write the observer's reflection.
    assert (
        post(
            host_client, "api:observation_reflection", {"reflection": "x"}, observation_id=observation_id
        ).status_code
        == 403
    )


# --- group cycles -----------------------------------------------------------------------------------


def test_a_group_is_formed_joined_opened_and_logged_with_consent(world: World) -> None:
    nina = world.accepted_request.goal.teacher
    formed = post(
        world.client("coach"),
        "api:group_create",
        {
            "name": "Grade 4 team",
            "kind": "plc",
            "improvement_goal_id": world.goal.pk,
            "focus": "How do our students use feedback?",
            "teacher_ids": [world.teacher.pk, nina.pk],
        },
    )
    assert formed.status_code == 201, formed.content
    group = GroupCycle.objects.get(pk=formed.json()["id"])
    assert group.status == GroupStatus.FORMING and group.members.count() == 2
    # Opening before two joined: refused, nothing changes.
    assert post(world.client("coach"), "api:group_open", group_id=group.pk).status_code == 422
    joined = post(world.client("teacher"), "api:group_answer", {"accept": True}, group_id=group.pk)
    assert joined.json() == {"group_id": group.pk, "consent": Consent.ACCEPTED}
    assert AuditEvent.objects.filter(action=AuditAction.CONSENT, actor=world.teacher.user).count() == 2
    nina_client = Client()
    nina_client.force_login(nina.user)
    post(nina_client, "api:group_answer", {"accept": True}, group_id=group.pk)
    opened = post(world.client("coach"), "api:group_open", group_id=group.pk)
    assert opened.status_code == 200 and opened.json()["status"] == GroupStatus.ACTIVE
    session = post(
        world.client("coach"),
        "api:group_session_create",
        {
            "date": str(today()),
            "minutes": 50,
            "session_type": "co_plan",
            "protocol": "lasw",
            "notes": "Group-only words",
            "work": [
                {"teacher_id": world.teacher.pk, "students_assessed": 20, "students_meeting": 12},
                {"teacher_id": nina.pk, "students_assessed": 22, "students_meeting": 9},
            ],
        },
        group_id=group.pk,
    )
    assert session.status_code == 201 and "notes" not in session.json()
    assert GroupSession.objects.get(pk=session.json()["id"]).evidence.count() == 2


def test_group_sessions_with_work_from_a_non_member_change_nothing(world: World) -> None:
    group = issue16_world.of(world).group
    before = GroupSession.objects.filter(group=group).count()
    response = post(
        world.client("coach"),
        "api:group_session_create",
        {
            "date": str(today()),
            "minutes": 45,
            "session_type": "co_plan",
            "work": [{"teacher_id": world.other_teacher.pk, "students_assessed": 5, "students_meeting": 3}],
        },
        group_id=group.pk,
    )
    assert response.status_code == 422 and "work" in response.json()["detail"]
    bad_minutes = post(
        world.client("coach"),
        "api:group_session_create",
        {"date": str(today()), "minutes": 0, "session_type": "co_plan"},
        group_id=group.pk,
    )
    assert bad_minutes.status_code == 422 and "minutes" in str(bad_minutes.json()["detail"])
    assert GroupSession.objects.filter(group=group).count() == before


def test_only_the_coach_learns_who_declined_a_group(world: World) -> None:
    group = issue16_world.of(world).group
    url = reverse("api:group_detail", kwargs={"group_id": group.pk})
    assert DECLINED_NAME in world.client("coach").get(url).content.decode()
    member_view = world.client("teacher").get(url)
    assert member_view.status_code == 200 and DECLINED_NAME not in member_view.content.decode()
    assert GROUP_SECRET_NOTE not in member_view.content.decode()
    assert world.client("other_teacher").get(url).status_code == 404
    lead_list = world.client("lead").get(reverse("api:groups")).content.decode()
    assert DECLINED_NAME not in lead_list and GROUP_SECRET_NOTE not in lead_list


def test_group_notes_are_audited_and_never_a_token(world: World) -> None:
    group = issue16_world.of(world).group
    url = reverse("api:group_sessions", kwargs={"group_id": group.pk})
    assert [s["notes"] for s in world.client("teacher").get(url).json()] == [GROUP_SECRET_NOTE]
    assert AuditEvent.objects.filter(action=AuditAction.NOTES_READ, actor=world.teacher.user).exists()
    refused = token_client(world.coach.user).get(url)
    assert refused.status_code == 403 and GROUP_SECRET_NOTE not in refused.content.decode()


def test_a_group_is_planned_paused_and_resumed(world: World) -> None:
    group = issue16_world.of(world).group
    coach = world.client("coach")
    too_many = post(
        coach, "api:group_plan", {"look_fors": [f"look {i}" for i in range(13)]}, group_id=group.pk
    )
    assert too_many.status_code == 422 and "look_fors" in too_many.json()["detail"]
    planned = post(
        coach,
        "api:group_plan",
        {"learning_target": "Main idea", "look_fors": ["A", "A", "B"]},
        group_id=group.pk,
    )
    assert planned.json()["look_fors"] == ["A", "B"]
    assert post(coach, "api:group_close", {"outcome": "handed_over"}, group_id=group.pk).status_code == 422
    paused = post(coach, "api:group_close", {"outcome": "paused"}, group_id=group.pk)
    assert paused.json()["status"] == GroupStatus.CLOSED
    assert post(coach, "api:group_resume", group_id=group.pk).json()["status"] == GroupStatus.ACTIVE
    # Another school's coach: the group does not exist for them.
    assert (
        post(
            world.client("other_coach"), "api:group_close", {"outcome": "paused"}, group_id=group.pk
        ).status_code
        == 404
    )


def test_the_coach_invites_one_more_teacher_of_the_school_only(world: World) -> None:
    group = issue16_world.of(world).group
    outside = post(
        world.client("coach"), "api:group_invite", {"teacher_id": world.other_teacher.pk}, group_id=group.pk
    )
    assert outside.status_code == 422 and "teacher_id" in outside.json()["detail"]
    nina = world.accepted_request.goal.teacher
    assert (
        post(
            world.client("coach"), "api:group_invite", {"teacher_id": nina.pk}, group_id=group.pk
        ).status_code
        == 200
    )
    assert GroupMember.objects.get(group=group, teacher=nina).consent == Consent.INVITED


# --- handovers and referrals ------------------------------------------------------------------------


def test_a_handover_to_a_coach_proposes_them_and_its_note_is_theirs_alone(world: World) -> None:
    receiving = world.other_coach
    receiving.schools.add(world.school)
    response = post(
        world.client("coach"),
        "api:handover_create",
        {"to_coach_id": receiving.pk, "reason": "Cole knows this grade.", "note": "Start gently."},
        cycle_id=world.cycle.pk,
    )
    assert response.status_code == 201, response.content
    handover = Handover.objects.get(pk=response.json()["id"])
    assert handover.to_coach == receiving and handover.new_request.coach == receiving
    assert CoachingCycle.objects.get(pk=world.cycle.pk).status == CycleStatus.CLOSED
    url = reverse("api:handover_detail", kwargs={"handover_id": handover.pk})
    assert world.client("other_coach").get(url).json()["note"] == "Start gently."
    assert AuditEvent.objects.filter(action=AuditAction.NOTES_READ, actor=receiving.user).count() == 1
    assert world.client("coach").get(url).json()["note"] is None
    assert world.client("lead").get(url).json()["note"] is None
    assert token_client(receiving.user).get(url).json()["note"] is None


def test_the_world_handover_note_reaches_the_receiving_coach_only(world: World) -> None:
    url = reverse("api:handover_detail", kwargs={"handover_id": world.handover.pk})
    assert world.client("coach").get(url).json()["note"] == HANDOVER_NOTE
    for role in ("other_coach", "lead"):
        assert HANDOVER_NOTE not in world.client(role).get(url).content.decode()
    listed = world.client("coach").get(reverse("api:handovers"))
    assert listed.json()["count"] == 1 and HANDOVER_NOTE not in listed.content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reason": "x"}, "__all__"),  # neither a coach nor a support type
        ({"support_type": "astrology", "reason": "x"}, "support_type"),
        ({"support_type": "instructional", "reason": " "}, "reason"),
        ({"to_coach_id": 999999, "reason": "x"}, "to_coach_id"),
    ],
)
def test_a_bad_handover_changes_nothing(world: World, data: dict, field: str) -> None:
    response = post(world.client("coach"), "api:handover_create", data, cycle_id=world.cycle.pk)
    assert response.status_code == 422 and field in response.json()["detail"]
    assert CoachingCycle.objects.get(pk=world.cycle.pk).status == CycleStatus.ACTIVE
    assert not Handover.objects.filter(from_cycle=world.cycle).exists()


def test_another_coachs_cycle_is_not_found(world: World) -> None:
    for name in ("api:handover_create", "api:referral_create"):
        response = post(
            world.client("other_coach"), name, {"offer": "workshop", "reason": "x"}, cycle_id=world.cycle.pk
        )
        assert response.status_code == 404, name


def test_a_referral_is_written_and_answered_as_on_the_pages(world: World) -> None:
    made = post(
        world.client("coach"),
        "api:referral_create",
        {"offer": "peer_observation", "reason": "Seeing a colleague helps now."},
        cycle_id=world.cycle.pk,
    )
    assert made.status_code == 201 and made.json()["status"] == ReferralStatus.WAITING
    referral = Referral.objects.get(pk=made.json()["id"])
    assert CoachingCycle.objects.get(pk=world.cycle.pk).status == CycleStatus.CLOSED
    assert (
        post(
            world.client("other_teacher"), "api:referral_answer", {"accept": True}, referral_id=referral.pk
        ).status_code
        == 404
    )
    answered = post(world.client("teacher"), "api:referral_answer", {"accept": True}, referral_id=referral.pk)
    assert answered.status_code == 200 and answered.json()["status"] == ReferralStatus.ACCEPTED
    assert LighterSupport.objects.filter(teacher=world.teacher, kind=SupportKind.PEER).count() == 2
    again = post(world.client("teacher"), "api:referral_answer", {"accept": False}, referral_id=referral.pk)
    assert again.status_code == 422


# --- intake, profiles, look-fors, routing, proposals, calendar --------------------------------------


def intake(**changes: Any) -> dict[str, Any]:
    return {
        "years_experience": 12,
        "answers": dict.fromkeys(INTAKE_ITEMS, 5),
        "tech_comfort": 4,
        "needs_tools": ["Seesaw"],
        "needs_content": ["math"],
        "availability": ["after_school"],
        **changes,
    }


def test_a_teacher_writes_the_intake_and_the_placement_follows(world: World) -> None:
    response = post(world.client("teacher"), "api:intake_submit", intake())
    assert response.status_code == 200, response.content
    saved = TeacherIntake.objects.get(teacher=world.teacher)
    assert saved.years_experience == 12 and saved.quadrant == "experienced_confident"
    assert response.json()["answers"] == dict.fromkeys(INTAKE_ITEMS, 5)
    # With a token the answers are never returned, even to the teacher.
    assert post(token_client(world.teacher.user), "api:intake_submit", intake()).json()["answers"] is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"answers": {"plan_for_goal": 3}}, "answers"),
        ({"answers": dict.fromkeys(INTAKE_ITEMS, 6)}, "answers"),
        ({"availability": ["midnight"]}, "availability"),
        ({"years_experience": 61}, "years_experience"),
        ({"preferred_coach_id": 999999}, "preferred_coach_id"),
    ],
)
def test_a_bad_intake_changes_nothing(world: World, changes: dict, field: str) -> None:
    before = TeacherIntake.objects.get(teacher=world.teacher).years_experience
    response = post(world.client("teacher"), "api:intake_submit", intake(**changes))
    assert response.status_code == 422 and field in str(response.json()["detail"])
    assert TeacherIntake.objects.get(teacher=world.teacher).years_experience == before


def test_a_coach_records_an_observation_that_moves_the_placement(world: World) -> None:
    url_kwargs = {"teacher_id": world.teacher.pk}
    missing_reason = post(
        world.client("coach"), "api:intake_observation_add", {"experience_shift": 2}, **url_kwargs
    )
    assert missing_reason.status_code == 422 and "reason" in missing_reason.json()["detail"]
    moved = post(
        world.client("coach"),
        "api:intake_observation_add",
        {"experience_shift": 2, "reason": "Taught abroad for years."},
        **url_kwargs,
    )
    assert moved.status_code == 201 and moved.json()["experience_shift"] == 2
    assert (
        post(world.client("other_coach"), "api:intake_observation_add", {}, **url_kwargs).status_code == 404
    )


def test_a_coach_profile_is_written_and_bad_choices_change_nothing(world: World) -> None:
    client = world.client("coach")
    bad = post(client, "api:coach_profile_update", {"grade_bands": ["college"]})
    assert bad.status_code == 422 and "grade_bands" in bad.json()["detail"]
    assert CoachProfile.objects.get(coach=world.coach).tools == ["Lexia"]
    saved = post(
        client, "api:coach_profile_update", {"tools": ["Seesaw", "seesaw"], "grade_bands": ["middle"]}
    )
    assert saved.status_code == 200 and saved.json()["tools"] == ["Seesaw"]
    assert client.get(reverse("api:coach_profile")).json()["grade_bands"] == ["middle"]


def test_look_fors_are_added_and_taken_off_the_districts_checklist(world: World) -> None:
    client = world.client("lead")
    added = post(client, "api:look_for_add", {"quadrant": "new_developing", "text": "Asks for help early"})
    assert added.status_code == 201
    assert post(client, "api:look_for_add", {"quadrant": "new_developing", "text": "  "}).json()[
        "detail"
    ] == {"text": ["Write the look-for, e.g. “brings new ideas to the classroom”."]}
    off = post(client, "api:look_for_active", {"active": False}, look_for_id=added.json()["id"])
    assert off.json()["active"] is False
    listed = client.get(reverse("api:look_fors"), {"active": "false"}).json()
    assert [lf["text"] for lf in listed] == ["Asks for help early"]
    elsewhere = LookFor.objects.create(
        district=world.other_cycle.coach.district, quadrant="new_confident", text="x"
    )
    if elsewhere.district_id != world.district.pk:
        assert (
            post(client, "api:look_for_active", {"active": False}, look_for_id=elsewhere.pk).status_code
            == 404
        )


def test_the_routing_policy_is_changed_audited_and_bad_routes_change_nothing(world: World) -> None:
    client = world.client("lead")
    policy = client.get(reverse("api:routing_policy")).json()[0]
    sent = {
        k: policy[k]
        for k in ("experience_threshold", "adoption_discount", "confidence_threshold", "weights", "routes")
    }
    sent["experience_threshold"] = 4
    saved = post(client, "api:routing_policy_update", sent)
    assert saved.status_code == 200 and saved.json()["experience_threshold"] == 4
    assert AuditEvent.objects.filter(action=AuditAction.SETTINGS_CHANGE, actor=world.lead).exists()
    bad = {
        **sent,
        "experience_threshold": 7,
        "routes": {**sent["routes"], "new_confident": {"types": ["astrology"]}},
    }
    refused = post(client, "api:routing_policy_update", bad)
    assert refused.status_code == 422 and "routes" in refused.json()["detail"]
    assert RoutingPolicy.objects.get(district=world.district).experience_threshold == 4
    assert post(world.client("principal"), "api:routing_policy_update", sent).status_code == 403


def test_the_lead_changes_a_draft_proposal_to_a_lighter_offer(world: World) -> None:
    client = world.client("lead")
    no_reason = post(
        client, "api:proposal_edit", {"offer": "workshop", "reason": " "}, proposal_id=world.draft_proposal.pk
    )
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["detail"]
    changed = post(
        client,
        "api:proposal_edit",
        {"offer": "workshop", "reason": "A workshop opens."},
        proposal_id=world.draft_proposal.pk,
    )
    assert changed.status_code == 200 and changed.json()["offer"] == "workshop"


def test_a_calendar_is_imported_as_on_the_page_and_a_bad_file_changes_nothing(world: World) -> None:
    client = world.client("coach")
    url = reverse("api:calendar_import")
    bad = client.post(url, {"calendar": SimpleUploadedFile("cal.ics", b"not a calendar", "text/calendar")})
    assert bad.status_code == 422 and "calendar" in bad.json()["detail"]
    assert not CalendarEvent.objects.filter(coach=world.coach).exists()
    done = client.post(url, {"calendar": SimpleUploadedFile("cal.ics", CALENDAR, "text/calendar")})
    assert done.status_code == 200 and done.json()["events"] == 1
    assert CalendarEvent.objects.filter(coach=world.coach).count() == 1


def test_the_schema_documents_every_error_of_these_routes(world: World) -> None:
    schema = world.client("teacher").get(reverse("api:openapi-json")).json()
    for path in (
        "/api/v1/micro-conversations",
        "/api/v1/groups/{group_id}/answer",
        "/api/v1/cycles/{cycle_id}/handover",
        "/api/v1/routing-policy",
        "/api/v1/time/calendar",
    ):
        post_op = schema["paths"][path]["post"]
        assert {"401", "403", "404", "422"} <= set(map(str, post_op["responses"])), path
