"""In a real browser on a phone-sized screen, the program lead and a principal read the impact
estimates of the demo district (which plants a known coaching effect); axe-core checks each page."""

from __future__ import annotations

import datetime

import pytest

from coachmap.demo.generate import DEMO_PASSWORD, Generator
from coachmap.demo.profiles import PROFILES
from tests.e2e.conftest import check_page, login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_lead_and_principal_read_the_impact_estimates_at_390_px(page) -> None:  # type: ignore[no-untyped-def]
    Generator(PROFILES["demo"], 1, datetime.date(2026, 11, 23)).run()
    page.set_viewport_size({"width": 390, "height": 844})

    login(page, "lead", DEMO_PASSWORD)
    page.goto("/impact/")
    assert page.get_by_role("heading", name="Did it work? Riverbend Unified School District").is_visible()
    assert page.get_by_text("95 % interval").first.is_visible()
    assert page.get_by_text("does not prove coaching caused").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    check_page(page, "impact lead 390")

    page.get_by_label("Method").select_option("gain")
    page.get_by_role("button", name="Show").press("Enter")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    check_page(page, "impact lead gain 390")
    logout(page)

    login(page, "principal", DEMO_PASSWORD)
    page.goto("/impact/")
    assert page.get_by_role("heading", name="How these figures are made").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    check_page(page, "impact principal 390")
