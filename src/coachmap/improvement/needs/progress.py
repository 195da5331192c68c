"""Progress toward a goal against a straight line from the baseline to the target.

On the day of the newest data, the line says where the figure should be by now. At or beyond
that point the goal is on track; short of it, at risk; at or beyond the target, met. The line
runs from the baseline's date to the target date; before the first new data the goal has no
status yet.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import Enum


class Status(Enum):
    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    NOT_YET = "not_yet"

    @property
    def label(self) -> str:
        return {
            Status.MET: "Target met",
            Status.ON_TRACK: "On track",
            Status.AT_RISK: "At risk",
            Status.NOT_YET: "No new data yet",
        }[self]


@dataclass(frozen=True)
class Progress:
    status: Status
    current: float | None
    current_date: datetime.date | None
    expected: float | None
    """Where the straight line says the figure should be on `current_date`."""
    share: float | None
    """How much of the way from baseline to target has been covered (1.0 = all of it)."""


def expected_on(
    day: datetime.date, *, baseline: float, target: float, start: datetime.date, end: datetime.date
) -> float:
    """The straight line from (start, baseline) to (end, target), read on `day` (held flat outside)."""
    if end <= start or day >= end:
        return target
    if day <= start:
        return baseline
    return baseline + (target - baseline) * (day - start).days / (end - start).days


def progress(
    *,
    baseline: float,
    target: float,
    start: datetime.date,
    end: datetime.date,
    current: float | None,
    current_date: datetime.date | None,
) -> Progress:
    """Status of a goal whose figure should move from `baseline` to `target` between `start` and `end`.

    The direction comes from the goal itself: a target below the baseline (a gap to close) is
    reached by going down.
    """
    if current is None or current_date is None or current_date <= start:
        return Progress(Status.NOT_YET, current, current_date, None, None)
    sign = 1.0 if target >= baseline else -1.0
    expected = expected_on(current_date, baseline=baseline, target=target, start=start, end=end)
    share = (current - baseline) / (target - baseline) if target != baseline else None
    if (current - target) * sign >= 0:
        status = Status.MET
    elif (current - expected) * sign >= 0:
        status = Status.ON_TRACK
    else:
        status = Status.AT_RISK
    return Progress(status, current, current_date, expected, share)
