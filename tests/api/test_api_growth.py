"""A coach's growth through the API (issue 20): goals, the learning log, the rubric and the team's
picture, as on their pages. Each write, made once by the page and once by the API from the same
start, leaves the same rows (and the same audit row); wrong input is a 422 naming the field and
changes nothing; another coach's goal is a 404; the team's figures are the page's query's."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coachmap.core.models import AuditAction, AuditEvent
from coachmap.program import queries, services
from coachmap.program.models import CoachGoal, Competency, LearningEntry
from tests.conftest import World
from tests.factories import CoachFactory, DistrictFactory

pytestmark = pytest.mark.django_db
OCTOBER = datetime.datetime(2026, 10, 20, 12, tzinfo=ZoneInfo("America/New_York"))


def _post(client: Client, name: str, data: Any = None, **kwargs: Any) -> Any:
    return client.post(reverse(name, kwargs=kwargs), json.dumps(data or {}), content_type="application/json")


def _after(write: Callable[[], None], rows: Callable[[], Any]) -> Any:
    """The rows a write leaves, then back to where it started (so the next write starts there too)."""
    with transaction.atomic():
        write()
        left = rows()
        transaction.set_rollback(True)
    return left


def _goals() -> list[dict[str, Any]]:
    return list(
        CoachGoal.objects.order_by("id").values(
            "coach_id", "text", "competency_id", "status", "set_on", "closed_on"
        )
    )


def _learning() -> list[dict[str, Any]]:
    return list(
        LearningEntry.objects.order_by("id").values(
            "coach_id", "on", "kind", "title", "minutes", "reflection", "competency_id"
        )
    )


def _rubric_and_audit() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    areas = Competency.objects.order_by("district_id", "position", "name").values(
        "district_id", "name", "description", "position", "active"
    )
    audit = AuditEvent.objects.filter(action=AuditAction.SETTINGS_CHANGE).values(
        "actor_id", "district_id", "object_type", "object_id", "detail"
    )
    return list(areas), list(audit)


def test_a_goal_set_and_marked_met_on_the_page_or_through_the_api_leaves_the_same_rows(world: World) -> None:
    area = services.rubric_ensure(district=world.district)[2]
    coach = world.client("coach")

    def by_page() -> None:
        made = coach.post(
            reverse("program:growth-goal-new"), {"text": "Co-plan with new teachers", "competency": area.pk}
        )
        assert made.status_code == 302
        goal = CoachGoal.objects.latest("id")
        marked = coach.post(
            reverse("program:growth-goal-status", kwargs={"goal_id": goal.pk}), {"status": "met"}
        )
        assert marked.status_code == 302

    def by_api() -> None:
        made = _post(
            coach, "api:coach_goal_create", {"text": "Co-plan with new teachers", "competency_id": area.pk}
        )
        assert made.status_code == 201, made.content
        assert made.json()["competency"] == area.name and made.json()["status"] == "active"
        marked = _post(coach, "api:coach_goal_status", {"status": "met"}, goal_id=made.json()["id"])
        assert marked.status_code == 200 and marked.json()["status"] == "met"

    on_page = _after(by_page, _goals)
    assert [(g["status"], g["closed_on"]) for g in on_page] == [("met", timezone.localdate())]
    assert _after(by_api, _goals) == on_page


def test_learning_logged_on_the_page_or_through_the_api_leaves_the_same_row(world: World) -> None:
    area = services.rubric_ensure(district=world.district)[0]
    coach = world.client("coach")
    fields = {
        "on": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        "kind": "book",
        "title": "The Impact Cycle",
        "minutes": 90,
        "reflection": "Ask before telling.",
    }

    def by_page() -> None:
        assert (
            coach.post(reverse("program:learning-new"), {**fields, "competency": area.pk}).status_code == 302
        )

    def by_api() -> None:
        logged = _post(coach, "api:learning_entry_add", {**fields, "competency_id": area.pk})
        assert logged.status_code == 201, logged.content
        assert logged.json()["kind_words"] == "Book study"

    on_page = _after(by_page, _learning)
    assert len(on_page) == 1 and on_page[0]["competency_id"] == area.pk
    assert _after(by_api, _learning) == on_page

    # The list is the coach's own, newest first, a page at a time.
    for days in (1, 2):
        _post(
            coach,
            "api:learning_entry_add",
            {**fields, "on": str(timezone.localdate() - datetime.timedelta(days))},
        )
    listed = coach.get(reverse("api:learning_entries"), {"page_size": 1}).json()
    assert listed["count"] == 2 and [e["on"] for e in listed["items"]] == [
        str(timezone.localdate() - datetime.timedelta(1))
    ]
    assert world.client("other_coach").get(reverse("api:learning_entries")).json()["count"] == 0
    assert world.client("lead").get(reverse("api:learning_entries")).status_code == 403


def test_the_lead_edits_the_rubric_on_the_page_or_through_the_api_with_the_same_rows_and_audit(
    world: World,
) -> None:
    lead = world.client("lead")
    read = lead.get(reverse("api:rubric"))
    assert read.status_code == 200 and read.json()["areas"][0]["name"] == "Change agent"
    assert world.client("coach").get(reverse("api:rubric")).status_code == 403, "the page is the lead's"

    def by_page() -> None:
        saved = lead.post(
            reverse("program:rubric"),
            {"competencies": "Collaborator: Partners with teachers\nAdult learning"},
        )
        assert saved.status_code == 302

    def by_api() -> None:
        saved = _post(
            lead,
            "api:rubric_update",
            {
                "areas": [
                    {"name": "Collaborator", "description": "Partners with teachers"},
                    {"name": "Adult learning"},
                ]
            },
        )
        assert saved.status_code == 200, saved.content
        assert [a["name"] for a in saved.json()["areas"]] == ["Collaborator", "Adult learning"]

    areas, audit = _after(by_page, _rubric_and_audit)
    assert [a["name"] for a in areas if a["active"]] == ["Collaborator", "Adult learning"]
    assert len(audit) == 1 and audit[0]["actor_id"] == world.lead.pk
    assert _after(by_api, _rubric_and_audit) == (areas, audit)
    # A coach reads the rubric they assess against on their growth.
    assert len(world.client("coach").get(reverse("api:coach_growth")).json()["rubric"]) == 7


def test_wrong_input_is_a_422_naming_the_field_and_changes_nothing(world: World) -> None:
    coach, lead = world.client("coach"), world.client("lead")
    services.rubric_ensure(district=world.district)
    goal = services.coach_goal_set(coach=world.coach, text="Lead a PLC on feedback")
    elsewhere = Competency.objects.create(district=DistrictFactory(), position=1, name="Elsewhere")
    entry = {"on": str(timezone.localdate()), "kind": "course", "title": "ISTE course", "minutes": 60}
    before = (_goals(), _learning(), _rubric_and_audit())
    cases = [
        (coach, "api:coach_goal_create", {"text": "   "}, "text"),
        (coach, "api:coach_goal_create", {"text": "Grow", "competency_id": elsewhere.pk}, "competency_id"),
        (
            coach,
            "api:learning_entry_add",
            {**entry, "on": str(timezone.localdate() + datetime.timedelta(1))},
            "on",
        ),
        (coach, "api:learning_entry_add", {**entry, "minutes": 0}, "minutes"),
        (coach, "api:learning_entry_add", {**entry, "kind": "nap"}, "kind"),
        (coach, "api:learning_entry_add", {**entry, "competency_id": elsewhere.pk}, "competency_id"),
        (lead, "api:rubric_update", {"areas": [{"name": "Same"}, {"name": "same"}]}, "areas"),
        (lead, "api:rubric_update", {"areas": [{"name": "Time: managed well"}]}, "areas"),
        (lead, "api:rubric_update", {"areas": []}, "areas"),
    ]
    for client, name, body, field in cases:
        answer = _post(client, name, body)
        assert answer.status_code == 422 and field in json.dumps(answer.json()["detail"]), (
            name,
            body,
            answer.content,
        )
    status = _post(coach, "api:coach_goal_status", {"status": "done"}, goal_id=goal.pk)
    assert status.status_code == 422 and "status" in json.dumps(status.json()["detail"])
    for term in ("9999-fall", "2027-summer"):
        odd = lead.get(reverse("api:team_growth"), {"term": term})
        assert odd.status_code == 422 and "term" in json.dumps(odd.json()["detail"]), term
    assert (_goals(), _learning(), _rubric_and_audit()) == before


def test_a_coachs_growth_is_their_page_and_another_coachs_goal_is_a_404(world: World) -> None:
    areas = services.rubric_ensure(district=world.district)
    goal = services.coach_goal_set(
        coach=world.coach, text="Present a workshop on feedback", competency=areas[4]
    )
    services.learning_log(
        coach=world.coach, on=timezone.localdate(), kind="book", title="The Impact Cycle", minutes=90
    )
    mine = world.client("coach").get(reverse("api:coach_growth")).json()
    assert [(g["text"], g["competency"], g["status"]) for g in mine["goals"]] == [
        ("Present a workshop on feedback", areas[4].name, "active")
    ]
    assert [e["title"] for e in mine["learning"]] == ["The Impact Cycle"] and mine["learning_total"] == 1
    assert [a["id"] for a in mine["rubric"]] == [a.pk for a in areas] and mine["this_term"] is None
    other = world.client("other_coach")
    theirs = other.get(reverse("api:coach_growth")).json()
    assert theirs["goals"] == [] and theirs["learning"] == []
    assert _post(other, "api:coach_goal_status", {"status": "met"}, goal_id=goal.pk).status_code == 404
    lead = world.client("lead")
    assert lead.get(reverse("api:coach_growth")).status_code == 403
    assert _post(lead, "api:coach_goal_status", {"status": "met"}, goal_id=goal.pk).status_code == 403
    goal.refresh_from_db()
    assert goal.status == "active"


def test_the_team_growth_is_the_pages_figures_suppressed_as_the_page(world: World) -> None:
    world.district.min_group_size = 5
    world.district.save()
    with time_machine.travel(OCTOBER):
        lead = world.client("lead")
        areas = services.rubric_ensure(district=world.district)
        for coach in [
            world.coach,
            world.other_coach,
            *(CoachFactory(district=world.district) for _ in range(2)),
        ]:
            services.self_assessment_save(coach=coach, ratings=dict.fromkeys([a.pk for a in areas], 3))
        hidden = lead.get(reverse("api:team_growth")).json()
        assert (hidden["shown"], hidden["rows"], hidden["coaches_answered"]) == (False, [], None)
        assert hidden["term_label"] == "Fall term 2026–27" and hidden["min_size"] == 5
        for level in (3, 4):
            services.self_assessment_save(
                coach=CoachFactory(district=world.district),
                ratings=dict.fromkeys([a.pk for a in areas], 3) | {areas[1].pk: level},
            )
        shown = lead.get(reverse("api:team_growth"), {"term": "2027-fall"}).json()
        page = queries.team_growth(world.lead, world.district, 2027, "fall")
        assert shown["shown"] and shown["coaches_answered"] == 6
        assert [(r["area"], r["cells"], r["total"]) for r in shown["rows"]] == [
            (r.name, r.cells, r.total) for r in page.rows
        ]
        assert shown["rows"][1]["cells"] == [0, 0, None, None], "one coach at Leading is hidden"
        spring = lead.get(reverse("api:team_growth"), {"term": "2027-spring"}).json()
        assert spring["term_label"] == "Spring term 2026–27" and not spring["shown"]
        assert world.client("admin").get(reverse("api:team_growth")).status_code == 403
