"""Professional learning through the API (issue 20): the catalog, adding an offering, signing up and
giving a seat back (the same service as the page, so the last-seat rule holds across both doors),
follow-up coaching and attendance."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coachmap.coaching.learning.models import Offering, OfferingSession, Seat, SeatStatus
from coachmap.notifications.models import Notification
from tests.conftest import World
from tests.factories import ImprovementGoalFactory, SchoolFactory, TeacherFactory
from tests.issue16_world import of as issue16

pytestmark = pytest.mark.django_db

NEW = {
    "title": "Exit tickets that steer tomorrow",
    "description": "Short checks, read in five minutes.",
    "presenter_name": "Ann Outside, Reading Institute",
    "first_starts_at": "2099-02-01T15:00:00-05:00",
    "second_starts_at": "2099-02-08T15:00:00-05:00",
    "minutes": 90,
    "place": "Library",
}


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _one_seat(world: World) -> Offering:
    offering = Offering.objects.create(
        district=world.district,
        title="Conferring",
        description="One on one.",
        seats=1,
        presenter_coach=world.coach,
    )
    OfferingSession.objects.create(
        offering=offering, starts_at=timezone.now() + datetime.timedelta(days=9), minutes=60
    )
    return offering


def test_a_coach_adds_an_offering_as_the_page_does(world: World) -> None:
    response = world.client("coach").post(
        reverse("api:offering_create"), {**NEW, "goals": [world.goal.pk]}, content_type="application/json"
    )
    assert response.status_code == 200
    made = Offering.objects.get(pk=response.json()["id"])
    assert (made.title, made.presenter, made.created_by) == (
        NEW["title"],
        NEW["presenter_name"],
        world.coach.user,
    )
    assert list(made.goals.all()) == [world.goal]
    assert [(s.minutes, s.place) for s in made.sessions.all()] == [(90, "Library"), (90, "Library")]
    assert response.json()["seats_left"] == 20


def test_bad_offerings_are_refused_field_by_field_and_nothing_is_added(world: World) -> None:
    coach = world.client("coach")
    elsewhere = ImprovementGoalFactory(school=SchoolFactory())
    cases = [
        ({**NEW}, "goals"),  # serves no goal or indicator: the service's rule
        ({**NEW, "goals": [elsewhere.pk]}, "goals"),  # another district's goal: not one the page offers
        ({**NEW, "goals": [world.goal.pk], "presenter_name": ""}, "presenter_name"),
        ({**NEW, "goals": [world.goal.pk], "seats": 0}, "seats"),
        ({**NEW, "goals": [world.goal.pk], "first_starts_at": "1900-01-01T10:00:00Z"}, "first_starts_at"),
    ]
    for body, field in cases:
        response = coach.post(reverse("api:offering_create"), body, content_type="application/json")
        assert response.status_code == 422, body
        assert field in str(response.json()["detail"]), (field, response.json())
    assert not Offering.objects.exists()
    assert (
        world.client("teacher")
        .post(
            reverse("api:offering_create"), {**NEW, "goals": [world.goal.pk]}, content_type="application/json"
        )
        .status_code
        == 403
    )


def test_the_last_seat_goes_to_one_teacher_whichever_door_and_frees_to_the_next(world: World) -> None:
    offering = _one_seat(world)
    first, second = TeacherFactory(school=world.school), TeacherFactory(school=world.school)
    signup = reverse("api:offering_signup", kwargs={"offering_id": offering.pk})
    took = _client(first.user).post(signup).json()
    assert (took["status"], took["waitlist_place"]) == ("enrolled", None)
    # The second comes through the page: the same service counts the same seats.
    _client(second.user).post(reverse("coaching:seat-take", args=[offering.pk]))
    assert Seat.objects.get(teacher=second).status == SeatStatus.WAITLISTED
    again = _client(first.user).post(signup)
    assert again.status_code == 422 and "already signed up" in again.json()["detail"]["offering"][0]
    mine = _client(second.user).get(reverse("api:offering", kwargs={"offering_id": offering.pk})).json()
    assert mine["my_seat"]["waitlist_place"] == 1 and mine["roster"] == []  # the roster is the presenter's
    roster = (
        world.client("coach")
        .get(reverse("api:offering", kwargs={"offering_id": offering.pk}))
        .json()["roster"]
    )
    assert [r["status"] for r in roster] == ["enrolled", "waitlisted"]

    seat = Seat.objects.get(teacher=first)
    withdraw = reverse("api:offering_withdraw", kwargs={"seat_id": seat.pk})
    assert _client(second.user).post(withdraw).status_code == 404  # not theirs
    gave = _client(first.user).post(withdraw).json()
    assert gave["status"] == "cancelled"
    assert Seat.objects.get(teacher=second).status == SeatStatus.ENROLLED
    assert Notification.objects.filter(user=second.user, text__contains="A seat freed up").exists()
    assert _client(first.user).post(withdraw).status_code == 422


def test_the_catalog_is_paginated_and_filtered(world: World) -> None:
    issue16(world)
    _one_seat(world)
    client = world.client("teacher")
    everything = client.get(reverse("api:offerings")).json()
    assert everything["count"] == 2
    mine = client.get(reverse("api:offerings"), {"mine": True}).json()
    assert [o["id"] for o in mine["items"]] == [issue16(world).offering.pk]
    by_goal = client.get(reverse("api:offerings"), {"goal_id": world.goal.pk}).json()
    assert by_goal["count"] == 1
    assert client.get(reverse("api:offerings"), {"page": 0}).status_code == 422


def test_follow_up_coaching_and_attendance_as_on_the_pages(world: World) -> None:
    i16 = issue16(world)
    follow = reverse("api:offering_follow_up", kwargs={"seat_id": i16.seat.pk})
    asked = world.client("teacher").post(follow)
    assert asked.status_code == 200
    assert Seat.objects.get(pk=i16.seat.pk).follow_up_request_id == asked.json()["request_id"]
    assert world.client("teacher").post(follow).status_code == 422

    attendance = reverse("api:offering_attendance", kwargs={"session_id": i16.past_session.pk})
    other = TeacherFactory(school=world.school)
    foreign = Seat.objects.create(offering=_one_seat(world), teacher=other, status=SeatStatus.ENROLLED)
    bad = world.client("coach").post(attendance, {"present": [foreign.pk]}, content_type="application/json")
    assert bad.status_code == 422 and "present" in bad.json()["detail"]
    assert i16.past_session.attendance.count() == 1  # unchanged
    none = world.client("coach").post(attendance, {"present": []}, content_type="application/json").json()
    assert none == {"session_id": i16.past_session.pk, "present": [], "came": 0}
    assert (
        world.client("other_coach")
        .post(attendance, {"present": []}, content_type="application/json")
        .status_code
        == 403
    )
