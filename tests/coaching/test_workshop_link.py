"""A workshop seat in an offering (issue 16, parts 1 and 3 joined): a teacher's waiting workshop support
hears of an offering that serves it (same improvement goal, or a tool they asked help with, in their
district and grade band), and moves on with their seat: signed up, on the waitlist, attended, or back
to waiting when the seat is given back."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from coachmap.coaching.learning import services as learning
from coachmap.coaching.learning.services import SessionPlan
from coachmap.coaching.lighter import queries, services
from coachmap.coaching.lighter.models import LighterSupport, SupportKind, SupportStatus
from coachmap.coaching.lighter.status import WORKSHOP_OPEN, WORKSHOP_WAITING
from coachmap.coaching.models import Offering
from coachmap.core.models import Teacher
from coachmap.notifications.models import Notification
from tests.conftest import World
from tests.factories import (
    DistrictFactory,
    ImprovementGoalFactory,
    RequestFactory,
    SchoolFactory,
    TeacherFactory,
    ToolFactory,
)

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")
BEFORE = datetime.datetime(2026, 10, 1, 9, tzinfo=NY)
SESSION = datetime.datetime(2026, 10, 7, 15, 30, tzinfo=NY)
AFTER = datetime.datetime(2026, 10, 8, 9, tzinfo=NY)


def _waiting(teacher: Teacher, *, goal_of: object = None, needs: list[str] | None = None) -> LighterSupport:
    kwargs: dict[str, object] = {"goal__teacher": teacher, "needs": needs if needs is not None else []}
    if goal_of is not None:
        kwargs["goal__improvement_goal"] = goal_of
    request = RequestFactory(**kwargs)
    return services.lighter_support_start(teacher=teacher, kind=SupportKind.WORKSHOP, request=request)


def _offering(world: World, *, goals=(), tools=(), bands=("3-5",), seats: int = 2, indicators=()) -> Offering:
    return learning.offering_add(
        actor=world.lead,
        district=world.district,
        title="Small groups with Lexia",
        description="Planning rotations so each group knows its next task.",
        seats=seats,
        sessions=[SessionPlan(SESSION, 90, "Library")],
        goals=list(goals) or ([] if indicators else [world.goal]),
        indicators=list(indicators),
        tools=list(tools),
        grade_bands=list(bands),
        presenter_coach=world.coach,
    )


def _told(teacher: Teacher, offering: Offering) -> bool:
    url = reverse("coaching:offering", args=[offering.pk])
    return Notification.objects.filter(user=teacher.user, url=url, text__contains="A workshop").exists()


def _words(world: World, support: LighterSupport, *, lead: bool = False) -> tuple[str, str]:
    user = world.lead if lead else support.teacher.user
    view = queries.support_view(user, LighterSupport.objects.get(pk=support.pk), BEFORE.date())
    return view.words.label, view.words.next


@time_machine.travel(BEFORE)
def test_an_offering_for_the_same_goal_tells_the_waiting_teacher_with_a_link(world: World) -> None:
    world.teacher.grades = [4]
    world.teacher.save()
    support = _waiting(world.teacher, goal_of=world.goal)
    assert _words(world, support) == ("Workshop seat requested", WORKSHOP_WAITING)
    offering = _offering(world, goals=[world.goal])
    assert _told(world.teacher, offering)
    support.refresh_from_db()
    assert support.offering == offering and support.status == SupportStatus.WAITING
    label, next_ = _words(world, support)
    assert label == WORKSHOP_OPEN and "Small groups with Lexia" in next_
    page = (
        world.client("teacher").get(reverse("coaching:lighter-support", args=[support.pk])).content.decode()
    )
    assert WORKSHOP_OPEN in page and reverse("coaching:offering", args=[offering.pk]) in page
    # The lead counts it as open for sign-up on the Requests page.
    requests_page = world.client("lead").get(reverse("coaching:requests")).content.decode()
    assert WORKSHOP_OPEN in requests_page


@time_machine.travel(BEFORE)
def test_an_offering_for_a_tool_the_teacher_asked_about_tells_them_too(world: World) -> None:
    other_goal = ImprovementGoalFactory(school=world.other_school)
    support = _waiting(world.teacher, goal_of=world.goal, needs=["lexia"])
    lexia_elsewhere = ToolFactory(school=world.other_school, name="Lexia")
    offering = _offering(world, goals=[other_goal], tools=[lexia_elsewhere], bands=())
    assert _told(world.teacher, offering)
    support.refresh_from_db()
    assert support.offering == offering


@time_machine.travel(BEFORE)
def test_an_offering_for_an_indicator_of_the_goal_tells_the_teacher(world: World) -> None:
    support = _waiting(world.teacher, goal_of=world.goal)
    offering = _offering(world, indicators=[world.indicator], bands=())
    assert _told(world.teacher, offering)
    support.refresh_from_db()
    assert support.offering == offering


@time_machine.travel(BEFORE)
def test_a_non_matching_offering_another_district_or_grade_band_tells_nobody(world: World) -> None:
    world.teacher.grades = [4]
    world.teacher.save()
    mine = _waiting(world.teacher, goal_of=world.goal, needs=["Lexia"])
    # Another goal and no shared tool: not told.
    other_goal = ImprovementGoalFactory(school=world.other_school)
    unrelated = _offering(world, goals=[other_goal], tools=[ToolFactory(school=world.school, name="Seesaw")])
    # The right goal, but for grades 9 to 12 only: not told.
    high = _offering(world, goals=[world.goal], bands=["9-12"])
    # A teacher of another district with the same tool need and a waiting workshop: not told.
    far_school = SchoolFactory(district=DistrictFactory())
    far = TeacherFactory(school=far_school, grades=[4])
    theirs = _waiting(far, needs=["Lexia"])
    lexia = _offering(world, goals=[world.goal], tools=[world.tool])
    for offering in (unrelated, high):
        assert not _told(world.teacher, offering)
    assert not _told(far, lexia) and _told(world.teacher, lexia)
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.offering is None and _words(world, theirs) == ("Workshop seat requested", WORKSHOP_WAITING)
    assert mine.offering == lexia
    # A support that is not a workshop never hears of offerings.
    micro = services.lighter_support_start(teacher=world.teacher, kind=SupportKind.MICRO)
    _offering(world, goals=[world.goal])
    micro.refresh_from_db()
    assert micro.offering is None


@time_machine.travel(BEFORE)
def test_a_workshop_taken_up_while_one_is_open_says_so_at_once(world: World) -> None:
    offering = _offering(world, goals=[world.goal], bands=())
    support = _waiting(world.teacher, goal_of=world.goal)
    assert support.offering == offering and _told(world.teacher, offering)
    assert _words(world, support)[0] == WORKSHOP_OPEN


def test_a_seat_moves_the_support_on_to_signed_up_then_attended(world: World) -> None:
    with time_machine.travel(BEFORE):
        support = _waiting(world.teacher, goal_of=world.goal)
        offering = _offering(world, goals=[world.goal], bands=(), seats=1)
        seat = learning.seat_take(teacher=world.teacher, offering=offering)
        support.refresh_from_db()
        assert support.seat == seat and support.status == SupportStatus.UNDER_WAY
        label, next_ = _words(world, support)
        assert label == "Workshop: signed up" and "Small groups with Lexia" in next_
        assert _words(world, support, lead=True)[0] == "Workshop: signed up"
        page = world.client("lead").get(reverse("coaching:requests")).content.decode()
        assert "Workshop: signed up" in page
    with time_machine.travel(AFTER):
        learning.attendance_mark(actor=world.coach.user, session=offering.sessions.get(), present=[seat])
        support.refresh_from_db()
        assert support.status == SupportStatus.DONE
        view = queries.support_view(world.teacher.user, support, AFTER.date())
        assert view.words.label == "Workshop attended"
        # A correction that leaves them out puts the support back to signed up.
        learning.attendance_mark(actor=world.coach.user, session=offering.sessions.get(), present=[])
        support.refresh_from_db()
        assert support.status == SupportStatus.UNDER_WAY


@time_machine.travel(BEFORE)
def test_the_waitlist_then_a_freed_seat_and_a_seat_given_back_returns_to_waiting(world: World) -> None:
    offering = _offering(world, goals=[world.goal], bands=(), seats=1)
    first = TeacherFactory(school=world.school)
    first_seat = learning.seat_take(teacher=first, offering=offering)
    support = _waiting(world.teacher, goal_of=world.goal)
    seat = learning.seat_take(teacher=world.teacher, offering=offering)
    support.refresh_from_db()
    assert support.seat == seat and support.status == SupportStatus.UNDER_WAY
    assert _words(world, support)[0] == "Workshop: on the waitlist"
    learning.seat_give_back(teacher=first, seat=first_seat)
    assert _words(world, support)[0] == "Workshop: signed up"
    learning.seat_give_back(teacher=world.teacher, seat=seat)
    support.refresh_from_db()
    assert (support.status, support.seat, support.offering) == (SupportStatus.WAITING, None, None)
    assert _words(world, support) == ("Workshop seat requested", WORKSHOP_WAITING)


@time_machine.travel(BEFORE)
def test_a_seat_in_an_offering_that_does_not_serve_the_support_leaves_it_waiting(world: World) -> None:
    support = _waiting(world.teacher, goal_of=world.goal)
    other_goal = ImprovementGoalFactory(school=world.other_school)
    offering = _offering(world, goals=[other_goal], bands=())
    learning.seat_take(teacher=world.teacher, offering=offering)
    support.refresh_from_db()
    assert (support.status, support.seat) == (SupportStatus.WAITING, None)
