"""The coach's time log: prefilled from sessions and the calendar, confirmed by the coach, and watched
against the district's target."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from coachmap.coaching.models import CalendarEvent, CoachingSession, TimeEntry
from coachmap.coaching.timelog import queries, services
from coachmap.core.models import Coach
from tests.conftest import World

pytestmark = pytest.mark.django_db
CALENDAR = (Path(__file__).parent / "data" / "coach_calendar.ics").read_bytes()
WEEK = datetime.date(2026, 9, 14)


def _grid_values(grid: queries.Grid) -> dict[tuple[str, str], int]:
    return {
        (row.category, f"{day:%a}"): row.cells[i]
        for row in grid.rows
        for i, day in enumerate(grid.days)
        if row.cells[i]
    }


@time_machine.travel(datetime.date(2026, 10, 1))
def test_the_week_is_prefilled_from_sessions_and_the_imported_calendar(world: World) -> None:
    CoachingSession.objects.create(
        cycle=world.cycle, date=WEEK + datetime.timedelta(days=3), minutes=50, session_type="co_teach"
    )
    report = services.calendar_import(coach=world.coach, data=CALENDAR)
    assert report.since == datetime.date(2026, 8, 1) and report.until == datetime.date(2027, 8, 1)
    assert report.all_day == 1 and report.sessions > 0 and report.counted > 0
    grid = queries.week_grid(world.coach.user, world.coach, WEEK + datetime.timedelta(days=2))
    assert grid.week == WEEK and grid.confirmed is None
    assert _grid_values(grid) == {
        ("co_teach", "Thu"): 50,  # from the session log, not from the calendar's "Co-teach" event
        ("planning", "Wed"): 45,
        ("pd", "Tue"): 60,
        ("testing", "Tue"): 90,
        ("substitute", "Thu"): 90,
        ("supervision", "Mon"): 30,
        ("supervision", "Fri"): 30,
        ("committee", "Mon"): 60,  # "Leadership team meeting": coaching-related (issue 16)
    }
    assert grid.sessions == 1
    assert grid.shares.coaching_percent + grid.shares.other_percent == 100
    # Importing again replaces the earlier import.
    services.calendar_import(coach=world.coach, data=CALENDAR)
    assert CalendarEvent.objects.filter(coach=world.coach).count() == report.events


@time_machine.travel(datetime.date(2026, 10, 1))
def test_confirming_a_week_replaces_its_entries_and_then_the_grid_shows_them(world: World) -> None:
    TimeEntry.objects.create(coach=world.coach, date=WEEK, category="other", minutes=999)
    services.time_week_confirm(
        coach=world.coach,
        week=WEEK,
        minutes={(WEEK, "co_plan"): 120, (WEEK, "substitute"): 60, (WEEK, "admin"): 0},
    )
    assert sorted(TimeEntry.objects.filter(coach=world.coach).values_list("category", "minutes")) == [
        ("co_plan", 120),
        ("substitute", 60),
    ]
    grid = queries.week_grid(world.coach.user, world.coach, WEEK)
    assert grid.confirmed is not None
    assert (grid.shares.coaching_percent, grid.shares.other_percent) == (67, 33)


@time_machine.travel(datetime.date(2026, 10, 1))
def test_a_week_that_cannot_be_true_is_refused(world: World) -> None:
    with pytest.raises(ValidationError, match="starts on a Monday"):
        services.time_week_confirm(coach=world.coach, week=WEEK + datetime.timedelta(days=1), minutes={})
    with pytest.raises(ValidationError, match=r"Monday adds up to 17\.0 hours"):
        services.time_week_confirm(
            coach=world.coach, week=WEEK, minutes={(WEEK, "co_plan"): 600, (WEEK, "admin"): 420}
        )
    with pytest.raises(ValidationError, match="not a working day"):
        services.time_week_confirm(
            coach=world.coach, week=WEEK, minutes={(WEEK - datetime.timedelta(days=1), "admin"): 30}
        )
    with pytest.raises(ValidationError, match="has not started yet"):
        services.time_week_confirm(coach=world.coach, week=datetime.date(2026, 10, 5), minutes={})


def test_a_bad_calendar_file_changes_nothing(world: World) -> None:
    with pytest.raises(ValidationError, match="not an iCalendar"):
        services.calendar_import(coach=world.coach, data=b"Subject,Start Date\nLunch duty,9/14/2026\n")
    assert not CalendarEvent.objects.exists()


@time_machine.travel(datetime.date(2026, 10, 21))
def test_the_lead_sees_who_fell_below_the_target_two_weeks_running(world: World) -> None:
    for week, coaching, other in (
        (datetime.date(2026, 10, 5), 200, 100),
        (datetime.date(2026, 10, 12), 300, 100),
    ):
        services.time_week_confirm(
            coach=world.coach, week=week, minutes={(week, "observe"): coaching, (week, "testing"): other}
        )
    rows = {
        r.coach: r
        for r in queries.coaches_time(world.lead, world.district.coaches.all(), datetime.date(2026, 10, 21))
    }
    assert rows[world.coach].recent == [None, None, 67, 75]
    assert rows[world.coach].warning  # 67% and 75% against the default 80%
    assert not rows[world.other_coach].warning  # nothing logged is not a warning
    page = world.client("lead").get(reverse("coaching:time-team")).content.decode()
    assert "Below target two weeks running" in page
    world.district.coaching_time_target = 70
    world.district.save()
    rows = {
        r.coach: r
        for r in queries.coaches_time(world.lead, world.district.coaches.all(), datetime.date(2026, 10, 21))
    }
    assert not rows[world.coach].warning


def test_time_logs_are_the_coachs_and_the_leads_only(world: World) -> None:
    assert (
        queries.coaches_time(world.principal, world.district.coaches.all(), datetime.date(2026, 10, 21)) == []
    )
    with pytest.raises(PermissionDenied):
        queries.week_grid(world.other_coach.user, world.coach, WEEK)
    assert queries.week_grid(world.lead, world.coach, WEEK).coach == world.coach


@time_machine.travel(datetime.date(2026, 10, 1))
def test_the_coach_confirms_the_grid_in_the_browser_form(world: World) -> None:
    client = world.client("coach")
    url = reverse("coaching:time-week") + f"?week={WEEK.isoformat()}"
    data = {
        f"m-{c}-{(WEEK + datetime.timedelta(days=d)).isoformat()}": "" for c in ("co_plan",) for d in range(5)
    }
    data[f"m-co_plan-{WEEK.isoformat()}"] = "90"
    data[f"m-supervision-{WEEK.isoformat()}"] = "30"
    response = client.post(url, data)
    assert response.status_code == 302
    assert TimeEntry.objects.filter(coach=world.coach).count() == 2
    page = client.get(url).content.decode()
    assert "75% coaching" in page and "25% other duties" in page


@time_machine.travel(datetime.date(2026, 10, 1))
def test_any_whole_number_of_minutes_confirms_the_week(world: World) -> None:
    """Prefilled figures come from sessions and calendar events (109, 97, 42 …): the grid takes them as
    they are, in the browser (step 1) and on the server."""
    client = world.client("coach")
    url = reverse("coaching:time-week") + f"?week={WEEK.isoformat()}"
    page = client.get(url).content.decode()
    assert 'step="5"' not in page
    assert 'step="1"' in page
    response = client.post(
        url, {f"m-model-{WEEK.isoformat()}": "109", f"m-co_teach-{WEEK.isoformat()}": "97"}
    )
    assert response.status_code == 302
    assert sorted(TimeEntry.objects.filter(coach=world.coach).values_list("category", "minutes")) == [
        ("co_teach", 97),
        ("model", 109),
    ]
    # A week already confirmed confirms again with the same odd figures.
    assert client.post(url, {f"m-model-{WEEK.isoformat()}": "109"}).status_code == 302


@time_machine.travel(datetime.date(2026, 10, 1))
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12.5", "Modeling, Monday September 14: enter whole minutes, such as 45"),
        ("abc", "Modeling, Monday September 14: enter whole minutes, such as 45"),
        ("-5", "Modeling, Monday September 14: minutes cannot be below 0."),
        ("1000", "Modeling, Monday September 14: at most 960 minutes (16 hours) in one day."),
    ],
)
def test_a_wrong_cell_is_named_and_nothing_is_saved(world: World, value: str, message: str) -> None:
    client = world.client("coach")
    url = reverse("coaching:time-week") + f"?week={WEEK.isoformat()}"
    response = client.post(url, {f"m-model-{WEEK.isoformat()}": value, f"m-micro-{WEEK.isoformat()}": "10"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "The week was not confirmed" in page
    assert message in page
    assert 'aria-invalid="true"' in page
    assert f'href="#id_m-model-{WEEK.isoformat()}"' in page
    assert not TimeEntry.objects.filter(coach=world.coach).exists()


@time_machine.travel(datetime.date(2026, 10, 1))
def test_the_districts_choice_of_coaching_related_time_moves_the_share(world: World) -> None:
    from coachmap.core import services as core_services

    services.time_week_confirm(
        coach=world.coach,
        week=WEEK,
        minutes={(WEEK, "co_plan"): 120, (WEEK, "plc"): 60, (WEEK, "learning"): 60, (WEEK, "admin"): 60},
    )
    grid = queries.week_grid(world.coach.user, world.coach, WEEK)
    assert grid.shares.coaching_minutes == 240 and grid.shares.other_minutes == 60
    assert {r.category for r in grid.rows if r.coaching} >= {"plc", "committee", "learning"}
    core_services.district_settings_update(
        actor=world.admin,
        district=world.district,
        min_group_size=world.district.min_group_size,
        coaching_time_target=world.district.coaching_time_target,
        time_counts={"time_counts_plc": False, "time_counts_learning": False},
    )
    world.coach.district.refresh_from_db()
    grid = queries.week_grid(world.coach.user, world.coach, WEEK)
    assert grid.shares.coaching_minutes == 120 and grid.shares.other_minutes == 180
    weeks = queries.coaches_time(
        world.lead, Coach.objects.filter(pk=world.coach.pk), datetime.date(2026, 10, 1)
    )
    assert dict(weeks[0].weeks)[WEEK] == pytest.approx(40.0)
