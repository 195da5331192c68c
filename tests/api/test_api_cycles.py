"""Goals, requests and the cycle's life through the API do what the pages do (issue 20): the same
services (the same rows, notifications, consent and webhooks), the same guards and scopes (another
teacher's or coach's cycle is a 404), bad input a 422 naming the field with nothing changed, and
notes and check-ins never in an answer to anyone but the teacher and the coach, nor to a token."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from coachmap.api import tokens
from coachmap.coaching.models import (
    CoachingCycle,
    CoachingRequest,
    CoachingSession,
    FidelityCheckIn,
    RequestStatus,
    StudentEvidence,
    TeacherGoal,
)
from coachmap.core.models import AuditAction, AuditEvent, Coach
from coachmap.library.models import ResourceUse
from coachmap.notifications.models import Notification, WebhookDelivery, WebhookEndpoint
from tests.conftest import SECRET_BARRIER, SECRET_NOTE, World
from tests.factories import CoachFactory, CycleFactory

pytestmark = pytest.mark.django_db
NOON = datetime.datetime(2026, 10, 20, 12, tzinfo=ZoneInfo("America/New_York"))
TODAY = datetime.date(2026, 10, 20)


def post(client: Client, name: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    return client.post(reverse(f"api:{name}", kwargs=kwargs), data or {}, content_type="application/json")


def twin_cycles(world: World) -> tuple[CoachingCycle, CoachingCycle]:
    """Two cycles alike, of the world's coach and teacher: one for the page, one for the API."""
    return tuple(  # type: ignore[return-value]
        CycleFactory(
            coach=world.coach,
            request__goal__teacher=world.teacher,
            request__goal__improvement_goal=world.goal,
            opened_on=datetime.date(2026, 9, 1),
        )
        for _ in range(2)
    )


def state(cycle: CoachingCycle) -> dict[str, Any]:
    """What a cycle's writes change, without ids: its own fields, evidence, sessions, check-ins."""
    cycle.refresh_from_db()
    fields = model_to_dict(cycle, exclude=["id", "teacher", "coach", "goal", "request"])
    drop = {"id", "cycle", "created_at"}

    def rows(queryset: Any) -> list[dict[str, Any]]:
        return [{k: v for k, v in model_to_dict(r).items() if k not in drop} for r in queryset.order_by("id")]

    return {
        "cycle": fields,
        "evidence": rows(StudentEvidence.objects.filter(cycle=cycle)),
        "sessions": rows(CoachingSession.objects.filter(cycle=cycle)),
        "checkins": rows(FidelityCheckIn.objects.filter(cycle=cycle)),
        "resources": list(ResourceUse.objects.filter(cycle=cycle).values_list("resource_id", "kind", "on")),
    }


# --- the same effect as the page ----------------------------------------------------------------------


