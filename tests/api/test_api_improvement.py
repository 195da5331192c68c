"""The improvement pages' writes and reads through the API (issue 20) do exactly what the pages do.

Each write is made twice from the same start, once by the page and once by the API, and the
database after each is compared (`_same_effect`); bad input is a 422 whose `detail` names the field,
with nothing changed; another school's object is a 404; the figures are suppressed as on the pages.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from coachmap.core.models import AuditAction, AuditEvent
from coachmap.improvement.framework import queries as framework_queries
from coachmap.improvement.framework.services import framework_ensure, framework_publish
from coachmap.improvement.models import (
    DistrictGoal,
    FrameworkLevel,
    FrameworkLookFor,
    FrameworkVersion,
    GoalChange,
    GoalStatus,
    ImprovementGoal,
    Indicator,
    NeedNote,
    Tool,
    ToolLink,
    Walkthrough,
)
from tests.conftest import World
from tests.factories import DistrictFactory, ImprovementGoalFactory, IndicatorFactory, SchoolFactory
from tests.improvement.conftest import Maple, maple  # noqa: F401 - the fixture, for the figures

pytestmark = pytest.mark.django_db


def _same_effect(page: Callable[[], Any], api: Callable[[], Any], state: Callable[[], Any]) -> Any:
    """The state after the page's write and after the API's, each made from the same start."""
    start = transaction.savepoint()
    page()
    by_page = state()
    transaction.savepoint_rollback(start)
    api()
    by_api = state()
    assert by_api == by_page
    return by_api


def _json(client: Any, method: str, url: str, data: Any = None) -> Any:
    return getattr(client, method)(url, data, content_type="application/json")


def _fields(detail: Any) -> set[str]:
    """The fields a 422's `detail` names: a service's {field: [...]}, or the schema's [{loc: [...]}]."""
    if isinstance(detail, dict):
        return set(detail)
    return {str(error["loc"][-1]) for error in detail}


# --- school goals -------------------------------------------------------------------------------------

GOAL = {
    "statement": "By June 2030, 60% of our English learners are proficient in math, up from 40%.",
    "subject": "math",
    "student_group": "el",
    "metric": "proficiency_rate",
    "baseline": 40.0,
    "target": 60.0,
    "target_date": "2030-06-15",
}
GOAL_FIELDS = ("statement", "subject", "student_group", "grade", "metric", "source", "window", "baseline")
GOAL_FIELDS += ("baseline_date", "target", "target_date", "need_key", "status", "created_by")


def _goals(world: World) -> list[dict[str, Any]]:
    return list(ImprovementGoal.objects.filter(school=world.school).order_by("id").values(*GOAL_FIELDS))


def test_a_goal_set_through_the_api_is_the_goal_the_page_sets(world: World) -> None:
    client = world.client("principal")
    after = _same_effect(
        lambda: client.post(reverse("improvement:goal-new", args=[world.school.pk]), GOAL),
        lambda: _json(client, "post", reverse("api:school_goal_create", args=[world.school.pk]), GOAL),
        lambda: _goals(world),
    )
    assert len(after) == 2 and after[-1]["statement"] == GOAL["statement"]


def test_a_goal_whose_target_is_below_its_baseline_is_a_422_naming_the_target(world: World) -> None:
    before = _goals(world)
    url = reverse("api:school_goal_create", args=[world.school.pk])
    response = _json(world.client("principal"), "post", url, {**GOAL, "target": 30})
    assert response.status_code == 422
    assert response.json()["detail"] == {
        "target": ["A goal moves students forward: the target must be above the baseline."]
    }
    unknown = _json(world.client("principal"), "post", url, {**GOAL, "subject": "astrology"})
    assert unknown.status_code == 422 and _fields(unknown.json()["detail"]) == {"subject"}
    assert _goals(world) == before


def test_a_third_active_goal_is_refused(world: World) -> None:
    client = world.client("principal")
    url = reverse("api:school_goal_create", args=[world.school.pk])
    assert _json(client, "post", url, GOAL).status_code == 201
    third = _json(client, "post", url, GOAL)
    assert third.status_code == 422 and "Focus wins" in third.json()["detail"]["__all__"][0]
    assert ImprovementGoal.objects.filter(school=world.school, status=GoalStatus.ACTIVE).count() == 2


