"""Coaches and the program lead read their schools' needs, goals, indicators and map (issue 15):
read-only, suppressed exactly as for the principal, and only the schools they serve."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from coachmap.core import access
from coachmap.core.models import Role
from coachmap.improvement.models import ImprovementGoal, Indicator, NeedNote, Tool, ToolLink
from tests.factories import (
    CoachFactory,
    ImprovementGoalFactory,
    IndicatorFactory,
    SchoolFactory,
    ToolFactory,
    ToolLinkFactory,
    UserFactory,
    member,
)
from tests.improvement.conftest import Maple

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def readers(maple: Maple):  # type: ignore[no-untyped-def]
    """Maple's coach, a coach of another school, the program lead, and Maple's goal, indicator and tool."""
    elsewhere = SchoolFactory(district=maple.district, name="Birch Middle")
    coach = CoachFactory(district=maple.district, schools=[maple.school], user__username="carla")
    stranger = CoachFactory(district=maple.district, schools=[elsewhere], user__username="cole")
    lead = member(UserFactory(username="lena"), Role.PROGRAM_LEAD, district=maple.district)
    goal = ImprovementGoalFactory(school=maple.school, statement="More English learners read on grade level.")
    indicator = IndicatorFactory(goal=goal)
    tool = ToolFactory(school=maple.school, name="Lexia")
    link = ToolLinkFactory(tool=tool, goal=goal, indicator=indicator)
    other_goal = ImprovementGoalFactory(school=elsewhere)
    return {
        "coach": coach.user,
        "stranger": stranger.user,
        "lead": lead,
        "goal": goal,
        "indicator": indicator,
        "tool": tool,
        "link": link,
        "elsewhere": elsewhere,
        "other_goal": other_goal,
    }


def _read_urls(maple: Maple, r: dict) -> list[str]:  # type: ignore[type-arg]
    school = {"school_id": maple.school.pk}
    return [
        reverse("improvement:school", kwargs=school),
        reverse("improvement:needs", kwargs=school),
        reverse("improvement:techmap", kwargs=school),
        reverse("improvement:school-export", kwargs={**school, "table": "needs"}),
        reverse("improvement:goal", kwargs={"goal_id": r["goal"].pk}),
        reverse("improvement:indicator", kwargs={"indicator_id": r["indicator"].pk}),
    ]


def test_the_schools_coach_and_the_program_lead_read_every_page(maple: Maple, readers) -> None:  # type: ignore[no-untyped-def]
    for who in ("coach", "lead"):
        client = _client(readers[who])
        for url in _read_urls(maple, readers):
            assert client.get(url).status_code == 200, f"{who} {url}"


def test_a_coach_of_another_school_gets_not_found_for_every_page(maple: Maple, readers) -> None:  # type: ignore[no-untyped-def]
    client = _client(readers["stranger"])
    for url in _read_urls(maple, readers):
        assert client.get(url).status_code == 404, url
    # …and reads their own school.
    own = reverse("improvement:school", kwargs={"school_id": readers["elsewhere"].pk})
    assert client.get(own).status_code == 200


def test_the_lead_reads_every_school_of_their_district_but_no_other(maple: Maple, readers) -> None:  # type: ignore[no-untyped-def]
    client = _client(readers["lead"])
    assert (
        client.get(reverse("improvement:school", kwargs={"school_id": readers["elsewhere"].pk})).status_code
        == 200
    )
    far = SchoolFactory(name="Far Away Elementary")  # another district
    assert client.get(reverse("improvement:school", kwargs={"school_id": far.pk})).status_code == 404


def test_readers_see_no_edit_buttons(maple: Maple, readers) -> None:  # type: ignore[no-untyped-def]
    for who in ("coach", "lead"):
        client = _client(readers[who])
        pages = "".join(client.get(url).content.decode() for url in _read_urls(maple, readers)[:3])
        pages += client.get(_read_urls(maple, readers)[4]).content.decode()
        pages += client.get(_read_urls(maple, readers)[5]).content.decode()
        for word in (
            "Set an improvement goal",
            "Draft a goal",
            "Add a tool or initiative",
            "Add an indicator",
            "Record a measurement",
            'method="post" action="/schools/',
            "/status/",
            "/delete/",
        ):
            assert word not in pages, f"{who} sees {word!r}"


def test_no_write_is_reachable_by_a_reader(maple: Maple, readers) -> None:  # type: ignore[no-untyped-def]
    school = {"school_id": maple.school.pk}
    goal, indicator, tool, link = readers["goal"], readers["indicator"], readers["tool"], readers["link"]
    writes = [
        ("get", reverse("improvement:goal-new", kwargs=school), {}),
        ("post", reverse("improvement:goal-new", kwargs=school), {"statement": "x"}),
        ("post", reverse("improvement:goal-status", kwargs={"goal_id": goal.pk}), {"status": "met"}),
        ("post", reverse("improvement:need-note", kwargs=school), {"key": "ela:all:el", "note": "x"}),
        ("post", reverse("improvement:need-move", kwargs=school), {"key": "ela:4:el", "direction": "up"}),
        ("post", reverse("improvement:need-reset", kwargs=school), {}),
        ("post", reverse("improvement:indicator-new", kwargs={"goal_id": goal.pk}), {"name": "x"}),
        (
            "post",
            reverse("improvement:measurement-new", kwargs={"indicator_id": indicator.pk}),
            {"measured_on": "2026-09-01", "value": "3"},
        ),
        ("post", reverse("improvement:tool-new", kwargs=school), {"name": "x"}),
        ("post", reverse("improvement:tool-link-new", kwargs={"tool_id": tool.pk}), {"rationale": "x"}),
        ("post", reverse("improvement:tool-link-delete", kwargs={"link_id": link.pk}), {}),
    ]
    before = (
        ImprovementGoal.objects.count(),
        Indicator.objects.count(),
        Tool.objects.count(),
        ToolLink.objects.count(),
        NeedNote.objects.count(),
        ImprovementGoal.objects.get(pk=goal.pk).status,
    )
    for who in ("coach", "lead"):
        client = _client(readers[who])
        for method, url, data in writes:
            assert getattr(client, method)(url, data).status_code == 403, f"{who} {method} {url}"
    after = (
        ImprovementGoal.objects.count(),
        Indicator.objects.count(),
        Tool.objects.count(),
        ToolLink.objects.count(),
        NeedNote.objects.count(),
        ImprovementGoal.objects.get(pk=goal.pk).status,
    )
    assert before == after


def test_readers_see_the_figures_suppressed_exactly_as_the_principal_does(maple: Maple, readers) -> None:  # type: ignore[no-untyped-def]
    url = reverse("improvement:school", kwargs={"school_id": maple.school.pk})
    principal = _client(maple.principal).get(url).content.decode()
    assert "Hidden: fewer than 10 students" in principal
    csv_url = reverse("improvement:school-export", kwargs={"school_id": maple.school.pk, "table": "needs"})
    principal_csv = _client(maple.principal).get(csv_url).content
    for who in ("coach", "lead"):
        page = _client(readers[who]).get(url).content.decode()
        assert "Hidden: fewer than 10 students" in page
        assert "You own the district's student data" not in page
        assert "English learners" in page and "25%" in page
        # The same export, to the byte: what the principal may not see, nor may they.
        assert _client(readers[who]).get(csv_url).content == principal_csv


def test_the_scope_is_built_from_cores_assignment_of_coaches(maple: Maple, readers) -> None:  # type: ignore[no-untyped-def]
    assert list(access.schools_served_by(readers["coach"])) == [maple.school]
    assert set(access.schools_readable_by(readers["lead"])) == {maple.school, readers["elsewhere"]}
    assert list(access.schools_served_by(readers["lead"])) == []
    assert list(access.schools_readable_by(maple.principal)) == [maple.school]
    # A goal of the other school stays 404 for Maple's coach.
    response = _client(readers["coach"]).get(
        reverse("improvement:goal", kwargs={"goal_id": readers["other_goal"].pk})
    )
    assert response.status_code == 404


def test_the_coach_finds_the_schools_they_serve_in_the_menu(maple: Maple, readers) -> None:  # type: ignore[no-untyped-def]
    page = _client(readers["coach"]).get(reverse("home")).content.decode()
    assert reverse("improvement:school", kwargs={"school_id": maple.school.pk}) in page
    assert reverse("improvement:school", kwargs={"school_id": readers["elsewhere"].pk}) not in page
