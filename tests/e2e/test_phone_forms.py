"""Issue 17: on a 390-pixel phone every radio and checkbox option in the ordinary forms is a
44-pixel target (its whole label row), not the 24-pixel line Django draws by default: the coach's
session form (look-fors seen) and fidelity check-in, the teacher's survey answers and email settings. Each page
is screenshotted and checked with axe, and must not scroll sideways."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coachmap.feedback.models import Question, Survey
from tests.e2e.conftest import check_page, login, logout
from tests.factories import (
    PASSWORD,
    CoachFactory,
    CycleFactory,
    DistrictFactory,
    SchoolFactory,
    TeacherFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Every radio and checkbox in the main content: the height of the box a finger can hit (the label
# wrapping the input, or the input itself when nothing wraps it).
OPTION_BOXES_JS = """
() => Array.from(document.querySelectorAll('main input[type=radio], main input[type=checkbox]'))
  .map(input => {
    const target = input.closest('label') || input;
    const box = target.getBoundingClientRect();
    return {name: `${input.name}: ${(target.textContent || '').trim().slice(0, 40)}`,
            height: Math.round(box.height * 10) / 10};
  })
"""


def _check_phone_form(page, name: str, expected_options: int) -> None:  # type: ignore[no-untyped-def]
    check_page(page, f"i17 phone form {name}")
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner == 390, f"{name} scrolls sideways at 390 px: {scroll} px wide"
    boxes = page.evaluate(OPTION_BOXES_JS)
    assert len(boxes) >= expected_options, f"{name}: expected {expected_options} options, found {boxes}"
    small = [box for box in boxes if box["height"] < 44]
    assert not small, f"Options under 44 px tall on {name}: {small}"


def test_radio_and_checkbox_options_are_44_pixels_on_a_phone(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    district = DistrictFactory(name="Riverbend")
    school = SchoolFactory(district=district, name="Maple Elementary")
    coach = CoachFactory(district=district, schools=[school], user__username="casey")
    teacher = TeacherFactory(school=school, user__username="taylor")
    cycle = CycleFactory(
        coach=coach,
        request__goal__teacher=teacher,
        look_fors=["Students explain their reasoning in writing", "Every student answers on the board"],
    )
    survey = Survey.objects.create(district=district, title="Faculty survey", school_year=2027, status="open")
    Question.objects.create(survey=survey, text="Coaching helped my students.", position=1)

    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        login(page, "casey", PASSWORD)
        page.goto(reverse("coaching:session-new", args=[cycle.pk]))
        assert page.get_by_role("checkbox", name="Students explain their reasoning in writing").is_visible()
        _check_phone_form(page, "session", expected_options=2)
        page.goto(reverse("coaching:checkin-new", args=[cycle.pk]))
        _check_phone_form(page, "check-in", expected_options=2)
        # Tapping anywhere on the row ticks the box: the label is the target, not the small square.
        row = page.locator("label", has_text="Every student answers on the board")
        box = row.bounding_box()
        page.mouse.click(box["x"] + box["width"] - 4, box["y"] + box["height"] - 4)
        assert page.get_by_role("checkbox", name="Every student answers on the board").is_checked()
        logout(page)

        login(page, "taylor", PASSWORD)
        page.goto(reverse("feedback:survey-answer", args=[survey.pk]))
        _check_phone_form(page, "survey answer", expected_options=5)
        page.goto(reverse("notifications:settings"))
        _check_phone_form(page, "email settings", expected_options=2)
    finally:
        context.close()