@time_machine.travel(NOON)
def test_plan_evidence_stage_session_and_checkin_leave_what_the_pages_leave(world: World) -> None:
    by_page, by_api = twin_cycles(world)
    page, api = world.client("coach"), world.client("coach")
    target = "Students explain the main idea with two details."
    look_fors = ["Each group knows its next task", "Students log in within two minutes"]

    page.post(
        reverse("coaching:cycle-plan", args=[by_page.pk]),
        {
            "learning_target": target,
            "practice": "rotations",
            "tools": "Lexia, Seesaw",
            "look_fors": "\n".join(look_fors),
        },
    )
    plan = post(
        api,
        "cycle_plan",
        {
            "learning_target": target,
            "practice": "rotations",
            "tools": ["Lexia", "Seesaw"],
            "look_fors": look_fors,
        },
        cycle_id=by_api.pk,
    )
    assert plan.status_code == 200 and plan.json()["look_fors"] == look_fors

    evidence = {"kind": "pre", "measure": "exit ticket", "measured_on": "2026-09-03"}
    counts = {"students_assessed": 24, "students_meeting": 9}
    page.post(reverse("coaching:evidence-new", args=[by_page.pk]), {**evidence, **counts})
    answer = post(api, "evidence_create", {**evidence, **counts}, cycle_id=by_api.pk)
    assert answer.status_code == 200 and answer.json()["students_meeting"] == 9

    page.post(reverse("coaching:cycle-stage", args=[by_page.pk]), {"stage": "learning"})
    assert post(api, "cycle_stage", {"stage": "learning"}, cycle_id=by_api.pk).json()["stage"] == "learning"

    session = {"date": "2026-10-01", "minutes": "45", "session_type": "co_plan", "notes": SECRET_NOTE}
    session |= {"next_steps": "Try the chart.", "next_meeting_on": "2026-10-27"}
    page.post(
        reverse("coaching:session-new", args=[by_page.pk]),
        {**session, "look_fors_seen": [look_fors[0]], "resources": [world.resource.pk]},
    )
    logged = post(
        api,
        "session_create",
        {**session, "minutes": 45, "look_fors_seen": [look_fors[0]], "resource_ids": [world.resource.pk]},
        cycle_id=by_api.pk,
    )
    assert logged.status_code == 200 and logged.json()["resource_ids"] == [world.resource.pk]
    assert SECRET_NOTE not in logged.content.decode(), "the answer repeats the notes"

    checkin = {
        "date": "2026-10-02",
        "seen": [look_fors[1]],
        "barriers": SECRET_BARRIER,
        "adaptations": "A menu.",
    }
    page.post(reverse("coaching:checkin-new", args=[by_page.pk]), checkin)
    assert post(api, "checkin_create", checkin, cycle_id=by_api.pk).status_code == 200

    assert state(by_api) == state(by_page)
    assert state(by_api)["sessions"][0]["notes"] == SECRET_NOTE


@time_machine.travel(NOON)
def test_an_honest_close_a_pause_and_resuming_match_the_pages_webhook_included(world: World) -> None:
    WebhookEndpoint.objects.create(
        district=world.district,
        url="https://warehouse.example.org/hooks",
        events=["cycle.completed"],
        secret_sealed=b"x",
    )
    by_page, by_api = twin_cycles(world)
    coach = world.client("coach")
    coach.post(reverse("coaching:cycle-close", args=[by_page.pk]), {"outcome": "paused"})
    paused = post(coach, "cycle_close", {"outcome": "paused"}, cycle_id=by_api.pk).json()
    assert (paused["status"], paused["outcome"], paused["stage"]) == ("closed", "paused", "goal")
    assert state(by_api) == state(by_page) and WebhookDelivery.objects.count() == 0

    coach.post(reverse("coaching:cycle-resume", args=[by_page.pk]))
    assert post(coach, "cycle_resume", cycle_id=by_api.pk).json()["status"] == "active"
    assert state(by_api) == state(by_page)

    ended = {"outcome": "referred", "referred_to": "the new-teacher mentor"}
    coach.post(reverse("coaching:cycle-close", args=[by_page.pk]), ended)
    closed = post(coach, "cycle_close", ended, cycle_id=by_api.pk).json()
    assert (closed["outcome"], closed["referred_to"], closed["stage"]) == (
        "referred",
        "the new-teacher mentor",
        "close",
    )
    assert state(by_api) == state(by_page)
    # Other systems hear of both completed cycles, by ids and counts only.
    sent = sorted(d.payload["data"]["cycle_id"] for d in WebhookDelivery.objects.all())
    assert sent == sorted([by_page.pk, by_api.pk])