def test_a_principal_cannot_write_another_schools_goals(world: World) -> None:
    before = _goals(world)
    other = world.client("other_principal")
    assert (
        _json(other, "post", reverse("api:school_goal_create", args=[world.school.pk]), GOAL).status_code
        == 404
    )
    edit = {"statement": "Taken over.", "target": 70, "target_date": "2030-06-15"}
    assert _json(other, "put", reverse("api:school_goal_edit", args=[world.goal.pk]), edit).status_code == 404
    status = reverse("api:school_goal_status", args=[world.goal.pk])
    assert _json(other, "post", status, {"status": "retired"}).status_code == 404
    # The district admin reads every school's goals but sets none: the page's answer, 403.
    admin = _json(
        world.client("admin"), "post", reverse("api:school_goal_create", args=[world.school.pk]), GOAL
    )
    assert admin.status_code == 403
    assert _goals(world) == before


def test_a_goal_changed_through_the_api_keeps_the_same_history_as_the_page(world: World) -> None:
    client = world.client("principal")
    change = {"statement": "By June 2028, 55% of EL students are proficient.", "target": 55.0}
    change |= {"target_date": "2028-06-15"}

    def state() -> tuple[Any, ...]:
        changes = GoalChange.objects.filter(school_goal=world.goal)
        return _goals(world), list(changes.values("changed_by", "changes"))

    goals, history = _same_effect(
        lambda: client.post(reverse("improvement:goal-edit", args=[world.goal.pk]), change),
        lambda: _json(client, "put", reverse("api:school_goal_edit", args=[world.goal.pk]), change),
        state,
    )
    assert goals[0]["target"] == 55.0 and len(history) == 1
    detail = client.get(reverse("api:school_goal_detail", args=[world.goal.pk])).json()
    assert {c["field"] for c in detail["history"][0]["changes"]} == {"Goal", "Target", "Target date"}
    assert detail["history"][0]["changed_by"] == (world.principal.get_full_name() or "paula")


def test_a_bad_change_names_its_field_and_changes_nothing(world: World) -> None:
    before = _goals(world)
    url = reverse("api:school_goal_edit", args=[world.goal.pk])
    bad = _json(
        world.client("principal"), "put", url, {"statement": "x", "target": 55, "target_date": "2001-01-01"}
    )
    assert bad.status_code == 422 and _fields(bad.json()["detail"]) == {"target_date"}
    assert _goals(world) == before and not GoalChange.objects.exists()


def test_a_goal_closed_through_the_api_is_closed_as_on_the_page(world: World) -> None:
    client = world.client("principal")
    after = _same_effect(
        lambda: client.post(reverse("improvement:goal-status", args=[world.goal.pk]), {"status": "met"}),
        lambda: _json(
            client, "post", reverse("api:school_goal_status", args=[world.goal.pk]), {"status": "met"}
        ),
        lambda: _goals(world),
    )
    assert after[0]["status"] == "met"
    bad = _json(client, "post", reverse("api:school_goal_status", args=[world.goal.pk]), {"status": "done"})
    assert bad.status_code == 422 and _fields(bad.json()["detail"]) == {"status"}


def test_a_goals_coaching_counts_are_hidden_below_the_minimum_group_size(world: World) -> None:
    url = reverse("api:school_goal_detail", args=[world.goal.pk])
    principal = world.client("principal").get(url).json()
    # A handful of teachers' goals: fewer than the district's minimum of 10, so no count.
    assert principal["coaching"] == {"teacher_goals": None, "active_cycles": None}
    admin = world.client("admin").get(url).json()  # the data owner sees the numbers
    assert admin["coaching"]["teacher_goals"] > 0
    assert [i["id"] for i in principal["indicators"]] == [world.indicator.pk]
    assert world.client("other_principal").get(url).status_code == 404
    assert world.client("teacher").get(url).status_code == 403


# --- indicators and the technology map ---------------------------------------------------------------

INDICATOR_FIELDS = ("goal", "kind", "name", "subject", "student_group", "unit", "lower_is_better")
INDICATOR_FIELDS += ("baseline", "target", "created_by")


def _indicators(world: World) -> list[dict[str, Any]]:
    return list(Indicator.objects.filter(goal__school=world.school).order_by("id").values(*INDICATOR_FIELDS))


