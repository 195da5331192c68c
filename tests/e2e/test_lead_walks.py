"""The program lead, the principal and the district admin through their main job on a phone (390 px)
and a desktop (1280 px) in the demo district (issue 17).

On every page: no sideways scrolling (scrollWidth <= innerWidth), axe with no serious violation
(`check_page`, which also keeps a screenshot in tests/artifacts/), and on the phone every control
a thumb needs at least 44 pixels tall. Inline links inside a sentence are exempt, as WCAG 2.5.8 allows.
"""

from __future__ import annotations

import datetime
import re

import pytest

from coachmap.demo.generate import DEMO_PASSWORD, Generator
from coachmap.demo.profiles import PROFILES
from tests.e2e.conftest import check_page, login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE, DESKTOP = 390, 1280
SMALL_TARGETS = """() => [...document.querySelectorAll(
    'button, select, textarea, summary, a.button, nav a, input:not([type=hidden]):not([type=checkbox]):not([type=radio])')]
  .filter(e => e.offsetParent !== null && e.getBoundingClientRect().width > 0)
  .filter(e => e.getBoundingClientRect().height < 43.5)
  .map(e => `${e.tagName.toLowerCase()} “${(e.textContent || e.getAttribute('aria-label') || e.name || '').trim().slice(0, 40)}” `
    + `${Math.round(e.getBoundingClientRect().height)} px`)"""


def check(page, name: str, width: int) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_load_state("load")
    wide = page.evaluate("document.documentElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    assert wide <= inner, f"{name} at {width} px scrolls sideways: {wide} px wide in {inner} px"
    if width == PHONE:
        small = page.evaluate(SMALL_TARGETS)
        assert not small, f"{name} at {width} px has touch targets under 44 px: {small}"
    check_page(page, f"walk {name} {width}")


def open_menu(page, link: str) -> None:  # type: ignore[no-untyped-def]
    """Follow a main-menu link, opening the menu first where the phone folds it."""
    button = page.get_by_role("button", name="Menu")
    if button.is_visible() and button.get_attribute("aria-expanded") == "false":
        button.click()
    page.locator("#main-menu").get_by_role("link", name=link, exact=True).click()


@pytest.fixture
def demo(db: None) -> None:
    Generator(PROFILES["demo"], 1, datetime.date(2026, 11, 23)).run()


def test_the_lead_reviews_waiting_requests_a_round_caseloads_and_the_policy(page, demo) -> None:  # type: ignore[no-untyped-def]
    login(page, "lead", DEMO_PASSWORD)
    for width in (DESKTOP, PHONE):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/")
        check(page, "lead home", width)
        page.get_by_role(
            "link", name="Matching", exact=True
        ).first.click() if width == DESKTOP else open_menu(page, "Matching")
        check(page, "lead matching rounds", width)
        page.get_by_role("link", name=re.compile(r"^Round \d+$")).first.click()  # the newest round
        assert page.get_by_text("How well the matches fit").is_visible()
        first_fit = page.locator("details.fit").first
        assert first_fit.get_attribute("open") is None  # folded until asked
        first_fit.locator("summary").click()
        assert first_fit.locator("table").is_visible()
        check(page, "lead matching round", width)
        page.get_by_role("link", name="Change this proposal").first.click()
        assert page.get_by_text("best fit with this teacher first").is_visible()
        check(page, "lead changes a proposal", width)
        page.go_back()
        page.get_by_role("button", name="Confirm and send to teachers…").click()
        assert page.get_by_role("heading", name="Send proposals to").is_visible()
        check(page, "lead confirmation before sending", width)
        page.get_by_role("link", name="Cancel, change nothing").click()
        open_menu(page, "Caseloads")
        check(page, "lead caseloads", width)
        open_menu(page, "Routing policy")
        page.get_by_text("How routing and matching use these settings").click()
        check(page, "lead routing policy", width)
        # The requests and referrals pages: a chart (bars from zero) above the table, and a CSV.
        for url, name in (("/requests/", "requests"), ("/referrals/", "referrals")):
            page.goto(url)
            if page.locator("canvas[data-chart]").count():
                assert page.locator("canvas[data-chart]").first.is_visible()
            assert page.get_by_role("link", name="as CSV").count() <= 1
            check(page, f"lead {name}", width)
    # The job's end: the round goes out after the confirmation.
    page.goto("/matching/")
    page.get_by_role("link", name=re.compile(r"^Round \d+$")).first.click()  # the newest round
    page.get_by_role("button", name="Confirm and send to teachers…").click()
    page.get_by_role("button", name="Send to").click()
    assert page.get_by_text("Round confirmed").is_visible()
    logout(page)


def test_the_principal_reads_goal_progress_and_the_schools_data(page, demo) -> None:  # type: ignore[no-untyped-def]
    login(page, "principal", DEMO_PASSWORD)
    for width in (DESKTOP, PHONE):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/")
        check(page, "principal home", width)
        page.locator("ul.goals a").first.click()
        assert page.get_by_role("heading", name="Improvement goal").is_visible()
        check(page, "principal goal progress", width)
        open_menu(page, "What our data say")
        check(page, "principal what our data say", width)
        open_menu(page, "Prioritised needs")
        check(page, "principal prioritised needs", width)
        open_menu(page, "Coaching trends")
        check(page, "principal coaching trends", width)
        open_menu(page, "Surveys")
        check(page, "principal surveys", width)
    logout(page)


def test_the_admin_compares_schools_and_reads_the_district(page, demo) -> None:  # type: ignore[no-untyped-def]
    login(page, "admin", DEMO_PASSWORD)
    for width in (DESKTOP, PHONE):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/")
        check(page, "admin home", width)
        open_menu(page, "Schools compared")
        assert page.get_by_text("All students, English language arts").is_visible()
        check(page, "admin schools compared", width)
        page.get_by_label("Student group").select_option(label="English learners")
        page.get_by_role("button", name="Compare").click()
        assert page.get_by_text("English learners compared with all students").is_visible()
        check(page, "admin schools compared for a group", width)
        open_menu(page, "District needs")
        check(page, "admin district needs", width)
        open_menu(page, "Coaching trends")
        check(page, "admin coaching trends", width)
    logout(page)
