"""The coach's week in a real browser: micro-coaching logged on a phone in a few taps, then the week's
time grid, prefilled from what was logged, confirmed."""

from __future__ import annotations

import datetime
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from coachmap.coaching.models import CoachingSession, TimeEntry
from tests.e2e.conftest import check_page, login
from tests.factories import (
    PASSWORD,
    CoachFactory,
    CycleFactory,
    DistrictFactory,
    SchoolFactory,
    TeacherFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
NY = ZoneInfo("America/New_York")


def last_wednesday() -> datetime.datetime:
    """A recent working day, so the day's column is on the Monday-to-Friday grid whenever the suite runs."""
    today = datetime.datetime.now(NY).date()
    wednesday = today - datetime.timedelta(days=(today.weekday() - 2) % 7)
    return datetime.datetime.combine(wednesday, datetime.time(10, 0), tzinfo=NY)


def test_micro_coaching_on_a_phone_then_the_coach_confirms_the_week(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    day = last_wednesday()
    with time_machine.travel(day, tick=True):
        district = DistrictFactory(name="Riverbend")
        school = SchoolFactory(district=district, name="Maple Elementary")
        coach = CoachFactory(
            district=district,
            schools=[school],
            user__username="casey",
            user__first_name="Casey",
            user__last_name="Rivera",
        )
        for first in ("Taylor", "Jordan"):
            teacher = TeacherFactory(school=school, user__first_name=first, user__last_name="Morgan")
            CycleFactory(
                coach=coach,
                request__goal__teacher=teacher,
                opened_on=day.date() - datetime.timedelta(days=20),
            )

        phone = browser.new_context(
            base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
        )
        page = phone.new_page()
        login(page, "casey", PASSWORD)
        page.get_by_role("link", name="Log micro-coaching", exact=True).click()
        check_page(page, "coach micro-coaching on a phone")
        started = time.monotonic()
        page.get_by_label("Taylor Morgan").check()  # tap 1: who (10 minutes and today are the defaults)
        page.get_by_role("button", name="Log micro-coaching").click()  # tap 2
        assert page.get_by_text("Logged 10 minutes of micro-coaching with Taylor Morgan").is_visible()
        assert time.monotonic() - started < 30
        no_sideways_scroll = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert no_sideways_scroll
        session = CoachingSession.objects.get()
        assert (session.session_type, session.minutes, session.date) == ("micro", 10, day.date())
        phone.close()

        desk = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        page = desk.new_page()
        login(page, "casey", PASSWORD)
        page.get_by_role("link", name="My time").click()
        cell = page.get_by_label(f"Micro-coaching, {day:%A %B} {day.day}")
        assert cell.input_value() == "10"  # prefilled from the session log
        page.get_by_label(f"Supervision duty, {day:%A %B} {day.day}").fill("30")
        page.get_by_label(f"Planning for coaching, {day:%A %B} {day.day}").fill("80")
        check_page(page, "coach time grid")
        page.get_by_role("button", name="Confirm this week").click()
        assert page.get_by_text("confirmed", exact=False).first.is_visible()
        assert page.get_by_text("75% coaching").is_visible()
        assert sorted(TimeEntry.objects.values_list("category", "minutes")) == [
            ("micro", 10),
            ("planning", 80),
            ("supervision", 30),
        ]
        check_page(page, "coach time grid confirmed")
        desk.close()
