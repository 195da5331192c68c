"""Every status a teacher's request can be in says what happens next, in the teacher's words."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from coachmap.coaching.models import CycleStatus, RequestStatus
from coachmap.coaching.requests.status import request_status_words
from tests.conftest import World
from tests.factories import RequestFactory

SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")


@pytest.mark.parametrize("status", list(RequestStatus))
@pytest.mark.parametrize(
    "facts",
    [{}, {"coach": "Casey Rivera"}, {"cycle_coach": "Sam Lee"}, {"offer": "Workshop"}],
    ids=["plain", "coach", "in-a-cycle", "offer"],
)
def test_every_status_says_what_happens_next(status: RequestStatus, facts: dict[str, str]) -> None:
    words = request_status_words(status, **facts)
    assert words.label and words.next.endswith(".")
    assert not SNAKE.search(words.label + words.next), words
    # A sentence about what comes next names who acts or when: the team, the coach, the teacher, a round.
    assert re.search(r"coaching team|matching round|your home page|You |opens your cycle|Ask ", words.next), (
        words
    )


def test_an_open_request_of_a_teacher_in_a_cycle_waits_for_the_cycle_to_end() -> None:
    words = request_status_words(RequestStatus.OPEN, cycle_coach="Sam Lee")
    assert words.label == "Waiting until your current cycle ends"
    assert "waits until that cycle ends" in words.next and "Sam Lee" in words.next


def test_a_teacher_offered_lighter_support_is_not_told_to_wait_for_a_coach() -> None:
    words = request_status_words(RequestStatus.OPEN, offer="Workshop", cycle_coach="Sam Lee")
    assert words.label == "Lighter support offered"
    assert "Waiting for a coach" not in words.label + words.next
    assert "workshop" in words.next and "if you decline" in words.next


@pytest.mark.django_db
def test_the_teacher_sees_each_request_with_its_next_step_on_home_and_goals(world: World) -> None:
    client = world.client("teacher")
    home = client.get(reverse("home")).content.decode()
    # The teacher is in a cycle with Casey: the plain open request waits for it.
    assert "Waiting until your current cycle ends" in home
    assert f"You are in a coaching cycle with {world.coach}" in home
    # The request with a workshop offer reads as the offer, not as waiting for a coach.
    assert "Lighter support offered" in home
    assert "the coaching team offers you: workshop" in home
    assert "Coach proposed" in home and "nothing starts without your yes" in home
    assert "Waiting for a coach" not in home
    goals = client.get(reverse("coaching:my-goals")).content.decode()
    assert "In a coaching cycle" in goals and "its page shows what you agreed" in goals
    assert "Lighter support offered" in goals


@pytest.mark.django_db
def test_a_teacher_in_a_cycle_is_told_before_asking_again_that_the_request_waits(world: World) -> None:
    client = world.client("teacher")
    goal = RequestFactory(goal__teacher=world.teacher, status=RequestStatus.WITHDRAWN).goal
    url = reverse("coaching:request-new", args=[goal.pk])
    page = client.get(url).content.decode()
    assert "You are already in a coaching cycle" in page
    assert "this request waits until that cycle ends" in page
    response = client.post(url, {"needs": "Kami", "note": ""}, follow=True)
    assert "It waits until your cycle with" in response.content.decode()
    world.cycle.status = CycleStatus.CLOSED
    world.cycle.save()
    other_goal = RequestFactory(goal__teacher=world.teacher, status=RequestStatus.WITHDRAWN).goal
    page = client.get(reverse("coaching:request-new", args=[other_goal.pk])).content.decode()
    assert "You are already in a coaching cycle" not in page
