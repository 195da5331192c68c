"""The two terms of a school year: fall (August to December) and spring (January to July).

A coach assesses themselves once a term; only the current term can be changed."""

from __future__ import annotations

import datetime

from coachmap.core.schoolyear import school_year_of

SPRING_STARTS_IN = 1


def term_of(day: datetime.date) -> tuple[int, str]:
    """(school year, "fall" or "spring") for a day; the school year is named by the year it ends in."""
    return school_year_of(day), "fall" if day.month >= 8 else "spring"  # noqa: PLR2004 - August


def term_label(school_year: int, term: str) -> str:
    half = "Fall" if term == "fall" else "Spring"
    return f"{half} term {school_year - 1}–{str(school_year)[-2:]}"
