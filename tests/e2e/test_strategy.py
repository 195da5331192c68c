"""In a real browser, a principal of the demo district goes from "what do our data say" to two
goals with indicators and a technology map; the district admin compares schools; a teacher
sees the new goal when writing their own. axe-core checks every page on the way."""

from __future__ import annotations

import datetime
import re

import pytest

from coachmap.core.models import School
from coachmap.demo.generate import DEMO_PASSWORD, Generator
from coachmap.demo.profiles import PROFILES
from coachmap.improvement.models import GoalStatus, ImprovementGoal, ToolLink
from tests.e2e.conftest import check_page, login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def press(page, button: str) -> None:  # type: ignore[no-untyped-def]
    """Submit with the keyboard, as a keyboard user would. (A click right after a full-page
    screenshot of a long page can miss the button in headless Chromium.)"""
    page.get_by_role("button", name=button, exact=True).press("Enter")
    page.wait_for_load_state()


def test_principal_goes_from_data_to_two_goals_with_indicators_and_a_map(page) -> None:  # type: ignore[no-untyped-def]
    Generator(PROFILES["demo"], 1, datetime.date(2026, 11, 23)).run()
    school = School.objects.get(memberships__user__username="principal")
    assert ImprovementGoal.objects.filter(school=school, status=GoalStatus.ACTIVE).count() == 1

    login(page, "principal", DEMO_PASSWORD)
    page.get_by_role("link", name=school.name).click()
    assert page.get_by_role("heading", name="What our data say", exact=True).is_visible()
    assert page.get_by_role("table").first.is_visible()
    check_page(page, "principal needs assessment")

    page.get_by_role("link", name="Prioritised needs").first.click()
    check_page(page, "principal prioritised needs")
    first_need = page.locator(".needs-ranked > li h2").first.inner_text()
    page.get_by_role("link", name=re.compile(r"^Draft a goal")).first.click()
    statement = page.get_by_label("Goal statement")
    assert "% of our" in statement.input_value() and "will be proficient" in statement.input_value()
    check_page(page, "principal goal draft")
    press(page, "Set goal")
    assert page.get_by_text("Goal set.").is_visible()
    check_page(page, "principal goal")

    page.get_by_role("link", name="Add an indicator").click()
    page.get_by_label("Equity benchmark: gap between a group and all students").check()
    page.get_by_label("Target by the goal's date").fill("5")
    check_page(page, "principal indicator form")
    press(page, "Add indicator")
    page.wait_for_url(re.compile(r"/goals/\d+/$"))
    assert (
        page.get_by_role("link", name="Gap to all students").first.is_visible()
        or page.get_by_text("Equity benchmark").first.is_visible()
    )

    page.get_by_role("link", name=re.compile("^Technology map of")).click()
    assert page.get_by_text("not connected to a school goal").first.is_visible()
    check_page(page, "principal technology map")
    page.get_by_role("link", name="Add a tool or initiative").click()
    page.locator("#id_name").fill("Nearpod")
    page.get_by_label("Vendor").fill("Nearpod Inc.")
    check_page(page, "principal tool form")
    press(page, "Add to the map")
    page.get_by_label("Goal or indicator it should move").select_option(index=1)
    page.get_by_label("Why this tool should move it").fill(
        "Interactive checks show who has not understood yet."
    )
    check_page(page, "principal tool link form")
    press(page, "Link")
    assert page.get_by_text("Nearpod is linked.").is_visible()
    assert ToolLink.objects.filter(tool__name="Nearpod", indicator__isnull=False).exists()

    page.get_by_role("navigation", name="Improvement strategy").get_by_role(
        "link", name="What our data say"
    ).click()
    assert ImprovementGoal.objects.filter(school=school, status=GoalStatus.ACTIVE).count() == 2
    assert page.get_by_text("2 of 2 active").is_visible()
    assert page.get_by_role("link", name="Set an improvement goal").count() == 0
    assert first_need.split(":")[0] in page.content()
    logout(page)

    login(page, "admin", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Schools compared").click()
    page.get_by_label("Student group").select_option(label="English learners")
    page.get_by_role("button", name="Compare").click()
    assert page.get_by_role("table").locator("tbody tr").count() == 6
    check_page(page, "admin schools compared")
    page.get_by_role("link", name="District needs assessment").click()
    check_page(page, "admin district needs assessment")
    logout(page)

    login(page, "teacher", DEMO_PASSWORD)
    page.get_by_role("link", name="My goals").click()
    new_goal = ImprovementGoal.objects.filter(school=school).latest("created_at")
    assert page.get_by_text(new_goal.statement).first.is_visible()
    check_page(page, "teacher sees the school goals")
