from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template

from coachmap.roster.models import Window

register = template.Library()


@register.filter
def school_year(year: int | None) -> str:
    """2026 → "2025–26"."""
    if not year:
        return ""
    return f"{year - 1}–{str(year)[-2:]}"


@register.filter
def window_label(window: str | None) -> str:
    return Window(window).label if window in Window.values else (window or "")


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
