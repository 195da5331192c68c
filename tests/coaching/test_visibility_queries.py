"""Who sees which coaching rows is decided on the rows' own columns (issue 18).

On the large district, a coach's "my cycles" asked PostgreSQL for cycles whose teacher's user or
coach's user was the reader: an OR across two joins, which no index serves, so every request
scanned every cycle (250 ms under load). The rows are now matched on their indexed teacher and
coach columns against the reader's own profile ids (a subquery run once): the same rows, found by
the index, in no more queries.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

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


def test_the_lead_finds_the_district_s_cycles_without_joining_the_coaches(world: World) -> None:
    """The program lead's cycles were the district's coaches' cycles by a join: with the OR of the
    reader's own cycles beside it, PostgreSQL guessed a handful of rows and joined teachers,
    users and goals to all 22,891 cycles of the large district before it sorted them (the API's
    cycle list: 321 ms for a page of 50). The coaches are now a subquery of the district."""
    visible = access.cycles_visible_to(world.lead)
    assert "JOIN" not in str(visible.query)
    assert set(visible) == set(CoachingCycle.objects.filter(coach__district=world.district))


def test_the_api_s_cycle_list_sorts_and_counts_the_cycles_alone(world: World, client: Client) -> None:
    """A page of the API's cycle list is chosen from the cycles alone, its teachers, coaches and
    goals read afterwards for those 50 rows only."""
    client.force_login(world.lead)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/cycles")
    assert response.status_code == 200
    items = response.json()["items"]
    assert {item["id"] for item in items} == set(
        CoachingCycle.objects.filter(coach__district=world.district).values_list("pk", flat=True)
    )
    over_cycles = [q["sql"] for q in queries.captured_queries if 'FROM "coaching_coachingcycle"' in q["sql"]]
    assert over_cycles and all("JOIN" not in sql for sql in over_cycles), over_cycles
