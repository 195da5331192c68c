"""A coach's time: what counts as coaching, the share of it, and when to warn.

Plain functions over minutes by category code; the codes are `coaching.models.TimeCategory`'s.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from coachmap.core import percent

SESSION_CATEGORIES: tuple[str, ...] = (
    "co_plan",
    "model",
    "co_teach",
    "observe",
    "feedback",
    "reflect",
    "micro",
)
COACHING_CATEGORIES: tuple[str, ...] = (*SESSION_CATEGORIES, "planning", "pd")
# Work the articles encourage beside coaching proper: grade-level and PLC meetings and leadership
# committees (article 002: "inviting coaches to sit on leadership committees"), and the coach's own
# learning ("books studies and conferences"). Each district chooses which of them count toward
# coaching time (`District.time_counts_*`); by default all three do.
RELATED_CATEGORIES: tuple[str, ...] = ("plc", "committee", "learning")
OTHER_CATEGORIES: tuple[str, ...] = ("substitute", "testing", "supervision", "admin", "other")
CATEGORIES: tuple[str, ...] = (*COACHING_CATEGORIES, *RELATED_CATEGORIES, *OTHER_CATEGORIES)

MAX_MINUTES_A_DAY = 16 * 60
WEEKDAYS = 5


def counted_categories(counted: Collection[str] = RELATED_CATEGORIES) -> tuple[str, ...]:
    """The categories that count toward coaching time when the district counts `counted` of the
    related ones (grade-level/PLC meetings, leadership committees, own learning)."""
    unknown = set(counted) - set(RELATED_CATEGORIES)
    if unknown:
        raise ValueError(f"only related categories can be counted or not: {sorted(unknown)}")
    return (*COACHING_CATEGORIES, *(c for c in RELATED_CATEGORIES if c in counted))


def is_coaching(category: str, counted: Collection[str] = RELATED_CATEGORIES) -> bool:
    return category in counted_categories(counted)


def monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def week_days(week: datetime.date) -> list[datetime.date]:
    """The working days (Monday to Friday) of the week starting on `week`."""
    return [week + datetime.timedelta(days=i) for i in range(WEEKDAYS)]


@dataclass(frozen=True)
class Shares:
    coaching_minutes: int
    other_minutes: int

    @property
    def total(self) -> int:
        return self.coaching_minutes + self.other_minutes

    @property
    def coaching_percent(self) -> int | None:
        """Whole percent of logged time spent coaching, by the district's one rounding rule
        (`core.percent`), so it is the same figure `percent.share` gives anywhere else; with
        `other_percent` it adds up to 100 (two parts never tie short of 100: equal parts are 50 each)."""
        if not self.total:
            return None
        return percent.whole_percentages({"c": self.coaching_minutes, "o": self.other_minutes})["c"]

    @property
    def other_percent(self) -> int | None:
        coaching = self.coaching_percent
        return None if coaching is None else 100 - coaching

    @property
    def coaching_share(self) -> float | None:
        """Exact share of logged time spent coaching, in percent."""
        return 100 * self.coaching_minutes / self.total if self.total else None


def shares(minutes: Mapping[str, int], counted: Collection[str] = RELATED_CATEGORIES) -> Shares:
    """Coaching and non-coaching minutes from minutes by category; of the related categories, those
    in `counted` count as coaching and the rest as other duties."""
    unknown = set(minutes) - set(CATEGORIES)
    if unknown:
        raise ValueError(f"unknown time categories: {sorted(unknown)}")
    coaching_set = counted_categories(counted)
    coaching = sum(v for k, v in minutes.items() if k in coaching_set)
    other = sum(v for k, v in minutes.items() if k not in coaching_set)
    return Shares(coaching, other)


def below_target_two_weeks(
    weeks: Sequence[tuple[datetime.date, float | None]], target: float, this_week: datetime.date
) -> bool:
    """Whether the coach spent less than `target` percent coaching in each of the last two
    finished weeks before `this_week` (Mondays). A week without a log does not count either way."""
    known = dict(weeks)
    last = this_week - datetime.timedelta(days=7)
    before = last - datetime.timedelta(days=7)
    pair = (known.get(last), known.get(before))
    return all(share is not None and share < target for share in pair)
