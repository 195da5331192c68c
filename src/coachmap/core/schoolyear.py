"""The school year: one definition everyone reads (a year runs August 1 to July 31, named by the
calendar year it ends in: 2025-08-01 … 2026-07-31 is 2026)."""

from __future__ import annotations

import datetime


def school_year_start(today: datetime.date) -> datetime.date:
    """School years start on August 1."""
    year = today.year if today.month >= 8 else today.year - 1
    return datetime.date(year, 8, 1)


def school_year_of(day: datetime.date) -> int:
    """The school year a day falls in, named by the calendar year it ends in."""
    return school_year_start(day).year + 1
