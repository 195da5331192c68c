"""The school year: the one definition everyone calls.

A school year runs from August 1 to July 31 and is named by the calendar year it ends in (the
2026–27 school year is 2027), as `Assessment.school_year`, `PartnershipAgreement.school_year` and
the survey tables store it. Pure Python: no Django, no database.
"""

from __future__ import annotations

import datetime

START_MONTH = 8
START_DAY = 1


def school_year_of(day: datetime.date) -> int:
    """The year the school year containing `day` ends in."""
    return day.year + 1 if (day.month, day.day) >= (START_MONTH, START_DAY) else day.year


def school_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    """The first and the last day of the school year that ends in `year`."""
    first = datetime.date(year - 1, START_MONTH, START_DAY)
    return first, datetime.date(year, START_MONTH, START_DAY) - datetime.timedelta(days=1)


def school_year_start(day: datetime.date) -> datetime.date:
    """The first day of the school year containing `day`."""
    return school_year_bounds(school_year_of(day))[0]
