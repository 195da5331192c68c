"""The alignment chain end to end, in a real browser: goal → request → proposal → consent → cycle → session."""

from __future__ import annotations

import pytest
from django.utils import timezone

from coachmap.core.models import Role
from tests.e2e.conftest import check_page, login, logout
from tests.factories import (
    PASSWORD,
    CoachFactory,
    DistrictFactory,
    ImprovementGoalFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
    member,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOTE = "Taylor is nervous about the observation; we agreed the timer helps transitions."


def test_teacher_to_session_and_the_principal_sees_counts_not_notes(page) -> None:  # type: ignore[no-untyped-def]
    # A district that reports groups of one, so the single session is visible as a count.
    district = DistrictFactory(name="Riverbend", min_group_size=1)
    school = SchoolFactory(district=district, name="Maple Elementary")
    ImprovementGoalFactory(
        school=school,
        statement="By June, 55% of our English learners will be proficient in ELA, up from 38%.",
    )
    TeacherFactory(
        school=school, user__username="taylor", user__first_name="Taylor", user__last_name="Morgan"
    )
    CoachFactory(
        district=district,
        schools=[school],
        user__username="casey",
        user__first_name="Casey",
        user__last_name="Rivera",
    )
    member(UserFactory(username="lee"), Role.PROGRAM_LEAD, district=district)
    member(UserFactory(username="pat"), Role.PRINCIPAL, district=district, school=school)

    # The teacher writes a goal from the school goal and asks for coaching.
    login(page, "taylor", PASSWORD)
    check_page(page, "teacher home")
    page.get_by_role("link", name="Write a goal or ask for coaching").click()
    page.get_by_label("By June, 55% of our English learners").check()
    page.get_by_label("My professional goal").fill("Run Lexia small-group rotations twice a week.")
    check_page(page, "teacher goal form")
    page.get_by_role("button", name="Save my goal").click()
    page.get_by_label("What would you like help with?").fill("Lexia, small-group rotations")
    check_page(page, "teacher request form")
    page.get_by_role("button", name="Send request").click()
    assert page.get_by_text("Waiting for a coach").is_visible()
    logout(page)

    # The program lead proposes the coach.
    login(page, "lee", PASSWORD)
    page.get_by_role("link", name="Requests", exact=True).click()
    check_page(page, "lead requests")
    page.get_by_role("link", name="Propose a coach for Taylor Morgan").click()
    page.get_by_label("Casey Rivera").check()
    check_page(page, "lead assign")
    page.get_by_role("button", name="Propose coach").click()
    assert page.get_by_text("Proposed Casey Rivera").is_visible()
    logout(page)

    # The teacher accepts: nothing starts without consent.
    login(page, "taylor", PASSWORD)
    page.get_by_role("button", name="Accept Casey Rivera").click()
    assert page.get_by_text("You accepted Casey Rivera").is_visible()
    logout(page)

    # The coach opens the cycle and logs a session with confidential notes.
    login(page, "casey", PASSWORD)
    page.get_by_role("link", name="Caseload", exact=True).click()
    check_page(page, "coach caseload")
    page.get_by_role("button", name="Open cycle with Taylor Morgan").click()
    page.get_by_role("link", name="Log a session").click()
    page.get_by_label("Date").fill(timezone.localdate().isoformat())
    page.get_by_label("Minutes").fill("45")
    page.get_by_label("Type").select_option(label="Co-planning")
    page.get_by_label("Confidential notes").fill(NOTE)
    check_page(page, "coach session form")
    page.get_by_role("button", name="Log session").click()
    assert page.get_by_text(NOTE).is_visible()
    check_page(page, "coach cycle")
    logout(page)

    # The principal sees that coaching happened, never what was said.
    login(page, "pat", PASSWORD)
    page.get_by_role("link", name="Coaching trends").first.click()
    check_page(page, "principal coaching trends")
    # The year's coaching by month, at the foot of the program dashboard.
    table = page.locator("section[aria-labelledby=trends] table")
    total = table.locator("tfoot tr")
    assert total.locator("td").nth(2).inner_text() == "1"  # sessions
    assert total.locator("td").nth(3).inner_text() == "45"  # minutes
    assert NOTE not in page.content()
    page.get_by_role("link", name="Home", exact=True).click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="What our data say").click()
    check_page(page, "principal school")
    assert NOTE not in page.content()
