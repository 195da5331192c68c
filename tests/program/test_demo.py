"""The demo district shows the program as a whole (issue 16): the framework and its history,
walkthroughs and rated check-ins, the rubric and self-assessments, the vision and a review."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from coachmap.coaching.lighter.status import WORKSHOP_OPEN
from coachmap.coaching.models import FidelityCheckIn, LighterSupport, SupportKind
from coachmap.core.models import User
from coachmap.demo.generate import Generator
from coachmap.demo.profiles import PROFILES
from coachmap.improvement.models import FrameworkVersion, Walkthrough
from coachmap.program.models import AnnualReview, Competency, ProgramVision, SelfAssessment

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def test_the_demo_district_seeds_the_framework_growth_vision_and_a_review() -> None:
    Generator(PROFILES["demo"], 1, TODAY).run()
    assert list(FrameworkVersion.objects.values_list("number", flat=True)) == [2, 1]
    assert Walkthrough.objects.count() == 84
    assert FidelityCheckIn.objects.filter(framework_level__isnull=False).exists()
    assert Competency.objects.count() == 7
    assert SelfAssessment.objects.count() == 6
    assert ProgramVision.objects.get().aims
    review = AnnualReview.objects.get()
    assert review.what_to_change and review.figures["reach"]["rows"]

    lead = Client()
    lead.force_login(User.objects.get(username="lead"))
    for name in ("program:framework-report", "program:team-growth", "program:reviews"):
        assert lead.get(reverse(name)).status_code == 200
    page = lead.get(reverse("program:review", args=[review.school_year])).content.decode()
    assert "What to change next year" in page
    teacher = Client()
    teacher.force_login(User.objects.get(username="teacher"))
    assert "Every coaching hour" in teacher.get(reverse("program:vision")).content.decode()


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC))
def test_the_demo_district_has_a_workshop_support_with_an_open_workshop_to_sign_up_for() -> None:
    Generator(PROFILES["demo"], 1, TODAY).run()
    support = LighterSupport.objects.get(kind=SupportKind.WORKSHOP, offering__isnull=False)
    reader = Client()
    reader.force_login(support.teacher.user)
    page = reader.get(reverse("coaching:lighter-support", args=[support.pk])).content.decode()
    assert WORKSHOP_OPEN in page and reverse("coaching:offering", args=[support.offering_id]) in page
