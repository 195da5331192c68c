"""A SMART goal drafted from a need: specific (group, grade, subject), measurable (a proficiency
rate with its baseline), achievable (half the gap, at least 5 points), relevant (the need it comes
from) and time-bound (June of the next school year's end that is at least four months away)."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from coachmap.core.groups import ALL
from coachmap.core.schoolyear import school_year_of
from coachmap.improvement.needs.ranking import SUBJECT_NAMES, Need, grade_words, group_noun

MIN_DAYS_TO_TARGET = 120  # a drafted goal gives the work at least this many days


SMALLEST_STEP = 5.0
"""Points a goal asks for at the least, however small the gap."""


@dataclass(frozen=True)
class GoalDraft:
    statement: str
    subject: str
    student_group: str
    grade: int | None
    baseline: float
    target: float
    target_date: datetime.date


def target_date_after(today: datetime.date) -> datetime.date:
    """June 15 at the end of this school year, or of the next when this one ends within four months."""
    year = school_year_of(today)
    target = datetime.date(year, 6, 15)
    if (target - today).days < MIN_DAYS_TO_TARGET:
        target = datetime.date(year + 1, 6, 15)
    return target


def _whom(need: Need) -> str:
    if need.group == ALL:
        return f"{grade_words(need.grade).lower()} students"
    noun = group_noun(need.group)
    return f"{grade_words(need.grade).lower()} {noun}" if need.grade is not None else noun


def draft(need: Need, *, measured_on: str, today: datetime.date) -> GoalDraft:
    """The goal a principal starts from: close half the gap by the target date.

    `measured_on` names the test and window the baseline comes from ("the state test, 2025–26").
    """
    baseline = round(need.rate, 1)
    step = max(SMALLEST_STEP, math.floor(need.shortfall / 2 + 0.5))
    target = min(100.0, math.floor(baseline + step + 0.5))
    when = target_date_after(today)
    subject = SUBJECT_NAMES.get(need.subject, need.subject)
    statement = (
        f"By {when:%B} {when.day}, {when.year}, {target:.0f}% of our {_whom(need)} will be proficient in "
        f"{subject}, up from {baseline:.0f}% on {measured_on} — closing {min(step, need.shortfall):.0f} of the "
        f"{need.shortfall:.0f} points between them and {need.compared_with}."
    )
    return GoalDraft(statement, need.subject, need.group, need.grade, baseline, target, when)
