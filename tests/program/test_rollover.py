"""Closing a school year (program/rollover.py, `coachmap close-school-year`): active cycles are
paused honestly, the year's review is gathered and kept, the year's goals start again for the next
year from the newest figures; once per year, by the program lead, after a check."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from coachmap.coaching.models import CoachingCycle, CycleOutcome, CycleStatus
from coachmap.improvement.models import GoalStatus, ImprovementGoal
from coachmap.program.models import AnnualReview, YearRollover
from coachmap.program.rollover import year_rollover
from tests.conftest import World
from tests.factories import ImprovementGoalFactory

pytestmark = pytest.mark.django_db

YEAR_END = datetime.date(2027, 7, 20)  # late in the 2026–27 school year


@pytest.fixture
def year(world: World) -> dict[str, Any]:
    ImprovementGoal.objects.update(target_date=datetime.date(2027, 6, 1), baseline=40.0)
    later = ImprovementGoalFactory(school=world.school, target_date=datetime.date(2028, 6, 1))
    active = list(CoachingCycle.objects.filter(status=CycleStatus.ACTIVE).values_list("pk", flat=True))
    return {"active": active, "later": later, "goals": list(ImprovementGoal.objects.exclude(pk=later.pk))}


def test_the_check_says_what_closing_the_year_does_and_changes_nothing(
    world: World, year: dict[str, Any]
) -> None:
    plan = year_rollover(actor=world.lead, district=world.district, school_year=2027, today=YEAR_END)

    assert {c.pk for c in plan.cycles} == set(year["active"]) and len(year["active"]) >= 2
    assert {g.pk for g in plan.goals} == {g.pk for g in year["goals"]}, (
        "the goal running into next year stays"
    )
    assert plan.words().startswith(
        f"Closing the 2026–27 school year pauses {len(year['active'])} active coaching cycles on July 20, 2027"
    )
    assert CoachingCycle.objects.filter(status=CycleStatus.ACTIVE).count() == len(year["active"])
    assert not YearRollover.objects.exists()


def test_closing_the_year_pauses_cycles_keeps_the_review_and_starts_the_goals_again(
    world: World, year: dict[str, Any]
) -> None:
    year_rollover(actor=world.lead, district=world.district, school_year=2027, today=YEAR_END, dry_run=False)

    paused = CoachingCycle.objects.filter(pk__in=year["active"])
    assert {(c.status, c.outcome, c.closed_on) for c in paused} == {
        (CycleStatus.CLOSED, CycleOutcome.PAUSED, YEAR_END)
    }, "paused, not 'goal met': each can be resumed next year"
    review = AnnualReview.objects.get(district=world.district, school_year=2027)
    assert review.gathered_at is not None and review.figures
    for old in year["goals"]:
        old.refresh_from_db()
        assert old.status == GoalStatus.RETIRED
        new = ImprovementGoal.objects.get(pk=YearRollover.objects.get().summary["goals"][str(old.pk)])
        assert (new.school, new.statement, new.subject, new.target) == (
            old.school,
            old.statement,
            old.subject,
            old.target,
        )
        assert new.status == GoalStatus.ACTIVE and new.target_date == datetime.date(2028, 6, 1)
        assert new.baseline == 40.0, "the world has no results: the old baseline stands"
    year["later"].refresh_from_db()
    assert year["later"].status == GoalStatus.ACTIVE

    with pytest.raises(ValidationError, match="already closed"):
        year_rollover(
            actor=world.lead, district=world.district, school_year=2027, today=YEAR_END, dry_run=False
        )


def test_only_the_program_lead_closes_a_year_that_has_begun(world: World, year: dict[str, Any]) -> None:
    for role in ("admin", "principal", "coach", "teacher"):
        with pytest.raises(PermissionDenied):
            year_rollover(
                actor=world.users[role],
                district=world.district,
                school_year=2027,
                today=YEAR_END,
                dry_run=False,
            )
    with pytest.raises(ValidationError, match="has not started yet"):
        year_rollover(actor=world.lead, district=world.district, school_year=2029, today=YEAR_END)
    assert CoachingCycle.objects.filter(status=CycleStatus.ACTIVE).count() == len(year["active"])


def test_the_command_checks_first(world: World, year: dict[str, Any], capsys: Any) -> None:
    call_command("close_school_year", "--district", world.district.slug, "--lead", "lena", "--year", "2026")
    assert "Check only, nothing changed. Closing the 2025–26 school year" in capsys.readouterr().out
    assert not YearRollover.objects.exists()
