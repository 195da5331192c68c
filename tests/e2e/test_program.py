"""The program as a whole (issue 16) on a phone (390 px) in the demo district, with axe: the lead
publishes a new version of the look-for framework, reads the levels in aggregate, annotates this
year's review; a teacher reads the vision from home; a coach assesses themselves."""

from __future__ import annotations

import datetime

import pytest

from coachmap.demo.generate import DEMO_PASSWORD, Generator
from coachmap.demo.profiles import PROFILES
from tests.e2e.conftest import login, logout
from tests.e2e.test_lead_walks import PHONE, check, open_menu

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db: None) -> None:
    Generator(PROFILES["demo"], 1, datetime.date(2026, 11, 23)).run()


def test_the_program_on_a_phone(page, demo) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": PHONE, "height": 900})
    login(page, "lead", DEMO_PASSWORD)

    open_menu(page, "Look-for framework")
    page.get_by_role("heading", name="What quality technology use looks like").wait_for()
    check(page, "framework", PHONE)
    page.get_by_role("link", name="Edit and publish a new version").click()
    check(page, "framework editor", PHONE)
    field = page.get_by_label("Look-fors: Grades 9 to 12")
    field.fill(field.input_value() + "\nStudents critique a source's claims with evidence.")
    page.get_by_label("What changed").fill("A look-for on judging sources in high school.")
    page.get_by_role("button", name="Publish as version 3").click()
    page.get_by_role("heading", name="Publish version 3 of the look-for framework?").wait_for()
    check(page, "framework confirmation", PHONE)
    page.get_by_role("button", name="Publish version 3").click()
    page.get_by_text("New version published").wait_for()
    page.get_by_text("Students critique a source's claims with evidence.").wait_for()
    page.get_by_role("link", name="Version 1").click()
    page.get_by_text("an earlier version").wait_for()
    check(page, "framework version 1", PHONE)

    open_menu(page, "Technology use by level")
    check(page, "levels by school", PHONE)

    open_menu(page, "Annual review")
    check(page, "reviews", PHONE)
    page.get_by_role("link", name="2026–2027").click()
    page.get_by_role("heading", name="What worked, and what to change").wait_for()
    check(page, "annual review", PHONE)
    page.get_by_label("What to change next year").fill("Two PLC cycles per school.")
    page.get_by_role("button", name="Save the notes").click()
    page.get_by_text("Saved. The review keeps").wait_for()
    assert page.get_by_label("What to change next year").input_value() == "Two PLC cycles per school."
    logout(page)

    login(page, "teacher", DEMO_PASSWORD)
    page.get_by_role("link", name="our coaching program's vision and aims").click()
    page.get_by_role("heading", name="Our coaching program: vision and aims").wait_for()
    check(page, "vision for a teacher", PHONE)
    logout(page)

    login(page, "coach", DEMO_PASSWORD)
    open_menu(page, "My growth")
    check(page, "my growth", PHONE)
    page.get_by_role("link", name="Change this term's self-assessment").click()
    check(page, "self-assessment", PHONE)
    page.get_by_role("button", name="Save my self-assessment").click()
    page.get_by_text("Self-assessment saved").wait_for()
