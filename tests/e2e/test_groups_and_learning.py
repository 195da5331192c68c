"""Issue 16 in a real browser on a 390-pixel phone, with axe on every page: a teacher joins a group
cycle and the coach opens it (a member who declined is nowhere on the page), and two teachers sign
up for the last seat of a professional-learning offering (one gets it, one is waitlisted)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from coachmap.coaching.groups import services as group_services
from coachmap.coaching.learning import services as learning_services
from coachmap.coaching.learning.services import SessionPlan
from coachmap.coaching.lighter import services as lighter_services
from coachmap.coaching.lighter.status import WORKSHOP_OPEN
from coachmap.coaching.models import GroupStatus, Seat, SupportKind
from coachmap.core.models import Role
from tests.e2e.conftest import check_page, login, logout
from tests.e2e.test_daily_work import check_layout, last_wednesday
from tests.factories import (
    PASSWORD,
    CoachFactory,
    DistrictFactory,
    ImprovementGoalFactory,
    RequestFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
    member,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def _form_ok(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """A one-form page: axe and no sideways scroll. (Its radio buttons are 44 px through their label
    rows, which `check_layout`'s measure of the bare input does not see; the shared form page's
    "Cancel" link is the house's.)"""
    check_page(page, f"i16 {name} 390")
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner == 390, f"{name} scrolls sideways: {scroll} px wide"


def _phone(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    return context, context.new_page()


def test_a_teacher_joins_a_group_cycle_and_the_coach_opens_it_on_a_phone(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    day = last_wednesday()
    with time_machine.travel(day, tick=True):
        district = DistrictFactory(name="Riverbend")
        school = SchoolFactory(district=district, name="Maple Elementary")
        goal = ImprovementGoalFactory(school=school)
        coach = CoachFactory(district=district, schools=[school], user__username="casey")
        taylor = TeacherFactory(school=school, user__username="taylor", user__first_name="Taylor")
        jordan = TeacherFactory(school=school, user__first_name="Jordan", user__last_name="Lee")
        dora = TeacherFactory(school=school, user__first_name="Dora", user__last_name="Declined")
        group = group_services.group_form(
            coach=coach,
            school_id=school.pk,
            improvement_goal=goal,
            name="Grade 3 team",
            kind="plc",
            focus="How do our students explain the main idea?",
            teachers=[taylor, jordan, dora],
        )
        group_services.group_answer(teacher=jordan, group=group, accept=True)
        group_services.group_answer(teacher=dora, group=group, accept=False)

        context, page = _phone(browser, live_server)
        login(page, "taylor", PASSWORD)
        page.goto(reverse("coaching:groups"))
        check_layout(page, "teacher group invitations", 390)
        page.get_by_role("link", name="Grade 3 team").click()
        assert page.get_by_role("heading", name="You are invited").is_visible()
        check_layout(page, "teacher group invitation", 390)
        page.get_by_role("button", name="Join the group").click()
        assert page.get_by_text("You joined “Grade 3 team”").is_visible()
        body = page.content()
        assert "Dora" not in body and "declined" not in body.lower()
        check_layout(page, "teacher in a forming group", 390)
        logout(page)

        login(page, "casey", PASSWORD)
        page.goto(reverse("coaching:group", args=[group.pk]))
        page.get_by_role("button", name="Open the group cycle").click()
        assert page.get_by_text("The group cycle has started").is_visible()
        check_layout(page, "coach group cycle", 390)
        page.get_by_role("link", name="Log a session").click()
        _form_ok(page, "coach group session form")
        page.get_by_label("Protocol").select_option(label="Looking at Student Work")
        page.get_by_label("Notes").fill("We sorted the exit tickets into three piles.")
        for i, (assessed, meeting) in enumerate(((24, 9), (22, 11))):  # one row per member's classroom
            page.locator("input[name^=assessed_]").nth(i).fill(str(assessed))
            page.locator("input[name^=meeting_]").nth(i).fill(str(meeting))
        page.get_by_role("button", name="Log session").click()
        assert page.get_by_text("Session logged.").is_visible()
        assert page.get_by_role("table", name="Student work from the classrooms").is_visible()
        check_layout(page, "coach group cycle with a session", 390)
        context.close()
    group.refresh_from_db()
    assert group.status == GroupStatus.ACTIVE and group.sessions.get().evidence.count() == 2


def test_two_teachers_sign_up_for_the_last_seat_on_a_phone(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    day = last_wednesday()
    with time_machine.travel(day, tick=True):
        district = DistrictFactory(name="Riverbend")
        school = SchoolFactory(district=district, name="Maple Elementary")
        goal = ImprovementGoalFactory(school=school)
        lead = member(UserFactory(username="lena"), Role.PROGRAM_LEAD, district=district)
        coach = CoachFactory(district=district, schools=[school])
        taylor = TeacherFactory(school=school, user__username="taylor")
        TeacherFactory(school=school, user__username="jordan")
        # Taylor took up a workshop for this goal: the offering tells her, and her support follows her seat.
        support = lighter_services.lighter_support_start(
            teacher=taylor,
            kind=SupportKind.WORKSHOP,
            request=RequestFactory(goal__teacher=taylor, goal__improvement_goal=goal),
        )
        offering = learning_services.offering_add(
            actor=lead,
            district=district,
            title="Small groups with Lexia",
            description="Plan rotations so each group knows its next task.",
            seats=1,
            sessions=[SessionPlan(day + datetime.timedelta(days=7), 90, "Library")],
            goals=[goal],
            grade_bands=["3-5"],
            presenter_coach=coach,
        )
        context, page = _phone(browser, live_server)
        login(page, "taylor", PASSWORD)
        assert page.get_by_text(WORKSHOP_OPEN).first.is_visible()
        check_layout(page, "taylor home with a workshop open", 390)
        page.get_by_role("link", name="Sign up for Small groups with Lexia").click()
        assert page.get_by_role("button", name="Sign up").is_visible()
        logout(page)
        for username, expected in (("taylor", "You have a seat"), ("jordan", "you are on the waitlist")):
            login(page, username, PASSWORD)
            page.goto(reverse("coaching:offerings"))
            check_layout(page, f"{username} professional learning catalog", 390)
            page.get_by_role("link", name="Small groups with Lexia").click()
            check_layout(page, f"{username} offering", 390)
            page.get_by_role(
                "button", name="Sign up" if username == "taylor" else "Join the waitlist"
            ).click()
            assert page.get_by_text(expected).first.is_visible()
            check_layout(page, f"{username} offering after sign-up", 390)
            logout(page)
        login(page, "taylor", PASSWORD)
        page.goto(reverse("coaching:lighter-support", args=[support.pk]))
        assert page.get_by_role("heading", name="Workshop: signed up").is_visible()
        check_layout(page, "taylor workshop support signed up", 390)
        context.close()
    assert sorted(Seat.objects.filter(offering=offering).values_list("status", flat=True)) == [
        "enrolled",
        "waitlisted",
    ]