@time_machine.travel(NOON)
def test_a_teacher_asks_the_lead_proposes_the_teacher_consents_and_the_coach_opens(world: World) -> None:
    teacher, lead, coach = world.client("teacher"), world.client("lead"), world.client("coach")
    goal = post(
        teacher,
        "teacher_goal_create",
        {"statement": " Use Lexia in small groups. ", "improvement_goal_id": world.goal.pk},
    )
    assert goal.status_code == 200
    made = TeacherGoal.objects.get(pk=goal.json()["id"])
    assert (made.statement, made.improvement_goal_id, made.teacher_id) == (
        "Use Lexia in small groups.",
        world.goal.pk,
        world.teacher.pk,
    )
    asked = post(
        teacher,
        "request_submit",
        {"needs": [" Lexia ", "", "exit tickets"], "note": "Mornings."},
        goal_id=made.pk,
    )
    assert asked.status_code == 200
    request = CoachingRequest.objects.get(pk=asked.json()["id"])
    assert (request.needs, request.note, request.status) == (["Lexia", "exit tickets"], "Mornings.", "open")
    assert asked.json()["status_label"] == "Waiting until your current cycle ends"  # the world's cycle
    assert "Mornings." not in asked.content.decode()

    # The lead sees it waiting and the coaches who serve the school, least loaded first.
    waiting = lead.get(reverse("api:requests_waiting")).json()["items"]
    assert request.pk in [r["id"] for r in waiting]
    options = lead.get(reverse("api:request_coaches", kwargs={"request_id": request.pk})).json()
    assert [o["coach_id"] for o in options] == [world.coach.pk]
    proposed = post(lead, "request_propose", {"coach_id": world.coach.pk}, request_id=request.pk)
    assert proposed.status_code == 200 and "Mornings." not in proposed.content.decode()
    request.refresh_from_db()
    assert (request.status, request.coach_id, request.proposed_by_id) == (
        "proposed",
        world.coach.pk,
        world.lead.pk,
    )

    # The coach cannot open it before the teacher's yes.
    assert post(coach, "cycle_open", request_id=request.pk).status_code == 422
    answered = post(teacher, "request_respond", {"accept": True}, request_id=request.pk)
    assert answered.json()["status"] == "accepted"
    consent = AuditEvent.objects.filter(action=AuditAction.CONSENT, object_id=str(request.pk)).get()
    assert consent.actor == world.teacher.user
    told = Notification.objects.filter(user=world.coach.user).latest("id")
    assert told.text == f"{world.teacher} accepted you as their coach. Open the cycle from your caseload."

    caseload = coach.get(reverse("api:caseload")).json()
    assert request.pk in [r["id"] for r in caseload["accepted"]]
    opened = post(coach, "cycle_open", request_id=request.pk)
    assert opened.status_code == 200
    cycle = CoachingCycle.objects.get(pk=opened.json()["id"])
    assert (cycle.request_id, cycle.opened_on, cycle.status) == (request.pk, TODAY, "active")
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_CYCLE


def test_a_declined_coach_goes_back_to_the_lead_as_on_the_page(world: World) -> None:
    teacher = world.client("teacher")
    answered = post(teacher, "request_respond", {"accept": False}, request_id=world.proposed_request.pk)
    assert answered.status_code == 200 and answered.json()["status"] == "declined"
    assert Notification.objects.filter(user=world.lead, text__contains="declined").exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.CONSENT, object_id=str(world.proposed_request.pk)
    ).exists()
    # Answering again: there is no proposal waiting.
    again = post(teacher, "request_respond", {"accept": True}, request_id=world.proposed_request.pk)
    assert again.status_code == 422 and "no proposal waiting" in str(again.json()["detail"])


