"""Professional-learning offerings (issue 16, part 3): a catalog around goals and indicators, seats
and a waitlist (the first waiting moves in when a seat frees, and is told), attendance marked by
the presenter, follow-up coaching through the request service, and PD delivered in the time log."""

from __future__ import annotations

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from coachmap.coaching.learning import services
from coachmap.coaching.learning.services import SessionPlan
from coachmap.coaching.models import CoachingRequest, Offering, RequestStatus, Seat, SeatStatus
from coachmap.coaching.timelog import queries as time_queries
from coachmap.core.models import Teacher
from coachmap.notifications.models import Notification
from tests.conftest import World
from tests.factories import TeacherFactory

NY = ZoneInfo("America/New_York")
BEFORE = datetime.datetime(2026, 10, 1, 9, tzinfo=NY)
SESSION = datetime.datetime(2026, 10, 7, 15, 30, tzinfo=NY)
AFTER = datetime.datetime(2026, 10, 8, 9, tzinfo=NY)


def _offering(world: World, seats: int = 2) -> Offering:
    return services.offering_add(
        actor=world.lead,
        district=world.district,
        title="Small groups with Lexia",
        description="Planning rotations so each group knows its next task.",
        seats=seats,
        sessions=[SessionPlan(SESSION, 90, "Library")],
        goals=[world.goal],
        indicators=[world.indicator],
        tools=[world.tool],
        grade_bands=["3-5"],
        presenter_coach=world.coach,
    )


