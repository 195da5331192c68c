"""The program dashboard and a summary in the demo district, on a phone (390 px) and a desktop
(1280 px), for the program lead and a principal: no sideways scrolling, axe with no serious
violation, a screenshot of each in tests/artifacts/, and every chart with its table beside it."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from coachmap.demo.generate import DEMO_PASSWORD, Generator
from coachmap.demo.profiles import PROFILES
from tests.e2e.conftest import login, logout
from tests.e2e.test_lead_walks import DESKTOP, PHONE, check

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db: None) -> None:
    Generator(PROFILES["demo"], 1, datetime.date(2026, 11, 23)).run()
    # As `make demo` does: the needs tables' disclosure audits run once, before anyone reads a goal.
    call_command("audit_tables")


def test_the_lead_reads_the_dashboard_and_the_program_summary(page, demo) -> None:  # type: ignore[no-untyped-def]
    page.set_default_timeout(
        60_000
    )  # the dashboard reads every goal's history: a few seconds on a busy machine
    login(page, "lead", DEMO_PASSWORD)
    for width in (DESKTOP, PHONE):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/reports/coaching/")
        assert page.get_by_role("heading", name="Program dashboard", exact=True).is_visible()
        assert page.get_by_role(
            "heading", name="Reach: teachers who asked, were matched, started and finished"
        ).is_visible()
        # Each chart has its text alternative on the canvas and its figures in a table.
        for canvas in page.locator("canvas[data-chart]").all():
            assert (canvas.get_attribute("aria-label") or "").startswith(("Bar chart", "Line chart"))
        assert page.get_by_role("table", name="Reach by school").is_visible()
        check(page, "dashboard lead", width)
        page.get_by_role("link", name="Open the summary").click()
        assert page.get_by_role("heading", name="Summary: The coaching program").is_visible()
        assert page.get_by_role("heading", name="Where coaching went").is_visible()
        check(page, "summary program", width)
    logout(page)


def test_the_principal_sees_their_school_part(page, demo) -> None:  # type: ignore[no-untyped-def]
    page.set_default_timeout(60_000)
    login(page, "principal", DEMO_PASSWORD)
    for width in (DESKTOP, PHONE):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/reports/coaching/")
        heading = page.get_by_role("heading", level=1).inner_text()
        assert heading.startswith("Program dashboard: ")
        assert (
            page.get_by_role("heading", name="Time: share of the coaches' time spent coaching").count() == 0
        )
        check(page, "dashboard principal", width)
        page.goto("/reports/summary/")
        check(page, "summary school", width)