@time_machine.travel(NOON)
def test_micro_coaching_is_logged_today_and_taken_back(world: World) -> None:
    coach = world.client("coach")
    logged = post(
        coach,
        "micro_log",
        {"minutes": 5, "note": SECRET_NOTE, "next_step": "Chart."},
        cycle_id=world.cycle.pk,
    )
    assert logged.status_code == 200 and SECRET_NOTE not in logged.content.decode()
    session = CoachingSession.objects.get(pk=logged.json()["id"])
    assert (session.session_type, session.date, session.minutes, session.notes) == (
        "micro",
        TODAY,
        5,
        SECRET_NOTE,
    )
    assert post(coach, "micro_undo", session_id=session.pk).status_code == 204
    assert not CoachingSession.objects.filter(pk=session.pk).exists()
    # A full session is corrected on its cycle page, never undone.
    full = post(coach, "micro_undo", session_id=world.session.pk)
    assert full.status_code == 422 and CoachingSession.objects.filter(pk=world.session.pk).exists()
    assert post(coach, "micro_log", {"minutes": 7}, cycle_id=world.cycle.pk).status_code == 422


def test_the_teachers_goals_list_their_requests_in_their_words(world: World) -> None:
    answer = world.client("teacher").get(reverse("api:teacher_goals")).json()
    assert answer["count"] == TeacherGoal.objects.filter(teacher=world.teacher).count()
    by_request = {r["id"]: r for g in answer["items"] for r in g["requests"]}
    assert by_request[world.proposed_request.pk]["status_label"] == "Coach proposed"
    assert "nothing starts without your yes" in by_request[world.proposed_request.pk]["next"]
    only = world.client("teacher").get(
        reverse("api:teacher_goals"), {"improvement_goal_id": world.goal.pk + 999}
    )
    assert only.json()["count"] == 0
    theirs = world.client("other_teacher").get(reverse("api:teacher_goals")).json()["items"]
    assert {g["id"] for g in theirs} == set(
        TeacherGoal.objects.filter(teacher=world.other_teacher).values_list("id", flat=True)
    )


