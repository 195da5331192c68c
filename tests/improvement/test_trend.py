"""Trends of a gap over the years, by hand."""

from __future__ import annotations

import pytest

from coachmap.improvement.needs.trend import Direction, shortfall_trend


def test_a_gap_widening_for_the_last_two_years_is_widening_since_the_first_of_them() -> None:
    # 20 → 25 (2019→2021, a missing year), → 22, → 28, → 31: the last run of growth starts in 2022.
    trend = shortfall_trend([(2019, 20.0), (2021, 25.0), (2022, 22.0), (2023, 28.0), (2024, 31.0)])
    assert trend.direction is Direction.WIDENING
    assert trend.since == 2022
    assert trend.change == pytest.approx(9.0)
    assert trend.phrase == "widening since 2022"


def test_a_change_across_a_missing_year_is_counted_per_year() -> None:
    # 30 → 26 over two years is −2 a year: narrowing; then −2 more.
    trend = shortfall_trend([(2021, 26.0), (2019, 30.0), (2022, 24.0)])
    assert trend.direction is Direction.NARROWING
    assert trend.since == 2019
    assert trend.change == pytest.approx(-6.0)


def test_small_moves_are_stable() -> None:
    # 1.8 points over two years is 0.9 a year: under the 1-point threshold.
    trend = shortfall_trend([(2022, 10.0), (2024, 11.8)])
    assert trend.direction is Direction.STABLE
    assert trend.phrase == "stable since 2022"


def test_one_year_has_no_trend() -> None:
    trend = shortfall_trend([(2024, 12.0)])
    assert trend.direction is Direction.UNKNOWN
    assert trend.phrase == ""
    assert shortfall_trend([]).since is None