def test_an_indicator_added_through_the_api_is_the_one_the_page_adds(world: World) -> None:
    client = world.client("principal")
    data = {"kind": "custom", "name": "Exit tickets returned", "unit": "% of tickets", "target": 90.0}
    after = _same_effect(
        lambda: client.post(reverse("improvement:indicator-new", args=[world.goal.pk]), data),
        lambda: _json(client, "post", reverse("api:indicator_create", args=[world.goal.pk]), data),
        lambda: _indicators(world),
    )
    assert after[-1]["name"] == "Exit tickets returned"
    nameless = _json(
        client, "post", reverse("api:indicator_create", args=[world.goal.pk]), {**data, "name": ""}
    )
    assert nameless.status_code == 422 and _fields(nameless.json()["detail"]) == {"name"}
    other = _json(
        world.client("other_principal"), "post", reverse("api:indicator_create", args=[world.goal.pk]), data
    )
    assert other.status_code == 404
    assert len(_indicators(world)) == len(after)


def _tools(world: World) -> list[Any]:
    tools = Tool.objects.filter(school=world.school).order_by("name")
    return list(tools.values("name", "vendor", "kind", "grades", "subjects", "usage_name", "created_by"))


def test_a_tool_put_on_the_map_through_the_api_is_the_one_the_page_puts(world: World) -> None:
    client = world.client("principal")
    page = {"name": "Newsela", "vendor": "Newsela", "kind": "tool", "grades": ["3", "4"], "subjects": ["ela"]}
    api = {**page, "grades": [3, 4]}
    _same_effect(
        lambda: client.post(reverse("improvement:tool-new", args=[world.school.pk]), page),
        lambda: _json(client, "post", reverse("api:tool_create", args=[world.school.pk]), api),
        lambda: _tools(world),
    )
    before = _tools(world)
    url = reverse("api:tool_create", args=[world.school.pk])
    twice = _json(client, "post", url, {"name": "lexia"})
    assert twice.status_code == 422 and twice.json()["detail"] == {"name": ["lexia is already on the map."]}
    grade = _json(client, "post", url, {"name": "Zearn", "grades": [14]})
    assert grade.status_code == 422 and _fields(grade.json()["detail"]) == {"grades"}
    assert _json(world.client("other_principal"), "post", url, {"name": "Zearn"}).status_code == 404
    assert _tools(world) == before


def _links(world: World) -> list[Any]:
    links = ToolLink.objects.filter(tool__school=world.school).order_by("goal", "indicator")
    return list(links.values("tool", "goal", "indicator", "rationale", "created_by"))


def test_a_tool_linked_and_unlinked_through_the_api_as_on_the_page(world: World) -> None:
    client = world.client("principal")
    why = "Leveled articles for the group the gap points to."
    after = _same_effect(
        lambda: client.post(
            reverse("improvement:tool-link-new", args=[world.tool.pk]),
            {"target": f"goal:{world.goal.pk}", "rationale": why},
        ),
        lambda: _json(
            client,
            "post",
            reverse("api:tool_link_create", args=[world.tool.pk]),
            {"goal_id": world.goal.pk, "rationale": why},
        ),
        lambda: _links(world),
    )
    assert len(after) == 2
    unlinked = _same_effect(
        lambda: client.post(reverse("improvement:tool-link-delete", args=[world.tool_link.pk])),
        lambda: client.delete(reverse("api:tool_link_delete", args=[world.tool_link.pk])),
        lambda: _links(world),
    )
    assert [link["indicator"] for link in unlinked] == [None]


def test_a_link_to_another_schools_indicator_or_by_another_principal_changes_nothing(world: World) -> None:
    before = _links(world)
    elsewhere = IndicatorFactory(goal=ImprovementGoalFactory(school=world.other_school))
    url = reverse("api:tool_link_create", args=[world.tool.pk])
    client = world.client("principal")
    foreign = _json(client, "post", url, {"indicator_id": elsewhere.pk, "rationale": "Why not."})
    assert foreign.status_code == 422 and _fields(foreign.json()["detail"]) == {"indicator_id"}
    nothing = _json(client, "post", url, {"rationale": "Why not."})
    assert nothing.status_code == 422 and _fields(nothing.json()["detail"]) == {"goal_id"}
    reasonless = _json(client, "post", url, {"goal_id": world.goal.pk, "rationale": "  "})
    assert reasonless.status_code == 422 and _fields(reasonless.json()["detail"]) == {"rationale"}
    other = world.client("other_principal")
    assert _json(other, "post", url, {"goal_id": world.goal.pk, "rationale": "Mine now."}).status_code == 404
    assert other.delete(reverse("api:tool_link_delete", args=[world.tool_link.pk])).status_code == 404
    assert (
        world.client("coach").delete(reverse("api:tool_link_delete", args=[world.tool_link.pk])).status_code
        == 403
    )
    assert _links(world) == before


