"""Best fit in a real browser: intake and request → a matching round, confirmed → consent → the coach's new cycle."""

from __future__ import annotations

import pytest

from coachmap.coaching.bestfit import services as fit_services
from coachmap.coaching.bestfit.placement import SELF_ASSESSMENT
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


def test_intake_and_request_then_a_confirmed_round_then_consent_then_the_coach_sees_the_cycle(page) -> None:  # type: ignore[no-untyped-def]
    district = DistrictFactory(name="Riverbend", min_group_size=1)
    school = SchoolFactory(district=district, name="Maple Elementary")
    ImprovementGoalFactory(
        school=school,
        statement="By June, 55% of our English learners will be proficient in ELA, up from 38%.",
    )
    TeacherFactory(
        school=school, user__username="taylor", user__first_name="Taylor", user__last_name="Morgan"
    )
    casey = CoachFactory(
        district=district,
        schools=[school],
        capacity=4,
        user__username="casey",
        user__first_name="Casey",
        user__last_name="Rivera",
    )
    fit_services.coach_profile_update(
        coach=casey,
        tools=["Lexia"],
        content_areas=["ela"],
        grade_bands=["elementary"],
        practices=["small-group rotations"],
        quadrants=["new_confident"],
        languages=["English"],
    )
    member(UserFactory(username="lee"), Role.PROGRAM_LEAD, district=district)

    # The teacher fills in the intake, writes a goal and asks for coaching.
    login(page, "taylor", PASSWORD)
    page.get_by_role("link", name="Fill in my intake").click()
    page.get_by_label("Years of teaching experience").fill("2")
    page.get_by_label("I am new to our current curriculum adoption").check()
    for item in SELF_ASSESSMENT:
        page.get_by_role("group", name=item.text).get_by_label("4", exact=True).check()
    page.get_by_role("group", name="How comfortable are you with classroom technology?").get_by_label(
        "3", exact=True
    ).check()
    page.get_by_label("Tools you want help with").fill("Lexia")
    page.get_by_role("group", name="When could you meet a coach?").get_by_label("After school").check()
    check_page(page, "teacher intake form")
    page.get_by_role("button", name="Save my intake").click()
    assert page.get_by_text("Your intake is saved").is_visible()
    page.get_by_label("By June, 55% of our English learners").check()
    page.get_by_label("My professional goal").fill("Run Lexia small-group rotations twice a week.")
    page.get_by_role("button", name="Save my goal").click()
    page.get_by_label("What would you like help with?").fill("Lexia, small-group rotations")
    page.get_by_role("button", name="Send request").click()
    assert page.get_by_text("Waiting for a coach").is_visible()
    logout(page)

    # The program lead runs a round, reads the explanation, and confirms.
    login(page, "lee", PASSWORD)
    page.get_by_role("link", name="Matching", exact=True).click()
    check_page(page, "lead matching rounds")
    page.get_by_role("button", name="Run a matching round").click()
    assert page.get_by_text("1 of 1 requests matched with a coach").is_visible()
    proposal = page.get_by_role("article").filter(has_text="Taylor Morgan")
    assert proposal.get_by_text("Casey Rivera").first.is_visible()
    assert proposal.locator("summary").filter(has_text="Covers 2 of 2 needs").is_visible()
    check_page(page, "lead matching round")
    page.get_by_role("button", name="Confirm and send to teachers").click()
    assert page.get_by_role("heading", name="Send proposals to 1 teacher?").is_visible()
    check_page(page, "lead confirms a round")
    page.get_by_role("button", name="Send to 1 teacher").click()
    assert page.get_by_text("Round confirmed").is_visible()
    page.get_by_role("link", name="Quadrants", exact=True).click()
    check_page(page, "lead quadrants")
    logout(page)

    # The teacher sees the proposed coach and accepts: nothing starts without consent.
    login(page, "taylor", PASSWORD)
    page.get_by_role("link", name="Notifications", exact=True).click()
    assert page.get_by_text("The coaching team proposes Casey Rivera").is_visible()
    check_page(page, "teacher notifications")
    page.get_by_role("link", name="Home", exact=True).click()
    page.get_by_role("button", name="Accept Casey Rivera").click()
    assert page.get_by_text("You accepted Casey Rivera").is_visible()
    logout(page)

    # The coach is notified, opens the cycle and sees it, with the teacher's intake at hand.
    login(page, "casey", PASSWORD)
    page.get_by_role("link", name="Notifications", exact=True).click()
    page.get_by_role("link", name="Taylor Morgan accepted you as their coach").click()
    check_page(page, "coach caseload with an accepted request")
    page.get_by_role("button", name="Open cycle with Taylor Morgan").click()
    assert page.get_by_role("heading", name="Coaching cycle: Taylor Morgan with Casey Rivera").is_visible()
    check_page(page, "coach new cycle")
    page.get_by_role("link", name="Caseload", exact=True).click()
    page.get_by_role("link", name="Newer to teaching, confident (intake of Taylor Morgan)").click()
    assert page.get_by_role("heading", name="Intake of Taylor Morgan").is_visible()
    check_page(page, "coach reads the intake")


def test_every_best_fit_page_is_accessible_for_the_role_that_uses_it(page, world) -> None:  # type: ignore[no-untyped-def]
    """axe-core on the pages the chain test does not walk: handover, referral, policy, look-fors, ..."""
    w = world
    login(page, "tina", PASSWORD)
    check_page(page, "teacher home with an offer and a referral")
    page.get_by_role("link", name="My intake", exact=True).click()
    check_page(page, "teacher intake with a placement")
    logout(page)

    login(page, "carla", PASSWORD)
    page.get_by_role("link", name="My profile", exact=True).click()
    check_page(page, "coach profile")
    page.get_by_role("link", name="Look-fors", exact=True).click()
    check_page(page, "coach look-fors")
    page.goto(f"/handovers/{w.handover.pk}/")
    check_page(page, "receiving coach reads the handover note")
    page.goto(f"/cycles/{w.cycle.pk}/")
    page.get_by_role("link", name="End with a referral").click()
    check_page(page, "coach ends a cycle with a referral")
    page.go_back()
    page.get_by_role("link", name="Hand over to another coach").click()
    check_page(page, "coach hands over")
    logout(page)

    login(page, "lena", PASSWORD)
    for link, name in [
        ("Caseloads", "lead caseloads"),
        ("Referrals", "lead referrals"),
        ("Routing policy", "lead routing policy"),
        ("Notifications", "lead notifications"),
    ]:
        page.get_by_role("link", name=link, exact=True).click()
        check_page(page, name)
    page.goto(f"/proposals/{w.draft_proposal.pk}/edit/")
    check_page(page, "lead changes a proposal")
    logout(page)

    login(page, "paula", PASSWORD)
    page.get_by_role("link", name="Quadrants", exact=True).click()
    check_page(page, "principal quadrants")
    logout(page)
