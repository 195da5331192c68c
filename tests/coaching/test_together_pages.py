"""The forms behind group cycles and offerings, posted as a person would: a coach forms a group, a
lead adds an offering, the presenter marks attendance, an attendee asks for follow-up coaching."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coachmap.coaching.models import Attendance, CoachingRequest, Consent, GroupCycle, Offering
from tests import issue16_world
from tests.conftest import World
from tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db


def test_a_coach_forms_a_group_from_the_form_and_each_teacher_is_invited(world: World) -> None:
    a, b = TeacherFactory(school=world.school), TeacherFactory(school=world.school)
    response = world.client("coach").post(
        reverse("coaching:group-new"),
        {
            "name": "Grade 4 team",
            "kind": "team",
            "improvement_goal": world.goal.pk,
            "focus": "Where do our students lose the thread in word problems?",
            "teachers": [a.pk, b.pk],
        },
    )
    group = GroupCycle.objects.get(name="Grade 4 team")
    assert response.status_code == 302 and response["Location"] == reverse("coaching:group", args=[group.pk])
    assert set(group.members.values_list("consent", flat=True)) == {Consent.INVITED}
    # One teacher is not a group: the form says so beside the field.
    again = world.client("coach").post(
        reverse("coaching:group-new"),
        {"name": "Solo", "kind": "plc", "improvement_goal": world.goal.pk, "focus": "x", "teachers": [a.pk]},
    )
    assert again.status_code == 200 and "Invite at least 2 teachers" in again.content.decode()


def test_the_lead_adds_an_offering_and_the_presenter_marks_who_came(world: World) -> None:
    response = world.client("lead").post(
        reverse("coaching:offering-new"),
        {
            "title": "Exit tickets that drive tomorrow's groups",
            "description": "From ticket to small group in five minutes.",
            "goals": [world.goal.pk],
            "grade_bands": ["3-5"],
            "seats": "12",
            "presenter_name": "Sam Ortiz, county office",
            "first_starts_at": "2099-03-03T15:30",
            "minutes": "60",
            "place": "Library",
        },
    )
    offering = Offering.objects.get(title="Exit tickets that drive tomorrow's groups")
    assert response.status_code == 302 and offering.presenter == "Sam Ortiz, county office"
    i16 = issue16_world.of(world)
    url = reverse("coaching:attendance", args=[i16.past_session.pk])
    assert world.client("coach").post(url, {"present": []}).status_code == 302
    assert not Attendance.objects.filter(session=i16.past_session).exists()
    assert world.client("coach").post(url, {"present": [i16.seat.pk]}).status_code == 302
    assert Attendance.objects.filter(session=i16.past_session, seat=i16.seat).exists()


def test_an_attendee_asks_for_follow_up_coaching_in_one_click(world: World) -> None:
    i16 = issue16_world.of(world)
    page = world.client("teacher").get(reverse("coaching:offering", args=[i16.offering.pk])).content.decode()
    assert "Ask for follow-up coaching" in page
    before = CoachingRequest.objects.filter(teacher=world.teacher).count()
    world.client("teacher").post(reverse("coaching:follow-up", args=[i16.seat.pk]))
    assert CoachingRequest.objects.filter(teacher=world.teacher).count() == before + 1
    page = world.client("teacher").get(reverse("coaching:offering", args=[i16.offering.pk])).content.decode()
    assert "You asked for follow-up coaching" in page