def test_the_technology_map_names_each_link_to_undo(world: World) -> None:
    found = world.client("coach").get(reverse("api:technology_map", args=[world.school.pk])).json()
    [tool] = [t for t in found["tools"] if t["id"] == world.tool.pk]
    assert tool["links"] == [
        {
            "id": world.tool_link.pk,
            "goal_id": world.goal.pk,
            "indicator_id": world.indicator.pk,
            "rationale": world.tool_link.rationale,
        }
    ]


# --- needs -----------------------------------------------------------------------------------------


def _notes(world: World) -> list[Any]:
    return list(
        NeedNote.objects.filter(school=world.school).order_by("key").values("key", "position", "note")
    )


def test_needs_moved_and_reset_through_the_api_as_on_the_page(world: World) -> None:
    client = world.client("principal")
    order = ["ela:all:el", "ela:4:el", "math:all:swd"]
    moved = _same_effect(
        lambda: client.post(
            reverse("improvement:need-move", args=[world.school.pk]),
            {"key": "ela:4:el", "order": ",".join(order), "direction": "up"},
        ),
        lambda: _json(
            client,
            "post",
            reverse("api:need_move", args=[world.school.pk]),
            {"key": "ela:4:el", "order": order, "direction": "up"},
        ),
        lambda: _notes(world),
    )
    assert [(n["key"], n["position"]) for n in moved] == [("ela:4:el", 0), ("ela:all:el", 1)]
    NeedNote.objects.filter(school=world.school, key="ela:4:el").update(note="Start here.")
    after = _same_effect(
        lambda: client.post(reverse("improvement:need-reset", args=[world.school.pk])),
        lambda: client.post(reverse("api:need_reset", args=[world.school.pk])),
        lambda: _notes(world),
    )
    assert after == [{"key": "ela:4:el", "position": None, "note": "Start here."}]


def test_moving_a_need_not_on_the_list_is_a_422_naming_the_key(world: World) -> None:
    url = reverse("api:need_move", args=[world.school.pk])
    client = world.client("principal")
    gone = _json(client, "post", url, {"key": "ela:5:el", "order": ["ela:4:el"], "direction": "up"})
    assert gone.status_code == 422 and _fields(gone.json()["detail"]) == {"key"}
    sideways = _json(client, "post", url, {"key": "ela:4:el", "order": ["ela:4:el"], "direction": "left"})
    assert sideways.status_code == 422 and _fields(sideways.json()["detail"]) == {"direction"}
    assert (
        _json(
            world.client("other_principal"), "post", url, {"key": "ela:4:el", "direction": "up"}
        ).status_code
        == 404
    )
    assert not NeedNote.objects.exists()


def test_the_needs_tables_hide_what_the_page_hides(maple: Maple) -> None:  # noqa: F811
    from django.test import Client

    def read(user: Any) -> tuple[Any, Any]:
        client = Client()
        client.force_login(user)
        page = client.get(reverse("improvement:school", args=[maple.school.pk]))
        api = client.get(reverse("api:needs_tables", args=[maple.school.pk])).json()
        return page.context["sections"], api

    sections, api = read(maple.principal)
    [ela] = api["subjects"]
    shown = {(c["group"], c["hidden"], c["tested"]) for c in ela["cells"] if c["grade"] is None}
    on_page = {
        (r.code, r.figures.hidden, None if r.figures.hidden else r.figures.tested)
        for r in sections[0]["rows"]
    }
    assert shown == on_page
    hidden = [c for c in ela["cells"] if c["hidden"]]
    assert hidden and all(
        c["tested"] is None and c["rate"] is None and c["gap_to_all"] is None for c in hidden
    )
    assert api["revealed"] is False and api["hidden_cells"] == len(hidden)
    # The district's data owner sees every figure, as on the page.
    _, owner = read(maple.admin)
    assert owner["revealed"] is True and owner["hidden_cells"] == 0
    assert any(c["group"] == "race:asian" and c["tested"] == 3 for c in owner["subjects"][0]["cells"])


