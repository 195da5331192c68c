from __future__ import annotations

from django import template

from coachmap.coaching.bestfit.matching.explain import points as tenths_to_points

register = template.Library()


@register.filter
def points(tenths: int | str | None) -> str:
    """Fit is stored in tenths of a point: 715 → "71.5"; nothing (a round without figures) shows as "—"."""
    if tenths is None or tenths == "":
        return "—"
    return tenths_to_points(int(tenths))
