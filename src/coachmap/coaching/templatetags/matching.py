from __future__ import annotations

from typing import Any

from django import template

from coachmap.coaching.bestfit.matching import explain
from coachmap.coaching.bestfit.matching.explain import points as tenths_to_points

register = template.Library()


@register.filter
def points(tenths: int | str | None) -> str:
    """Fit is stored in tenths of a point: 715 → "71.5"; nothing (a round without figures) shows as "—"."""
    if tenths is None or tenths == "":
        return "—"
    return tenths_to_points(int(tenths))


@register.filter
def fit_quality(matching_round: Any) -> str:
    """A round's fit in words: "strong (on average 71 of 100 points)"."""
    figures = matching_round.figures or {}
    weights = (matching_round.settings_used or {}).get("weights") or {}
    return explain.fit_quality(figures.get("total_fit"), figures.get("matched"), weights)


@register.filter
def seconds(value: float | str | None) -> str:
    """A round without timings (an older or hand-made one) shows "—"."""
    return explain.seconds_words(None if value is None or value == "" else float(value))