def test_the_district_needs_and_comparison_are_the_data_owners(maple: Maple) -> None:  # noqa: F811
    from django.test import Client

    admin, principal = Client(), Client()
    admin.force_login(maple.admin)
    principal.force_login(maple.principal)
    needs = admin.get(reverse("api:district_needs")).json()
    assert needs["school_id"] is None and needs["subjects"][0]["needs"]
    page = admin.get(reverse("improvement:district"), {"group": "el"}).context["comparison"]
    compared = admin.get(reverse("api:district_comparison_read"), {"group": "el"}).json()
    assert [r["school_id"] for r in compared["rows"]] == [r.school_id for r in page.rows] == [maple.school.pk]
    assert compared["rows"][0]["tested"] == 12 and compared["rows"][0]["rate"] == 25.0
    assert compared["total"]["school_id"] is None
    assert principal.get(reverse("api:district_needs")).status_code == 403
    assert principal.get(reverse("api:district_comparison_read")).status_code == 403


# --- district goals --------------------------------------------------------------------------------

DISTRICT_GOAL = {
    "statement": "Every school closes half its gap in math for students with disabilities.",
    "subject": "math",
    "student_group": "swd",
    "target_date": "2030-06-01",
}


def _district_goals(world: World) -> list[Any]:
    goals = DistrictGoal.objects.filter(district=world.district).order_by("id")
    return list(goals.values("statement", "subject", "student_group", "target_date", "status", "created_by"))


def test_district_goals_written_and_changed_through_the_api_as_on_the_pages(world: World) -> None:
    client = world.client("lead")
    after = _same_effect(
        lambda: client.post(reverse("improvement:district-goal-new"), DISTRICT_GOAL),
        lambda: _json(client, "post", reverse("api:district_goal_create"), DISTRICT_GOAL),
        lambda: _district_goals(world),
    )
    assert len(after) == 2
    goal = world.lt.district_goal
    change = {**DISTRICT_GOAL, "status": "met"}

    def state() -> Any:
        return _district_goals(world), list(
            GoalChange.objects.filter(district_goal=goal).values("changed_by", "changes")
        )

    _same_effect(
        lambda: client.post(reverse("improvement:district-goal-edit", args=[goal.pk]), change),
        lambda: _json(client, "put", reverse("api:district_goal_edit", args=[goal.pk]), change),
        state,
    )
    read = world.client("teacher").get(reverse("api:district_goal_detail", args=[goal.pk])).json()
    assert read["status"] == "met" and {c["field"] for c in read["history"][0]["changes"]} >= {"Status"}
    listed = world.client("teacher").get(reverse("api:district_goal_list"), {"status": "met"}).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == goal.pk


def test_district_goals_refuse_bad_input_other_districts_and_other_roles(world: World) -> None:
    before = _district_goals(world)
    lead = world.client("lead")
    past = _json(
        lead, "post", reverse("api:district_goal_create"), {**DISTRICT_GOAL, "target_date": "2001-06-01"}
    )
    assert past.status_code == 422 and _fields(past.json()["detail"]) == {"target_date"}
    group = _json(
        lead, "post", reverse("api:district_goal_create"), {**DISTRICT_GOAL, "student_group": "nobody"}
    )
    assert group.status_code == 422 and _fields(group.json()["detail"]) == {"student_group"}
    assert (
        _json(
            world.client("principal"), "post", reverse("api:district_goal_create"), DISTRICT_GOAL
        ).status_code
        == 403
    )
    elsewhere = DistrictGoal.objects.create(
        district=DistrictFactory(), statement="Theirs.", subject="math", target_date=datetime.date(2030, 1, 1)
    )
    change = {**DISTRICT_GOAL, "status": "met"}
    assert (
        _json(lead, "put", reverse("api:district_goal_edit", args=[elsewhere.pk]), change).status_code == 404
    )
    assert lead.get(reverse("api:district_goal_detail", args=[elsewhere.pk])).status_code == 404
    assert _district_goals(world) == before


# --- the look-for framework ---------------------------------------------------------------------------

