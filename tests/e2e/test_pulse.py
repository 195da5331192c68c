"""The teacher's pulse survey in a real browser: three questions on the home page, sent with one button,
and never asked about the same session again."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from coachmap.feedback import sealing
from coachmap.feedback.models import PulseReceipt, PulseResponse, SealedAnswer
from tests.e2e.conftest import check_page, login
from tests.e2e.test_coach_week import last_wednesday
from tests.factories import (
    PASSWORD,
    CoachFactory,
    CycleFactory,
    DistrictFactory,
    SchoolFactory,
    SessionFactory,
    TeacherFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_teacher_answers_the_pulse_from_home(page) -> None:  # type: ignore[no-untyped-def]
    day = last_wednesday()
    with time_machine.travel(day, tick=True):
        district = DistrictFactory()
        school = SchoolFactory(district=district)
        coach = CoachFactory(
            district=district, schools=[school], user__first_name="Casey", user__last_name="Rivera"
        )
        teacher = TeacherFactory(school=school, user__username="taylor")
        cycle = CycleFactory(
            coach=coach, request__goal__teacher=teacher, opened_on=day.date() - datetime.timedelta(days=30)
        )
        SessionFactory(
            cycle=cycle, date=day.date() - datetime.timedelta(days=1), session_type="model", notes="private"
        )

        login(page, "taylor", PASSWORD)
        heading = page.get_by_role("heading", name="How was your modeling session with Casey Rivera")
        assert heading.is_visible()
        check_page(page, "teacher pulse on home")
        pulse = page.locator("section.pulse")
        for question, answer in (
            ("The session helped me with my goal.", "Strongly agree"),
            ("I will use something from it with my students this week.", "Agree"),
            ("I felt respected and in charge of my own learning.", "Strongly agree"),
        ):
            pulse.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
        pulse.get_by_role("button", name="Send").click()
        assert page.get_by_text("Thank you. Your answers are anonymous").is_visible()
        assert not page.get_by_role("heading", name="How was your modeling session").count()
        # One teacher's answer waits sealed in the pool until enough different teachers have answered.
        assert not PulseResponse.objects.exists() and PulseReceipt.objects.count() == 1
        entry = sealing.unseal(SealedAnswer.objects.get().sealed)
        assert entry is not None and entry["a"] == [5, 4, 5]
        check_page(page, "teacher home after the pulse")
