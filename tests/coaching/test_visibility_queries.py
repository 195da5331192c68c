"""Who sees which coaching rows is decided on the rows' own columns (issue 18).

On the large district, a coach's "my cycles" asked PostgreSQL for cycles whose teacher's user or
coach's user was the reader: an OR across two joins, which no index serves, so every request
scanned every cycle (250 ms under load). The rows are now matched on their indexed teacher and
coach columns against the reader's own profile ids (a subquery run once): the same rows, found by
the index, in no more queries.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from coachmap.coaching import access
from coachmap.coaching.models import CoachingCycle, CoachingRequest, CoachingSession
from coachmap.core.models import Membership, Role
from tests.conftest import World


def test_a_coach_and_a_teacher_find_their_cycles_without_joining_the_profiles(world: World) -> None:
    for person, mine in (
        (world.coach.user, CoachingCycle.objects.filter(coach=world.coach)),
        (world.teacher.user, CoachingCycle.objects.filter(teacher=world.teacher)),
    ):
        visible = access.cycles_visible_to(person)
        sql = str(visible.query)
        assert "JOIN" not in sql, sql
        assert set(visible) == set(mine) and mine.exists()
    sessions = access.sessions_visible_to(world.teacher.user)
    assert set(sessions) == set(CoachingSession.objects.filter(cycle__teacher=world.teacher))


def test_the_same_people_see_the_same_rows_as_before(world: World) -> None:
    """A teacher whose teacher role was taken away still sees their own cycles and requests (the
    records are about them); another teacher sees none of them; nobody signed out sees any."""
    Membership.objects.filter(user=world.teacher.user, role=Role.TEACHER).delete()
    former = type(world.teacher.user).objects.get(pk=world.teacher.user.pk)
    assert set(access.cycles_visible_to(former)) == set(CoachingCycle.objects.filter(teacher=world.teacher))
    assert set(access.requests_visible_to(former)) == set(
        CoachingRequest.objects.filter(teacher=world.teacher)
    )
    assert not access.cycles_visible_to(world.other_teacher.user).filter(teacher=world.teacher).exists()
    assert not access.cycles_visible_to(AnonymousUser()).exists()
    assert not access.micro_conversations_visible_to(AnonymousUser()).exists()
