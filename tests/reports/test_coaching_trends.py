"""Coaching trends are counts only, and hidden below the minimum group size."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from coachmap.core.models import Role
from coachmap.core.schoolyear import school_year_start
from coachmap.reports.queries import coaching_trends_by_month, coaching_trends_by_school
from tests.conftest import OTHER_SECRET_NOTE, SECRET_NOTE, World
from tests.factories import (
    CycleFactory,
    DistrictFactory,
    SchoolFactory,
    SessionFactory,
    TeacherFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db

SINCE = datetime.date(2026, 8, 1)


def _coach_teachers(school, coach, n, day=datetime.date(2026, 9, 15), minutes=30):  # type: ignore[no-untyped-def]
    for _ in range(n):
        cycle = CycleFactory(coach=coach, request__goal__teacher=TeacherFactory(school=school))
        SessionFactory(cycle=cycle, date=day, minutes=minutes)


def test_school_year_starts_in_august() -> None:
    assert school_year_start(datetime.date(2026, 11, 23)) == datetime.date(2026, 8, 1)
    assert school_year_start(datetime.date(2027, 3, 1)) == datetime.date(2026, 8, 1)


def test_schools_below_the_minimum_are_hidden_with_a_complement(world: World) -> None:
    from tests.factories import CoachFactory

    third = SchoolFactory(district=world.district, name="Zinnia Elementary")
    coach = CoachFactory(
        district=world.district, schools=[world.school, world.other_school, third], capacity=50
    )
    _coach_teachers(world.school, coach, 12)
    _coach_teachers(world.other_school, coach, 3)
    _coach_teachers(third, coach, 11, minutes=45)
    trends = coaching_trends_by_school(world.lead, [world.school, world.other_school, third], SINCE)
    rows = {row.label: row for row in trends.rows}
    # The other school has 1 + 3 = 4 teachers coached: hidden. Zinnia (11) is the next smallest,
    # hidden too, so the hidden school is not the total minus the rest.
    assert rows["Cedar Elementary"].suppressed
    assert rows["Zinnia Elementary"].suppressed
    assert not rows["Maple Elementary"].suppressed
    assert rows["Maple Elementary"].teachers == 13  # the world's teacher plus 12
    assert trends.total.teachers == 13 + 4 + 11
    assert trends.total.minutes == 40 * 2 + 30 * 15 + 45 * 11


def test_principal_sees_months_of_their_school_only(world: World) -> None:
    world.district.min_group_size = 2
    world.district.save()
    from tests.factories import CoachFactory

    coach = CoachFactory(district=world.district, schools=[world.school], capacity=50)
    _coach_teachers(world.school, coach, 3, day=datetime.date(2026, 10, 5))
    trends = coaching_trends_by_month(world.principal, world.school, SINCE)
    months = {row.label: row for row in trends.rows}
    assert set(months) == {"September 2026", "October 2026"}
    assert months["October 2026"].sessions == 3
    # September has one teacher coached (the world's): below 2, hidden, and October with it.
    assert months["September 2026"].suppressed and months["October 2026"].suppressed
    assert trends.total.sessions == 4 and not trends.total.suppressed


def test_another_schools_principal_is_refused(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        coaching_trends_by_month(world.other_principal, world.school, SINCE)


@pytest.mark.parametrize("role", ["principal", "lead", "admin"])
def test_trend_pages_and_api_never_show_notes(world: World, role: str) -> None:
    for url in (reverse("reports:coaching-trends"), reverse("api:coaching_trends")):
        body = world.client(role).get(url).content.decode()
        assert SECRET_NOTE not in body and OTHER_SECRET_NOTE not in body


def test_suppressed_rows_are_null_in_the_api(world: World) -> None:
    response = world.client("lead").get(reverse("api:coaching_trends"))
    table = response.json()[0]
    assert table["min_group_size"] == 10
    for row in table["rows"]:
        assert row["suppressed"] is True
        assert row["teachers"] is None and row["sessions"] is None and row["minutes"] is None


def test_a_principal_of_two_schools_gets_a_table_for_each() -> None:
    district = DistrictFactory()
    a, b = SchoolFactory(district=district), SchoolFactory(district=district)
    user = UserFactory()
    member(user, Role.PRINCIPAL, district=district, school=a)
    member(user, Role.PRINCIPAL, district=district, school=b)
    from django.test import Client

    client = Client()
    client.force_login(user)
    tables = client.get(reverse("api:coaching_trends")).json()
    assert [t["title"] for t in tables] == [
        f"Coaching at {a.name} by month",
        f"Coaching at {b.name} by month",
    ]
