"""Coach growth (issue 16, part 5): the rubric, a self-assessment each term, goals and a learning
log that are the coach's alone, and the team's picture for the lead in aggregate only."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from coachmap.program import access as program_access
from coachmap.program import queries, services
from coachmap.program.models import Competency, SelfAssessment
from tests.conftest import World
from tests.factories import CoachFactory

pytestmark = pytest.mark.django_db
OCTOBER = datetime.datetime(2026, 10, 20, 12, tzinfo=ZoneInfo("America/New_York"))
FEBRUARY = datetime.datetime(2027, 2, 9, 12, tzinfo=ZoneInfo("America/New_York"))


def _all_at(areas: list[Competency], level: int) -> dict[int, int]:
    return {c.pk: level for c in areas}


def test_the_default_rubric_is_the_iste_standards_for_coaches(world: World) -> None:
    areas = services.rubric_ensure(district=world.district)
    assert [c.name for c in areas][:2] == ["Change agent", "Connected learner"]
    assert len(areas) == 7
    assert services.rubric_ensure(district=world.district) == areas  # once only


def test_a_coach_assesses_themselves_once_a_term_and_earlier_terms_are_kept(world: World) -> None:
    areas = services.rubric_ensure(district=world.district)
    with time_machine.travel(OCTOBER):
        with pytest.raises(ValidationError) as raised:
            services.self_assessment_save(coach=world.coach, ratings={areas[0].pk: 2})
        assert "ratings" in raised.value.message_dict
        first = services.self_assessment_save(coach=world.coach, ratings=_all_at(areas, 2))
        again = services.self_assessment_save(
            coach=world.coach, ratings=_all_at(areas, 3), reflection="Better at co-planning."
        )
        assert (again.pk, again.school_year, again.term) == (first.pk, 2027, "fall")
        assert {r.level for r in again.ratings.all()} == {3}
    with time_machine.travel(FEBRUARY):
        spring = services.self_assessment_save(coach=world.coach, ratings=_all_at(areas, 4))
        assert (spring.school_year, spring.term) == (2027, "spring")
    fall = SelfAssessment.objects.get(pk=first.pk)
    assert {r.level for r in fall.ratings.all()} == {3}
    assert fall.reflection == "Better at co-planning."
    assert SelfAssessment.objects.filter(coach=world.coach).count() == 2


@time_machine.travel(OCTOBER)
def test_a_coachs_growth_is_theirs_alone(world: World) -> None:
    areas = services.rubric_ensure(district=world.district)
    services.self_assessment_save(coach=world.coach, ratings=_all_at(areas, 2), reflection="Private thought")
    goal = services.coach_goal_set(
        coach=world.coach, text="Present a workshop on feedback", competency=areas[4]
    )
    services.learning_log(
        coach=world.coach, on=datetime.date(2026, 10, 1), kind="book", title="The Impact Cycle", minutes=90
    )
    for who in ("other_coach", "lead", "admin", "principal", "teacher"):
        user = world.users[who]
        assert not program_access.self_assessments_visible_to(user).exists()
        assert not program_access.coach_goals_visible_to(user).exists()
        assert not program_access.learning_visible_to(user).exists()
    body = world.client("other_coach").get(reverse("program:growth")).content.decode()
    assert "Present a workshop" not in body
    assert "The Impact Cycle" not in body
    body = world.client("coach").get(reverse("program:growth")).content.decode()
    assert "Present a workshop" in body and "The Impact Cycle" in body
    with pytest.raises(PermissionDenied):
        services.coach_goal_status(coach=world.other_coach, goal=goal, status="met")
    services.coach_goal_status(coach=world.coach, goal=goal, status="met")
    goal.refresh_from_db()
    assert (goal.status, goal.closed_on) == ("met", datetime.date(2026, 10, 20))


@time_machine.travel(OCTOBER)
def test_the_lead_sees_the_team_in_aggregate_only_and_nothing_below_the_minimum(world: World) -> None:
    world.district.min_group_size = 5
    world.district.save()
    areas = services.rubric_ensure(district=world.district)
    coaches = [world.coach, world.other_coach, *(CoachFactory(district=world.district) for _ in range(2))]
    for coach in coaches:
        services.self_assessment_save(coach=coach, ratings=_all_at(areas, 3))

    hidden = queries.team_growth(world.lead, world.district, 2027, "fall")
    assert (hidden.coaches, hidden.shown, hidden.rows) == (4, False, [])

    for level in (3, 4):
        coach = CoachFactory(district=world.district)
        services.self_assessment_save(coach=coach, ratings=_all_at(areas, 3) | {areas[1].pk: level})
    shown = queries.team_growth(world.lead, world.district, 2027, "fall")
    assert shown.shown and shown.coaches == 6
    first, second = shown.rows[0], shown.rows[1]
    assert first.cells == [0, 0, 6, 0] and first.total == 6
    # One coach at "Leading" is hidden, and so is the five beside it, which would give it away.
    assert second.cells == [0, 0, None, None] and second.total == 6
    with pytest.raises(PermissionDenied):
        queries.team_growth(world.admin, world.district, 2027, "fall")


def test_the_lead_edits_the_rubric_and_past_ratings_keep_their_area(world: World) -> None:
    areas = services.rubric_ensure(district=world.district)
    with time_machine.travel(OCTOBER):
        services.self_assessment_save(coach=world.coach, ratings=_all_at(areas, 2))
    with pytest.raises(PermissionDenied):
        services.rubric_update(actor=world.coach.user, district=world.district, lines=["A: b"])
    with pytest.raises(ValidationError) as raised:
        services.rubric_update(actor=world.lead, district=world.district, lines=["Same", "same"])
    assert "competencies" in raised.value.message_dict
    kept = services.rubric_update(
        actor=world.lead,
        district=world.district,
        lines=["Collaborator: partners with teachers", "Working with adult learners: plans for adults"],
    )
    assert [c.name for c in kept] == ["Collaborator", "Working with adult learners"]
    assert Competency.objects.filter(district=world.district, active=True).count() == 2
    assert SelfAssessment.objects.get(coach=world.coach).ratings.count() == 7


@time_machine.travel(FEBRUARY)
def test_the_lead_picks_a_term_and_odd_input_falls_back_to_this_term(world: World) -> None:
    client = world.client("lead")
    page = client.get(reverse("program:team-growth"), {"term": "2027-fall"}).content.decode()
    assert "Fall term 2026–27" in page and 'value="2027-spring"' in page
    for odd in ("x", "9999-fall", "2027-summer", "'; drop"):
        assert (
            "Spring term 2026–27"
            in client.get(reverse("program:team-growth"), {"term": odd}).content.decode()
        )
