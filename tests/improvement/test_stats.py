"""Needs-assessment statistics, each against numbers worked out by hand."""

from __future__ import annotations

import pytest

from coachmap.improvement.needs import stats
from coachmap.improvement.needs.stats import Tally


def test_rates_means_growth_and_participation_by_hand() -> None:
    # 50 tested, 18 proficient; 48 scale scores adding up to 19,200; 40 matched to fall gaining 600
    # points in all; 60 on the roster.
    tally = Tally(
        tested=50, proficient=18, scored=48, score_sum=19_200, matched=40, growth_sum=600, enrolled=60
    )
    assert stats.proficiency_rate(tally) == pytest.approx(36.0)
    assert stats.mean_score(tally) == pytest.approx(400.0)
    assert stats.growth(tally) == pytest.approx(15.0)
    assert stats.participation(tally) == pytest.approx(100 * 50 / 60)


def test_a_group_with_nobody_tested_has_no_rate_but_a_participation_of_zero() -> None:
    tally = Tally(tested=0, enrolled=12)
    assert stats.proficiency_rate(tally) is None
    assert stats.mean_score(tally) is None
    assert stats.growth(tally) is None
    assert stats.participation(tally) == 0.0


def test_participation_is_unknown_without_a_roster() -> None:
    assert stats.participation(Tally(tested=5)) is None
    assert stats.participation(Tally(tested=0, enrolled=0)) is None


def test_a_published_rate_stands_in_when_no_counts_were_published() -> None:
    assert stats.proficiency_rate(Tally(published_rate=41.5)) == 41.5
    assert stats.proficiency_rate(Tally(tested=4, proficient=1, published_rate=41.5)) == 25.0


def test_tallies_add_up_and_growth_comes_from_sums_not_from_averaging_averages() -> None:
    a = Tally(tested=10, proficient=5, scored=10, score_sum=3000, matched=10, growth_sum=100, enrolled=10)
    b = Tally(tested=30, proficient=6, scored=30, score_sum=9300, matched=20, growth_sum=400, enrolled=35)
    both = stats.total([a, b])
    assert both == Tally(40, 11, 40, 12_300, 30, 500, 45)
    # (100 + 400) / 30, not the mean of 10 and 20.
    assert stats.growth(both) == pytest.approx(500 / 30)
    assert stats.total([a, Tally(tested=1)]).enrolled is None
    assert stats.total([]) == Tally()


def test_gaps_are_signed_and_unknown_when_either_side_is() -> None:
    assert stats.difference(18.0, 49.0) == -31.0
    assert stats.difference(None, 49.0) is None
    assert stats.difference(18.0, None) is None


def test_the_best_group_ignores_groups_below_the_minimum_size() -> None:
    rates = {"race:asian": 100.0, "race:white": 61.5, "race:hispanic": 33.3, "el": None}
    sizes = {"race:asian": 3, "race:white": 13, "race:hispanic": 12, "el": 0}
    assert stats.best_group(rates, sizes, 10) == "race:white"
    assert stats.best_group(rates, sizes, 1) == "race:asian"
    assert stats.best_group({"el": None}, {"el": 40}, 10) is None
