"""The vision and the annual review (issue 16, part 6): the lead writes, everyone reads the vision;
the review gathers suppressed figures and the lead's notes, year by year, past years read-only."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from coachmap.program import access as program_access
from coachmap.program import services
from coachmap.program.models import AnnualReview
from tests.conftest import SECRET_NOTE, World

pytestmark = pytest.mark.django_db
MAY = datetime.datetime(2027, 5, 20, 12, tzinfo=ZoneInfo("America/New_York"))
NEXT_SEPTEMBER = datetime.datetime(2027, 9, 14, 12, tzinfo=ZoneInfo("America/New_York"))


def test_the_lead_writes_the_vision_and_every_teacher_reads_it(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.vision_write(actor=world.principal, district=world.district, vision="Mine", aims=[])
    with pytest.raises(ValidationError) as raised:
        services.vision_write(actor=world.lead, district=world.district, vision="  ", aims=[])
    assert "vision" in raised.value.message_dict
    services.vision_write(
        actor=world.lead,
        district=world.district,
        vision="Every coaching hour serves our students' goals.",
        aims=["Tie cycles to goals", "", "Grow the coaches"],
    )
    body = world.client("teacher").get(reverse("program:vision")).content.decode()
    assert "Every coaching hour serves" in body and "Grow the coaches" in body
    home = world.client("teacher").get(reverse("home")).content.decode()
    assert reverse("program:vision") in home


def test_the_annual_review_is_kept_year_by_year_and_past_years_are_read_only(world: World) -> None:
    with time_machine.travel(MAY):
        review = services.review_gather(actor=world.lead, district=world.district)
        assert review.school_year == 2027
        assert set(review.figures) >= {"surveys", "reach", "time", "alignment", "outcomes", "framework"}
        services.review_annotate(
            actor=world.lead,
            review_row=review,
            what_worked="Cycles tied to goals.",
            what_to_change="More PLCs.",
        )
        with pytest.raises(PermissionDenied):
            services.review_gather(actor=world.admin, district=world.district)
        with pytest.raises(PermissionDenied):
            services.review_annotate(
                actor=world.admin, review_row=review, what_worked="x", what_to_change="y"
            )
    figures = AnnualReview.objects.get(pk=review.pk).figures
    with time_machine.travel(NEXT_SEPTEMBER):
        with pytest.raises(PermissionDenied, match="past year"):
            services.review_annotate(actor=world.lead, review_row=review, what_worked="", what_to_change="")
        services.review_gather(actor=world.lead, district=world.district)
        body = world.client("lead").get(reverse("program:review", args=[2027])).content.decode()
        assert "Read-only" in body and "More PLCs." in body
        assert 'name="what_to_change"' not in body
        current = world.client("lead").get(reverse("program:review", args=[2028])).content.decode()
        assert 'name="what_to_change"' in current
    past = AnnualReview.objects.get(pk=review.pk)
    assert (past.what_worked, past.what_to_change, past.figures) == (
        "Cycles tied to goals.",
        "More PLCs.",
        figures,
    )
    assert list(
        AnnualReview.objects.filter(district=world.district).values_list("school_year", flat=True)
    ) == [2028, 2027]


@time_machine.travel(MAY)
def test_the_review_gathers_only_suppressed_aggregates(world: World) -> None:
    review = services.review_gather(actor=world.lead, district=world.district)
    reach = review.figures["reach"]
    # One teacher coached per school: below the minimum group size, so hidden.
    assert all(row["teachers"] is None for row in reach["rows"])
    [survey] = review.figures["surveys"]
    assert survey["shown"] is False and survey["respondents"] is None
    assert review.figures["outcomes"]["total"] in (0, None)
    for who in ("lead", "admin"):
        body = world.client(who).get(reverse("program:review", args=[2027])).content.decode()
        assert SECRET_NOTE not in body
        assert str(world.teacher) not in body
    for who in ("coach", "principal", "teacher"):
        assert not program_access.reviews_visible_to(world.users[who]).exists()