FRAMEWORK = {
    "levels": [
        {"name": "Starting", "description": "the teacher shows"},
        {"name": "Leading", "description": ""},
    ],
    "look_fors": {
        "k2": ["Logs in alone"],
        "g35": ["Explains with the tool"],
        "g68": ["Chooses"],
        "g912": ["Cites"],
    },
    "change_note": "Two levels.",
}


def _framework(world: World) -> Any:
    versions = FrameworkVersion.objects.filter(district=world.district).order_by("number")
    return (
        list(versions.values("number", "published_by", "change_note")),
        list(
            FrameworkLevel.objects.filter(version__district=world.district).values(
                "version__number", "position", "name", "description"
            )
        ),
        list(
            FrameworkLookFor.objects.filter(version__district=world.district).values(
                "version__number", "grade_band", "position", "text"
            )
        ),
        list(
            AuditEvent.objects.filter(action=AuditAction.SETTINGS_CHANGE, actor=world.lead).values(
                "district", "object_type", "detail"
            )
        ),
    )


def test_a_framework_version_published_through_the_api_is_the_pages_and_is_audited(world: World) -> None:
    framework_ensure(district=world.district)
    client = world.client("lead")
    page = {
        "levels": "Starting: the teacher shows\nLeading",
        "change_note": "Two levels.",
        **{f"look_fors_{band}": "\n".join(items) for band, items in FRAMEWORK["look_fors"].items()},
        "confirmed": "yes",
    }
    versions, _, _, audit = _same_effect(
        lambda: client.post(reverse("program:framework-edit"), page),
        lambda: _json(client, "post", reverse("api:framework_publish"), FRAMEWORK),
        lambda: _framework(world),
    )
    assert [v["number"] for v in versions] == [1, 2] and len(audit) == 1
    current = world.client("teacher").get(reverse("api:framework_current")).json()
    assert current["current"]["number"] == 2 and [lv["name"] for lv in current["current"]["levels"]] == [
        "Starting",
        "Leading",
    ]
    assert [v["number"] for v in current["versions"]] == [2, 1]
    old = world.client("coach").get(reverse("api:framework_version", args=[1])).json()
    assert old["is_current"] is False and len(old["levels"]) == 5


def test_a_bad_framework_names_its_field_and_publishes_nothing(world: World) -> None:
    framework_ensure(district=world.district)
    before = _framework(world)
    client = world.client("lead")
    one = _json(client, "post", reverse("api:framework_publish"), {**FRAMEWORK, "levels": [{"name": "Only"}]})
    assert one.status_code == 422 and _fields(one.json()["detail"]) == {"levels"}
    bare = _json(
        client,
        "post",
        reverse("api:framework_publish"),
        {**FRAMEWORK, "look_fors": {**FRAMEWORK["look_fors"], "k2": []}},
    )
    assert bare.status_code == 422 and _fields(bare.json()["detail"]) == {"look_fors.k2"}
    assert (
        _json(world.client("admin"), "post", reverse("api:framework_publish"), FRAMEWORK).status_code == 403
    )
    assert _framework(world) == before
    assert client.get(reverse("api:framework_version", args=[9])).status_code == 404


def _walkthroughs(world: World) -> list[Any]:
    rows = Walkthrough.objects.order_by("id")
    return [
        (w["school"], w["observer"], w["observed_on"], w["version"], w["grade_band"], w["level"], sorted(ids))
        for w, ids in (
            (row, list(Walkthrough.objects.get(pk=row["id"]).look_fors.values_list("pk", flat=True)))
            for row in rows.values(
                "id", "school", "observer", "observed_on", "version", "grade_band", "level"
            )
        )
    ]


def test_a_walkthrough_recorded_through_the_api_is_the_pages(world: World) -> None:
    version = framework_ensure(district=world.district)
    level = version.levels.get(name="Adoption")
    seen = list(version.look_fors.filter(grade_band="g35").values_list("pk", flat=True)[:2])
    client = world.client("coach")
    page = {
        "school": world.school.pk,
        "observed_on": "2026-09-15",
        "grade_band": "g35",
        "level": level.pk,
        "look_fors": seen,
    }
    api = {
        "school_id": world.school.pk,
        "observed_on": "2026-09-15",
        "grade_band": "g35",
        "level_id": level.pk,
        "look_for_ids": seen,
    }
    after = _same_effect(
        lambda: client.post(reverse("program:walkthroughs"), page),
        lambda: _json(client, "post", reverse("api:walkthrough_record"), api),
        lambda: _walkthroughs(world),
    )
    assert len(after) == 1
    mine = client.get(reverse("api:walkthrough_list")).json()
    assert mine["count"] == 1 and mine["items"][0]["level"] == "Adoption"
    assert world.client("principal").get(reverse("api:walkthrough_list")).json()["count"] == 0


