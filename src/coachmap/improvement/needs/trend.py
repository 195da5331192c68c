"""Which way a gap has been moving over the years, in words a principal can check against the table.

The trend is read from the newest change backwards: the run of year-on-year changes that all go
the same way and ending at the newest year is the trend, and its first year is "since". A change
of less than `STABLE_POINTS_PER_YEAR` a year counts as stable. Years with no data are skipped;
a change across a missing year is divided by the years it spans.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

MIN_POINTS = 2  # a trend needs at least this many years


STABLE_POINTS_PER_YEAR = 1.0


class Direction(Enum):
    WIDENING = "widening"
    NARROWING = "narrowing"
    STABLE = "stable"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Trend:
    direction: Direction
    since: int | None
    """The year the run began (its first value), None when unknown."""
    change: float | None
    """How far the shortfall moved over the run, in points (positive: it grew)."""
    points: tuple[tuple[int, float], ...]

    @property
    def phrase(self) -> str:
        """ "widening since 2022", "stable since 2023", "" when there is only one year."""
        if self.direction is Direction.UNKNOWN or self.since is None:
            return ""
        return f"{self.direction.value} since {self.since}"


def _kind(change: float, years: int) -> Direction:
    per_year = change / years
    if abs(per_year) < STABLE_POINTS_PER_YEAR:
        return Direction.STABLE
    return Direction.WIDENING if per_year > 0 else Direction.NARROWING


def shortfall_trend(points: Sequence[tuple[int, float]]) -> Trend:
    """The trend of a shortfall (points below the comparison group) from (year, shortfall) pairs.

    A growing shortfall is a widening gap. Pairs may come in any order; a year given twice keeps
    its last value.
    """
    by_year = dict(points)
    ordered = tuple(sorted(by_year.items()))
    if len(ordered) < MIN_POINTS:
        return Trend(Direction.UNKNOWN, None, None, ordered)
    steps = [
        (first_year, _kind(second - first, second_year - first_year))
        for (first_year, first), (second_year, second) in itertools.pairwise(ordered)
    ]
    direction = steps[-1][1]
    since = steps[-1][0]
    for year, kind in reversed(steps[:-1]):
        if kind is not direction:
            break
        since = year
    change = ordered[-1][1] - by_year[since]
    return Trend(direction, since, change, ordered)
