"""A real-world calendar export (tests/coaching/data/coach_calendar.ics, in the shape Google Calendar
writes) becomes time-log suggestions: recurrences expanded with their exceptions, every time zone
turned into the district's, all-day events kept but not counted, sessions left to the session log."""

from __future__ import annotations

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from coachmap.coaching.timelog import ics

DATA = (Path(__file__).parent / "data" / "coach_calendar.ics").read_bytes()
NY = ZoneInfo("America/New_York")
WEEK = datetime.date(2026, 9, 14)


def _week(start: datetime.date = WEEK) -> list[ics.Occurrence]:
    return ics.read_calendar(DATA, tz=NY, start=start, end=start + datetime.timedelta(days=7))


def _at(occurrences: list[ics.Occurrence], summary: str) -> list[tuple[str, str]]:
    return [
        (o.start.strftime("%a %H:%M"), o.end.strftime("%H:%M")) for o in occurrences if o.summary == summary
    ]


def test_a_weekly_duty_expands_skips_its_exception_and_follows_its_move() -> None:
    # Mon/Wed/Fri 11:30, but not Wednesday the 16th (EXDATE), and Friday moved to 12:00 (RECURRENCE-ID).
    assert _at(_week(), "Lunch duty") == [("Mon 11:30", "12:00"), ("Fri 12:00", "12:30")]


def test_a_recurrence_keeps_local_time_across_the_change_from_daylight_saving() -> None:
    november = _week(datetime.date(2026, 11, 2))  # clocks went back on November 1
    assert _at(november, "Lunch duty") == [
        ("Mon 11:30", "12:00"),
        ("Wed 11:30", "12:00"),
        ("Fri 11:30", "12:00"),
    ]
    assert all(o.start.utcoffset() == datetime.timedelta(hours=-5) for o in november)


def test_a_counted_recurrence_stops() -> None:
    meetings = [
        o
        for o in ics.read_calendar(DATA, tz=NY, start=WEEK, end=datetime.date(2026, 12, 1))
        if o.summary == "Leadership team meeting"
    ]
    assert [o.start.date() for o in meetings] == [
        datetime.date(2026, 9, 14),
        datetime.date(2026, 9, 21),
        datetime.date(2026, 9, 28),
    ]


def test_other_zones_utc_and_floating_times_become_local() -> None:
    week = _week()
    assert _at(week, "Present Desmos workshop to grade 7 team") == [("Tue 15:00", "16:00")]  # 14:00 Chicago
    assert _at(week, "Sub coverage for room 12") == [("Thu 08:30", "10:00")]  # 12:30Z
    assert _at(week, "Plan next week's coaching") == [("Wed 15:00", "15:45")]  # floating, with a DURATION


def test_all_day_events_are_kept_but_not_counted_and_cancelled_ones_are_dropped() -> None:
    week = _week()
    window = [o for o in week if o.summary == "Fall MAP testing window"]
    assert len(window) == 1 and window[0].all_day and window[0].category is None
    assert not [o for o in week if o.summary == "Staff meeting"]


def test_titles_suggest_categories_and_sessions_are_left_to_the_session_log() -> None:
    by_summary = {o.summary: o.category for o in _week()}
    assert by_summary == {
        "Lunch duty": "supervision",
        # A leadership committee is coaching-related time (issue 16), no longer "admin".
        "Leadership team meeting": "committee",
        "Fall MAP testing window": None,
        "Proctor MAP test, room 4": "testing",
        "Present Desmos workshop to grade 7 team": "pd",
        "Plan next week's coaching": "planning",
        "Sub coverage for room 12": "substitute",
        "Co-teach with Ms. Lee (grade 4)": None,
    }


def test_minutes_by_day_and_category() -> None:
    d = datetime.date
    assert ics.minutes_by_day(_week()) == {
        (d(2026, 9, 14), "supervision"): 30,
        (d(2026, 9, 14), "committee"): 60,  # the leadership team meeting
        (d(2026, 9, 15), "testing"): 90,
        (d(2026, 9, 15), "pd"): 60,
        (d(2026, 9, 16), "planning"): 45,
        (d(2026, 9, 17), "substitute"): 90,
        (d(2026, 9, 18), "supervision"): 30,
    }


def test_an_event_past_midnight_is_split_between_the_days() -> None:
    late = ics.Occurrence(
        "x",
        datetime.datetime(2026, 9, 14, 23, 0, tzinfo=NY),
        datetime.datetime(2026, 9, 15, 1, 30, tzinfo=NY),
        False,
        "Testing setup",
        "testing",
    )
    assert ics.minutes_by_day([late]) == {
        (datetime.date(2026, 9, 14), "testing"): 60,
        (datetime.date(2026, 9, 15), "testing"): 90,
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name,start\nLunch,11:30\n", "not an iCalendar"),
        (b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:2026XX\nEND:VEVENT\nEND:VCALENDAR\n", "could not be read"),
        (b"BEGIN:VCALENDAR\n" + b"X" * (ics.MAX_BYTES + 1), "larger than 2 MB"),
    ],
)
def test_a_bad_file_says_what_is_wrong(data: bytes, message: str) -> None:
    with pytest.raises(ics.CalendarError, match=message):
        ics.read_calendar(data, tz=NY, start=WEEK, end=WEEK + datetime.timedelta(days=7))


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("Grade 3 team meeting", "plc"),
        ("PLC: math exit tickets", "plc"),
        ("Grade-level planning with 5th grade", "plc"),
        ("Book study", "learning"),
        ("Coaches' book study: The Art of Coaching", "learning"),
        ("ISTE conference", "learning"),
        ("Leadership committee", "committee"),
        ("Building leadership team", "committee"),
        # What stays as it was: a parent conference is not the coach's learning, presenting PD is PD.
        ("Parent conference", "other"),
        ("Present Desmos workshop to grade 7 team", "pd"),
        ("Staff meeting", "admin"),
    ],
)
def test_the_guesser_knows_meetings_committees_and_the_coachs_own_learning(title: str, category: str) -> None:
    assert ics.categorise(title) == category