def test_a_walkthrough_against_an_old_framework_or_another_school_changes_nothing(world: World) -> None:
    old = framework_ensure(district=world.district)
    framework_publish(
        actor=world.lead,
        district=world.district,
        levels=["Starting", "Leading"],
        look_fors={band: ["Something"] for band in ("k2", "g35", "g68", "g912")},
    )
    current = framework_queries.current_version(world.district.pk)
    assert current is not None
    data = {"school_id": world.school.pk, "observed_on": "2026-09-15", "grade_band": "g35"}
    client = world.client("coach")
    stale = _json(
        client, "post", reverse("api:walkthrough_record"), {**data, "level_id": old.levels.first().pk}
    )
    assert stale.status_code == 422 and _fields(stale.json()["detail"]) == {"level_id"}
    level = current.levels.first().pk
    wrong_band = current.look_fors.get(grade_band="k2").pk
    band = _json(
        client,
        "post",
        reverse("api:walkthrough_record"),
        {**data, "level_id": level, "look_for_ids": [wrong_band]},
    )
    assert band.status_code == 422 and _fields(band.json()["detail"]) == {"look_for_ids"}
    future = _json(
        client,
        "post",
        reverse("api:walkthrough_record"),
        {**data, "level_id": level, "observed_on": "2099-01-01"},
    )
    assert future.status_code == 422 and _fields(future.json()["detail"]) == {"observed_on"}
    elsewhere = _json(
        world.client("other_coach"), "post", reverse("api:walkthrough_record"), {**data, "level_id": level}
    )
    assert elsewhere.status_code == 404
    another = SchoolFactory(district=world.district)
    unserved = _json(
        client,
        "post",
        reverse("api:walkthrough_record"),
        {**data, "school_id": another.pk, "level_id": level},
    )
    assert unserved.status_code == 404
    assert not Walkthrough.objects.exists()


def test_another_schools_goal_is_a_404_for_its_readers(world: World) -> None:
    theirs = ImprovementGoalFactory(school=world.other_school)
    assert world.client("coach").get(reverse("api:school_goal_detail", args=[theirs.pk])).status_code == 404
    assert (
        world.client("principal").get(reverse("api:school_goal_detail", args=[theirs.pk])).status_code == 404
    )
    assert world.client("lead").get(reverse("api:school_goal_detail", args=[theirs.pk])).status_code == 200


def test_a_service_token_reads_the_suppressed_figures_never_the_owners(maple: Maple) -> None:  # noqa: F811
    """A service account acts for its district admin, but its `read:aggregates` scope promises
    suppressed aggregates: a warehouse never gets the small groups the data owner sees signed in."""
    from django.test import Client

    from coachmap.api import tokens as api_tokens

    secret = api_tokens.service_account_create(
        actor=maple.admin, name="Warehouse", scopes=["read:aggregates"]
    )[2]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    tables = Client().get(reverse("api:needs_tables", args=[maple.school.pk]), **bearer).json()
    assert tables["revealed"] is False and tables["hidden_cells"] > 0
    cells = tables["subjects"][0]["cells"]
    assert not any(c["group"] == "race:asian" and c["tested"] == 3 for c in cells)
    needs = Client().get(reverse("api:needs", args=[maple.school.pk]), **bearer)
    assert needs.status_code == 200 and needs.json()["hidden_cells"] == tables["hidden_cells"]
    # The district's comparison is the data owners' alone: not a warehouse's.
    assert Client().get(reverse("api:district_comparison_read"), **bearer).status_code == 403
    # The admin's own personal token acts as the admin: the owner's figures, as signed in.
    mine = api_tokens.personal_token_create(actor=maple.admin, name="laptop", scopes=["read"])[1]
    owner = (
        Client()
        .get(reverse("api:needs_tables", args=[maple.school.pk]), HTTP_AUTHORIZATION=f"Bearer {mine}")
        .json()
    )
    assert owner["revealed"] is True and owner["hidden_cells"] == 0
