"""Template helpers for the reports' tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.filter
def get(values: Mapping[str, Any], key: str) -> Any:
    """`values[key]`, for a column chosen by name."""
    return values.get(key, "")


@register.filter(name="zip")
def zip_lists(first: list[Any], second: list[Any]) -> list[tuple[Any, Any]]:
    """Pairs of the two lists, for a table of weeks and their figures."""
    return list(zip(first, second, strict=False))
