"""The coach's time: shares that add up to 100 and the two-week warning."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coachmap.coaching.models import SessionType, TimeCategory
from coachmap.coaching.timelog import timeshare
from coachmap.core import percent

minutes = st.dictionaries(st.sampled_from(timeshare.CATEGORIES), st.integers(0, 5000))


def test_the_pure_categories_are_the_models() -> None:
    assert tuple(TimeCategory.values) == timeshare.CATEGORIES
    assert tuple(SessionType.values) == timeshare.SESSION_CATEGORIES


def test_coaching_is_the_session_types_planning_pd_and_the_related_work_the_district_counts() -> None:
    assert timeshare.is_coaching("micro")
    assert timeshare.is_coaching("planning")
    assert timeshare.is_coaching("pd")
    for other in ("substitute", "testing", "supervision", "admin", "other"):
        assert not timeshare.is_coaching(other)
    # Grade-level/PLC meetings, leadership committees and the coach's own learning count by default
    # (issue 16); a district that counts none of them sees them as other duties.
    for related in ("plc", "committee", "learning"):
        assert timeshare.is_coaching(related)
        assert not timeshare.is_coaching(related, counted=())
    assert timeshare.is_coaching("plc", counted={"plc"}) and not timeshare.is_coaching(
        "committee", counted={"plc"}
    )
    with pytest.raises(ValueError, match="only related categories"):
        timeshare.counted_categories({"admin"})


def test_the_district_chooses_which_related_categories_count_toward_coaching_time() -> None:
    week = {"co_plan": 300, "plc": 60, "committee": 60, "learning": 60, "admin": 120}
    assert timeshare.shares(week) == timeshare.Shares(480, 120)
    assert timeshare.shares(week, counted=()) == timeshare.Shares(300, 300)
    assert timeshare.shares(week, counted={"plc", "committee"}) == timeshare.Shares(420, 180)


@given(minutes, st.sets(st.sampled_from(timeshare.RELATED_CATEGORIES)))
def test_every_minute_is_counted_once_whatever_the_district_counts(
    by_category: dict[str, int], counted: set[str]
) -> None:
    result = timeshare.shares(by_category, counted)
    assert result.total == sum(by_category.values())


@given(minutes)
def test_time_shares_add_up_to_100(by_category: dict[str, int]) -> None:
    result = timeshare.shares(by_category)
    assert result.total == sum(by_category.values())
    if result.total:
        assert result.coaching_percent is not None and result.other_percent is not None
        assert result.coaching_percent + result.other_percent == 100
        assert abs(result.coaching_percent - (result.coaching_share or 0)) < 1
    else:
        assert result.coaching_percent is None and result.other_percent is None


@given(st.integers(0, 100_000), st.integers(0, 100_000))
def test_the_time_share_is_rounded_by_the_one_rule_shown_everywhere(coaching: int, other: int) -> None:
    result = timeshare.shares({"co_plan": coaching, "admin": other})
    if coaching + other:
        assert result.coaching_percent == percent.share(coaching, coaching + other)
        assert result.other_percent == 100 - result.coaching_percent


def test_half_a_percent_rounds_up_as_people_round_by_hand() -> None:
    # 1 minute of 8 is 12.5 %: 13 % coaching and 87 % other duties, adding up to 100.
    result = timeshare.shares({"micro": 1, "admin": 7})
    assert (result.coaching_percent, result.other_percent) == (13, 87)
    half = timeshare.shares({"micro": 45, "admin": 45})
    assert (half.coaching_percent, half.other_percent) == (50, 50)


def test_a_typical_week() -> None:
    week = {
        "co_plan": 180,
        "observe": 120,
        "micro": 45,
        "planning": 90,
        "substitute": 240,
        "supervision": 150,
    }
    result = timeshare.shares(week)
    assert (result.coaching_minutes, result.other_minutes) == (435, 390)
    assert (result.coaching_percent, result.other_percent) == (53, 47)


def test_unknown_categories_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown time categories"):
        timeshare.shares({"lunch": 30})


def test_the_warning_needs_two_finished_weeks_below_target_in_a_row() -> None:
    this_week = datetime.date(2026, 10, 19)
    w1, w2, w3 = (this_week - datetime.timedelta(days=7 * k) for k in (1, 2, 3))
    below = timeshare.below_target_two_weeks
    assert below([(w1, 70.0), (w2, 75.0)], 80, this_week)
    assert not below([(w1, 70.0), (w2, 85.0)], 80, this_week)
    assert not below([(w1, 70.0), (w3, 70.0)], 80, this_week)  # a week without a log breaks the run
    assert not below([(this_week, 10.0), (w1, 70.0)], 80, this_week)  # the current week is not finished
    assert not below([(w1, 80.0), (w2, 80.0)], 80, this_week)


def test_weeks_start_on_monday_and_have_five_working_days() -> None:
    assert timeshare.monday(datetime.date(2026, 9, 17)) == datetime.date(2026, 9, 14)
    days = timeshare.week_days(datetime.date(2026, 9, 14))
    assert days[0].weekday() == 0 and days[-1] == datetime.date(2026, 9, 18)