def test_the_cycle_answers_no_notes_and_check_ins_only_to_the_two(world: World) -> None:
    url = reverse("api:cycle_detail", kwargs={"cycle_id": world.cycle.pk})
    detail = world.client("teacher").get(url)
    assert detail.status_code == 200 and detail.json()["evidence"][0]["students_meeting"] == 9
    assert [s["id"] for s in detail.json()["sessions"]] == [world.session.pk]
    for secret in (SECRET_NOTE, SECRET_BARRIER, world.session.next_steps or "\0"):
        assert secret not in detail.content.decode()
    checkins = reverse("api:cycle_checkins", kwargs={"cycle_id": world.cycle.pk})
    assert world.client("teacher").get(checkins).json()[0]["barriers"] == SECRET_BARRIER
    assert world.client("lead").get(checkins).status_code == 403
    assert world.client("other_coach").get(checkins).status_code == 404
    for who in ("teacher", "coach"):
        secret = tokens.personal_token_create(actor=world.users[who], name="t", scopes=["read", "write"])[1]
        refused = Client().get(checkins, HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert refused.status_code == 403 and SECRET_BARRIER not in refused.content.decode()


# --- bad input and other people's cycles ------------------------------------------------------------------


@time_machine.travel(NOON)
@pytest.mark.parametrize(
    ("name", "data", "field"),
    [
        (
            "evidence_create",
            {
                "kind": "pre",
                "measure": "t",
                "measured_on": "2026-10-01",
                "students_assessed": 5,
                "students_meeting": 9,
            },
            "students_meeting",
        ),
        (
            "evidence_create",
            {
                "kind": "pre",
                "measure": " ",
                "measured_on": "2026-10-01",
                "students_assessed": 5,
                "students_meeting": 1,
            },
            "measure",
        ),
        (
            "evidence_create",
            {
                "kind": "pre",
                "measure": "t",
                "measured_on": "2026-11-01",
                "students_assessed": 5,
                "students_meeting": 1,
            },
            "measured_on",
        ),
        ("session_create", {"date": "2026-10-21", "minutes": 30, "session_type": "co_plan"}, "date"),
        ("session_create", {"date": "2026-10-01", "minutes": 30, "session_type": "nap"}, "session_type"),
        (
            "session_create",
            {"date": "2026-10-01", "minutes": 30, "session_type": "co_plan", "look_fors_seen": ["Dancing"]},
            "look_fors_seen",
        ),
        (
            "session_create",
            {"date": "2026-10-01", "minutes": 30, "session_type": "co_plan", "resource_ids": [10**9]},
            "resource_ids",
        ),
        ("session_create", {"date": "2026-10-01", "minutes": 0, "session_type": "co_plan"}, "minutes"),
        ("checkin_create", {"date": "2026-10-01", "seen": ["Dancing"]}, "seen"),
        ("checkin_create", {"date": "2026-10-01", "framework_level_id": 10**9}, "framework_level_id"),
        ("cycle_stage", {"stage": "reflection"}, "stage"),
        ("cycle_stage", {"stage": "close"}, "stage"),
        ("cycle_close", {"outcome": "goal_met"}, "outcome"),
        ("cycle_close", {"outcome": "referred", "referred_to": " "}, "outcome"),
        ("cycle_close", {"outcome": "handed_over"}, "outcome"),
        ("cycle_plan", {"look_fors": [f"look-for {i}" for i in range(13)]}, "look_fors"),
        ("cycle_plan", {"learning_target": "Students\x00 explain"}, "learning_target"),
        (
            "session_create",
            {"date": "2026-10-01", "minutes": 30, "session_type": "co_plan", "notes": "a\x00b"},
            "notes",
        ),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_changes_nothing(
    world: World, name: str, data: dict[str, Any], field: str
) -> None:
    before = state(world.cycle)
    answer = post(world.client("coach"), name, data, cycle_id=world.cycle.pk)
    assert answer.status_code == 422, answer.content
    assert field in str(answer.json()["detail"])
    assert state(world.cycle) == before


def test_requests_refuse_bad_input_by_field_and_change_nothing(world: World) -> None:
    teacher, lead = world.client("teacher"), world.client("lead")
    goals = TeacherGoal.objects.count()
    other_school = post(
        teacher, "teacher_goal_create", {"statement": "x", "improvement_goal_id": world.goal.pk + 1}
    )
    assert other_school.status_code == 422 and "improvement_goal_id" in other_school.json()["detail"]
    neither = post(teacher, "teacher_goal_create", {"statement": "x"})
    assert neither.status_code == 422 and "improvement_goal_id" in neither.json()["detail"]
    blank = post(teacher, "teacher_goal_create", {"statement": "  ", "improvement_goal_id": world.goal.pk})
    assert blank.status_code == 422 and "statement" in blank.json()["detail"]
    assert TeacherGoal.objects.count() == goals

    requests = CoachingRequest.objects.count()
    no_needs = post(teacher, "request_submit", {"needs": [" "]}, goal_id=world.fresh_goal_id)
    assert no_needs.status_code == 422 and "needs" in no_needs.json()["detail"]
    twice = post(teacher, "request_submit", {"needs": ["Lexia"]}, goal_id=world.cycle.goal_id)
    assert twice.status_code == 422 and "goal_id" in twice.json()["detail"]
    assert CoachingRequest.objects.count() == requests

    elsewhere = post(
        lead, "request_propose", {"coach_id": world.other_coach.pk}, request_id=world.open_request.pk
    )
    assert elsewhere.status_code == 422 and "coach_id" in elsewhere.json()["detail"]
    full = CoachFactory(district=world.district, schools=[world.school], capacity=1)
    CycleFactory(coach=full)
    at_capacity = post(lead, "request_propose", {"coach_id": full.pk}, request_id=world.open_request.pk)
    assert at_capacity.status_code == 422 and "capacity" in at_capacity.json()["detail"]["coach_id"][0]
    world.open_request.refresh_from_db()
    assert (world.open_request.status, world.open_request.coach_id) == ("open", None)


@time_machine.travel(NOON)
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("cycle_plan", {"learning_target": "Mine now."}),
        ("cycle_stage", {"stage": "learning"}),
        ("cycle_close", {"outcome": "stepped_back"}),
        ("cycle_resume", {}),
        (
            "evidence_create",
            {
                "kind": "post",
                "measure": "t",
                "measured_on": "2026-10-01",
                "students_assessed": 5,
                "students_meeting": 1,
            },
        ),
        ("session_create", {"date": "2026-10-01", "minutes": 30, "session_type": "co_plan"}),
        ("micro_log", {"minutes": 5}),
        ("checkin_create", {"date": "2026-10-01"}),
    ],
)
def test_another_coachs_cycle_is_a_404_and_stays_as_it_was(
    world: World, name: str, data: dict[str, Any]
) -> None:
    before = state(world.cycle)
    assert post(world.client("other_coach"), name, data, cycle_id=world.cycle.pk).status_code == 404
    assert post(world.client("other_teacher"), name, data, cycle_id=world.cycle.pk).status_code == 403
    assert state(world.cycle) == before


def test_another_teachers_goal_and_request_are_404s(world: World) -> None:
    other = world.client("other_teacher")
    assert post(other, "request_submit", {"needs": ["Lexia"]}, goal_id=world.fresh_goal_id).status_code == 404
    assert (
        post(other, "request_respond", {"accept": True}, request_id=world.proposed_request.pk).status_code
        == 404
    )
    assert (
        post(world.client("other_coach"), "cycle_open", request_id=world.accepted_request.pk).status_code
        == 404
    )
    world.proposed_request.refresh_from_db()
    assert world.proposed_request.status == RequestStatus.PROPOSED


def test_writes_with_notes_refuse_every_token_and_write_nothing(world: World) -> None:
    secret = tokens.personal_token_create(actor=world.coach.user, name="t", scopes=["read", "write"])[1]
    sessions = CoachingSession.objects.count()
    checkins = FidelityCheckIn.objects.count()
    for name, data in [
        ("session_create", {"date": "2026-10-01", "minutes": 30, "session_type": "co_plan", "notes": "x"}),
        ("micro_log", {"minutes": 5, "note": "x"}),
        ("checkin_create", {"date": "2026-10-01", "barriers": "x"}),
    ]:
        answer = Client().post(
            reverse(f"api:{name}", kwargs={"cycle_id": world.cycle.pk}),
            data,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
        assert answer.status_code == 403, name
    assert (CoachingSession.objects.count(), FidelityCheckIn.objects.count()) == (sessions, checkins)
    # A token may still move the cycle along: no note is written or read by it.
    plan = Client().post(
        reverse("api:cycle_plan", kwargs={"cycle_id": world.cycle.pk}),
        {"learning_target": "Explain with two details.", "look_fors": ["Each group knows its next task"]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert plan.status_code == 200 and SECRET_NOTE not in plan.content.decode()


def test_cycles_filter_by_status_and_stage(world: World) -> None:
    lead = world.client("lead")
    everything = lead.get(reverse("api:cycles")).json()["count"]
    closed = lead.get(reverse("api:cycles"), {"status": "closed"}).json()
    assert {c["status"] for c in closed["items"]} == {"closed"} and 0 < closed["count"] < everything
    assert lead.get(reverse("api:cycles"), {"stage": "nowhere"}).status_code == 422


def test_a_coach_with_no_capacity_left_is_offered_last_not_a_crash(world: World) -> None:
    """A coach whose capacity was set to 0 outside the form (an import, the admin, the database) is
    listed last, as full, on the lead's list of coaches for a request: never a division by zero."""
    Coach.objects.filter(pk=world.coach.pk).update(capacity=0)
    lead = world.client("lead")
    options = lead.get(reverse("api:request_coaches", kwargs={"request_id": world.open_request.pk}))
    assert options.status_code == 200 and [o["coach_id"] for o in options.json()] == [world.coach.pk]
