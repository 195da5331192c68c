"""District-wide goals beside the schools' goals, and goals edited with their history (issue 16,
part 9; article 003: "a system-wide strategy for your coaching program is needed")."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from coachmap.coaching.models import CoachingRequest, TeacherGoal
from coachmap.coaching.requests import services as request_services
from coachmap.improvement import services
from coachmap.improvement.models import DistrictGoal, GoalChange, GoalStatus, ImprovementGoal
from tests.conftest import World
from tests.factories import DistrictFactory, SchoolFactory, TeacherFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 10, 1)


@time_machine.travel(TODAY)
def test_the_lead_or_admin_writes_a_district_goal_and_nobody_else(world: World) -> None:
    for actor in (world.lead, world.admin):
        goal = services.district_goal_set(
            actor=actor,
            district=world.district,
            statement="Every school raises grade 3 reading proficiency by ten points.",
            subject="ela",
            student_group="all",
            target_date=datetime.date(2028, 6, 1),
        )
        assert goal.created_by == actor and goal.status == GoalStatus.ACTIVE
    for actor in (world.principal, world.coach.user, world.teacher.user):
        with pytest.raises(PermissionDenied):
            services.district_goal_set(
                actor=actor,
                district=world.district,
                statement="x",
                subject="ela",
                student_group="all",
                target_date=datetime.date(2028, 6, 1),
            )
    with pytest.raises(ValidationError) as error:
        services.district_goal_set(
            actor=world.lead,
            district=world.district,
            statement="x",
            subject="ela",
            student_group="all",
            target_date=TODAY,
            today=TODAY,
        )
    assert "target_date" in error.value.message_dict


def test_a_teacher_whose_school_has_no_goal_asks_for_coaching_on_a_district_goal(world: World) -> None:
    school = SchoolFactory(district=world.district, name="Birch Middle")
    teacher = TeacherFactory(school=school)
    assert not ImprovementGoal.objects.filter(school=school, status=GoalStatus.ACTIVE).exists()
    client = world.client("teacher")
    client.force_login(teacher.user)
    page = client.get(reverse("coaching:my-goals")).content.decode()
    assert "The district: Every school halves its gap" in page and "Save my goal" in page
    response = client.post(
        reverse("coaching:my-goals"),
        {
            "serves": f"district-{world.lt.district_goal.pk}",
            "statement": "Use worked examples in math twice a week.",
        },
    )
    goal = TeacherGoal.objects.get(teacher=teacher)
    assert (
        response.status_code == 302
        and goal.district_goal == world.lt.district_goal
        and goal.improvement_goal is None
    )
    assert "the district goal: Every school halves" in goal.serves
    request = request_services.request_submit(teacher=teacher, goal=goal, needs=["worked examples"])
    assert CoachingRequest.objects.get(pk=request.pk).goal.district_goal == world.lt.district_goal
    # The lead reads what the request serves when proposing a coach.
    assign = world.client("lead").get(reverse("coaching:request-assign", args=[request.pk])).content.decode()
    assert "Every school halves its gap" in assign


def test_a_teacher_goal_serves_exactly_one_active_goal_of_their_own_district(world: World) -> None:
    other = DistrictGoal.objects.create(
        district=DistrictFactory(),
        statement="Elsewhere",
        subject="ela",
        target_date=datetime.date(2028, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        request_services.teacher_goal_write(teacher=world.teacher, district_goal=other, statement="x")
    assert "district_goal" in error.value.message_dict
    retired = world.lt.district_goal
    retired.status = GoalStatus.RETIRED
    retired.save()
    with pytest.raises(ValidationError, match="no longer active"):
        request_services.teacher_goal_write(teacher=world.teacher, district_goal=retired, statement="x")
    with pytest.raises(ValidationError, match="the one school or district goal"):
        request_services.teacher_goal_write(
            teacher=world.teacher, improvement_goal=world.goal, district_goal=retired, statement="x"
        )
    before = TeacherGoal.objects.count()
    with pytest.raises(ValidationError):
        request_services.teacher_goal_write(teacher=world.teacher, statement="x")
    assert TeacherGoal.objects.count() == before


def test_a_district_goal_is_edited_with_its_history_shown_on_its_page(world: World) -> None:
    goal = world.lt.district_goal
    services.district_goal_edit(
        actor=world.lead,
        goal=goal,
        statement=goal.statement,
        subject="math",
        student_group="swd",
        target_date=datetime.date(2029, 6, 1),
        status=GoalStatus.ACTIVE,
    )
    change = GoalChange.objects.get(district_goal=goal)
    assert change.changed_by == world.lead
    fields = {c["field"]: (c["before"], c["after"]) for c in change.changes}
    assert fields == {
        "Student group": ("All students", "Students with disabilities"),
        "Target date": ("June 1, 2028", "June 1, 2029"),
    }
    # No change, no history row; another reader cannot edit.
    services.district_goal_edit(
        actor=world.admin,
        goal=goal,
        statement=goal.statement,
        subject="math",
        student_group="swd",
        target_date=datetime.date(2029, 6, 1),
        status=GoalStatus.ACTIVE,
    )
    assert GoalChange.objects.filter(district_goal=goal).count() == 1
    with pytest.raises(PermissionDenied):
        services.district_goal_edit(
            actor=world.principal,
            goal=goal,
            statement="x",
            subject="math",
            student_group="all",
            target_date=datetime.date(2029, 6, 1),
            status=GoalStatus.ACTIVE,
        )
    page = world.client("teacher").get(reverse("improvement:district-goal", args=[goal.pk])).content.decode()
    assert "History of this goal" in page and "June 1, 2029" in page and "Students with disabilities" in page


@time_machine.travel(TODAY)
def test_a_school_goal_is_edited_by_its_principal_with_history(world: World) -> None:
    goal = world.goal
    services.goal_edit(
        actor=world.principal,
        goal=goal,
        statement="Reworded: more English learners read on grade level.",
        target=goal.target + 1,
        target_date=goal.target_date,
    )
    change = GoalChange.objects.get(school_goal=goal)
    assert {c["field"] for c in change.changes} == {"Goal", "Target"}
    with pytest.raises(PermissionDenied):
        services.goal_edit(
            actor=world.other_principal,
            goal=goal,
            statement="x",
            target=goal.target,
            target_date=goal.target_date,
        )
    with pytest.raises(ValidationError) as error:
        services.goal_edit(
            actor=world.principal,
            goal=goal,
            statement="x",
            target=goal.baseline - 1,
            target_date=goal.target_date,
        )
    assert "target" in error.value.message_dict
    goal.refresh_from_db()
    assert goal.statement.startswith("Reworded")
    page = world.client("principal").get(reverse("improvement:goal", args=[goal.pk])).content.decode()
    assert "History of this goal" in page and "Reworded" in page
