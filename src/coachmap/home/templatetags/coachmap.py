from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template

register = template.Library()


@register.filter
def school_year(year: int | None) -> str:
    """2026 → "2025–26"."""
    if not year:
        return ""
    return f"{year - 1}–{str(year)[-2:]}"


@register.filter
def percent_step(value: float | None) -> int:
    """A percentage as a whole number from 0 to 100, naming one of widths.css's classes
    (pct-w-N, pct-l-N): the Content-Security-Policy allows no style= attributes."""
    if value is None:
        return 0
    try:
        return max(0, min(100, round(float(value))))
    except (TypeError, ValueError):
        return 0


@register.filter
def index(values: Sequence[Any], i: int) -> Any:
    try:
        return values[i]
    except (IndexError, TypeError):
        return None


@register.filter
def signed(value: float | None) -> str:
    """A gap in percentage points, with its sign: "+4", "−12"."""
    if value is None:
        return ""
    rounded = round(value)
    if rounded == 0:
        return "0"
    return f"+{rounded}" if rounded > 0 else f"−{abs(rounded)}"


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, number: int) -> str:
    """The current page's query string with another page number: filters and searches survive paging."""
    query = context["request"].GET.copy()
    query["page"] = str(number)
    return f"?{query.urlencode()}"