@pytest.mark.django_db
@time_machine.travel(BEFORE)
def test_the_catalog_says_what_an_offering_serves_and_who_presents(world: World) -> None:
    offering = _offering(world)
    assert list(offering.goals.all()) == [world.goal] and list(offering.tools.all()) == [world.tool]
    assert offering.presenter == str(world.coach) and offering.grade_band_labels == ["Grades 3 to 5"]
    with pytest.raises(ValidationError) as bad:
        services.offering_add(
            actor=world.lead, district=world.district, title="x", description="", seats=0, sessions=[]
        )
    assert {"goals", "presenter_name", "seats", "sessions"} <= set(bad.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.offering_add(
            actor=world.principal,
            district=world.district,
            title="x",
            description="",
            seats=5,
            sessions=[SessionPlan(SESSION, 60)],
            goals=[world.goal],
            presenter_name="A visitor",
        )
    assert Offering.objects.count() == 1
    body = world.client("teacher").get(reverse("coaching:offering", args=[offering.pk])).content.decode()
    assert "Small groups with Lexia" in body and world.goal.statement in body and "Lexia" in body


@pytest.mark.django_db
@time_machine.travel(BEFORE)
def test_seats_then_a_waitlist_and_a_freed_seat_goes_to_the_first_waiting_who_is_told(world: World) -> None:
    offering = _offering(world, seats=2)
    teachers = [TeacherFactory(school=world.school) for _ in range(4)]
    seats = [services.seat_take(teacher=t, offering=offering) for t in teachers]
    assert [s.status for s in seats] == ["enrolled", "enrolled", "waitlisted", "waitlisted"]
    with pytest.raises(ValidationError, match="already signed up"):
        services.seat_take(teacher=teachers[0], offering=offering)
    with pytest.raises(PermissionDenied):
        services.seat_give_back(teacher=teachers[1], seat=seats[0])
    services.seat_give_back(teacher=teachers[0], seat=seats[0])
    seats = [Seat.objects.get(pk=s.pk) for s in seats]
    assert [s.status for s in seats] == ["cancelled", "enrolled", "enrolled", "waitlisted"]
    told = Notification.objects.filter(user=teachers[2].user, text__contains="seat freed up")
    assert told.count() == 1
    assert not Notification.objects.filter(user=teachers[3].user, text__contains="seat freed up").exists()
    # Leaving the waitlist frees nothing and tells nobody.
    services.seat_give_back(teacher=teachers[3], seat=seats[3])
    assert Notification.objects.filter(text__contains="seat freed up").count() == 1


@pytest.mark.django_db
@time_machine.travel(AFTER)
def test_sign_up_closes_once_the_offering_has_taken_place(world: World) -> None:
    with time_machine.travel(BEFORE):
        offering = _offering(world)
    with pytest.raises(ValidationError, match="already taken place"):
        services.seat_take(teacher=world.teacher, offering=offering)


def _race(offering: Offering, teachers: list[Teacher]) -> list[str]:
    barrier = threading.Barrier(len(teachers))
    results: list[str] = []

    def sign_up(teacher: Teacher) -> None:
        try:
            barrier.wait()
            results.append(services.seat_take(teacher=teacher, offering=offering).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(t,)) for t in teachers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


# Concurrent writers need PostgreSQL (SQLite serialises whole transactions): the PostgreSQL pass runs it.
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_for_the_last_seat_at_once_one_seat_and_one_waitlisted(world: World) -> None:
    with time_machine.travel(BEFORE, tick=True):
        offering = _offering(world, seats=2)
        services.seat_take(teacher=TeacherFactory(school=world.school), offering=offering)
        racers = [TeacherFactory(school=world.school), TeacherFactory(school=world.school)]
        results = _race(offering, racers)
    assert sorted(results) == ["enrolled", "waitlisted"]
    assert Seat.objects.filter(offering=offering, status=SeatStatus.ENROLLED).count() == 2


@pytest.mark.django_db
@time_machine.travel(BEFORE)
def test_the_last_seat_taken_twice_in_a_row_leaves_the_second_waitlisted(world: World) -> None:
    """The same race, decided one after the other (the lock makes the threads take turns)."""
    offering = _offering(world, seats=1)
    first, second = TeacherFactory(school=world.school), TeacherFactory(school=world.school)
    assert services.seat_take(teacher=first, offering=offering).status == SeatStatus.ENROLLED
    assert services.seat_take(teacher=second, offering=offering).status == SeatStatus.WAITLISTED


@pytest.mark.django_db
def test_the_presenter_marks_attendance_and_attendees_ask_for_follow_up_in_one_click(world: World) -> None:
    with time_machine.travel(BEFORE):
        offering = _offering(world)
        seat = services.seat_take(teacher=world.teacher, offering=offering)
        absent = services.seat_take(teacher=TeacherFactory(school=world.school), offering=offering)
    session = offering.sessions.get()
    with time_machine.travel(AFTER):
        with pytest.raises(ValidationError, match="who came"):
            services.follow_up_ask(teacher=world.teacher, seat=seat)
        with pytest.raises(PermissionDenied):
            services.attendance_mark(actor=world.other_coach.user, session=session, present=[seat])
        assert services.attendance_mark(actor=world.coach.user, session=session, present=[seat]) == 1
        services.attendance_mark(actor=world.coach.user, session=session, present=[seat])  # a correction
        thanks = Notification.objects.filter(user=world.teacher.user, text__contains="Thank you for coming")
        assert thanks.count() == 1  # told once, with the way to feedback and follow-up
        before = CoachingRequest.objects.count()
        request = services.follow_up_ask(teacher=world.teacher, seat=seat)
        assert CoachingRequest.objects.count() == before + 1
        assert request.status == RequestStatus.OPEN and request.teacher == world.teacher
        assert request.goal.improvement_goal == world.goal  # tied to the goal the offering serves
        assert "Small groups with Lexia" in request.note and request.needs == ["Lexia"]
        with pytest.raises(ValidationError, match="already asked"):
            services.follow_up_ask(teacher=world.teacher, seat=Seat.objects.get(pk=seat.pk))
        with pytest.raises(ValidationError, match="who came"):
            services.follow_up_ask(teacher=absent.teacher, seat=absent)


@pytest.mark.django_db
def test_pd_the_coach_delivers_counts_as_coaching_time(world: World) -> None:
    with time_machine.travel(BEFORE):
        _offering(world)
    with time_machine.travel(AFTER):
        grid = time_queries.week_grid(world.coach.user, world.coach, SESSION.date())
    pd = next(row for row in grid.rows if row.category == "pd")
    assert pd.coaching and pd.total == 90
