"""Improvement goals: one or two per school, set by the school's principal."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coachmap.improvement.models import GoalStatus, ImprovementGoal
from coachmap.improvement.services import goal_set, goal_status_change
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _set(world: World, actor=None, **overrides):  # type: ignore[no-untyped-def]
    fields = {
        "statement": "By June 2027, 60% of grade 4 students will be proficient in math, up from 48%.",
        "subject": "math",
        "student_group": "all",
        "metric": "proficiency_rate",
        "baseline": 48.0,
        "target": 60.0,
        "target_date": datetime.date(2027, 6, 15),
    }
    fields.update(overrides)
    return goal_set(actor=actor or world.principal, school=world.school, **fields)


def test_principal_sets_a_second_goal_but_a_third_is_refused(world: World) -> None:
    assert ImprovementGoal.objects.filter(school=world.school, status=GoalStatus.ACTIVE).count() == 1
    _set(world)
    with pytest.raises(ValidationError, match="already has 2 active improvement goals"):
        _set(world, statement="A third goal")
    assert ImprovementGoal.objects.filter(school=world.school).count() == 2


def test_retiring_a_goal_makes_room_for_another(world: World) -> None:
    second = _set(world)
    goal_status_change(actor=world.principal, goal=second, status=GoalStatus.RETIRED)
    _set(world, statement="A new focus")
    assert ImprovementGoal.objects.filter(school=world.school, status=GoalStatus.ACTIVE).count() == 2


def test_reactivating_a_retired_goal_respects_the_limit(world: World) -> None:
    retired = _set(world)
    goal_status_change(actor=world.principal, goal=retired, status=GoalStatus.RETIRED)
    _set(world, statement="Replacement")
    with pytest.raises(ValidationError, match="already has 2 active"):
        goal_status_change(actor=world.principal, goal=retired, status=GoalStatus.ACTIVE)


@pytest.mark.parametrize("who", ["other_principal", "teacher", "lead", "admin"])
def test_only_the_schools_principal_sets_its_goals(world: World, who: str) -> None:
    with pytest.raises(PermissionDenied):
        _set(world, actor=world.users[who])


def test_a_gap_goal_must_narrow_the_gap(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        _set(world, metric="gap", baseline=12.0, target=15.0)
    assert "narrows the gap" in str(error.value)


def test_the_goal_form_shows_the_limit_message_to_the_principal(world: World) -> None:
    from django.urls import reverse

    _set(world)
    response = world.client("principal").post(
        reverse("improvement:goal-new", kwargs={"school_id": world.school.pk}),
        {
            "statement": "A third goal",
            "subject": "ela",
            "student_group": "el",
            "metric": "proficiency_rate",
            "baseline": "30",
            "target": "40",
            "target_date": "2027-06-15",
        },
    )
    assert response.status_code == 200
    assert "already has 2 active improvement goals" in response.content.decode()
