from __future__ import annotations

from django import template

from coachmap.coaching.matching.explain import points as tenths_to_points

register = template.Library()


@register.filter
def points(tenths: int | None) -> str:
    """Fit is stored in tenths of a point: 715 → "71.5"."""
    return "" if tenths is None else tenths_to_points(int(tenths))
