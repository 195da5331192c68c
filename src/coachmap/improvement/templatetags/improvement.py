from __future__ import annotations

from django import template

from coachmap.core import percent
from coachmap.improvement.needs.ranking import grade_words
from coachmap.improvement.queries.indicators import Coaching
from coachmap.improvement.queries.needs import group_label as _group_label

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    """A rate or share: "36%", or "—" when there is none."""
    return "—" if value is None else f"{percent.rounded(value)}%"


@register.filter
def one(value: float | None) -> str:
    """A figure to one decimal place, "—" when there is none."""
    return "—" if value is None else f"{value:.1f}"


@register.filter
def group_label(code: str) -> str:
    return _group_label(code)


@register.filter
def grade_name(grade: int | None) -> str:
    return "All grades" if grade is None else grade_words(grade)


@register.filter
def zip_lists(first: list[object], second: list[object]) -> list[tuple[object, object]]:
    return list(zip(first, second, strict=False))


@register.filter
def shown_count(coaching: Coaching, n: int) -> str:
    """A count of teachers or cycles, "fewer than N" below the minimum group size N."""
    return coaching.shown(n)


@register.filter
def grade_span(grades: list[int]) -> str:
    """[0, 1, 2, 3, 4, 5] → "KG–5"; [3, 5] → "3, 5"; [] → "—"."""
    from coachmap.core.grades import grade_label

    if not grades:
        return "—"
    ordered = sorted(set(grades))
    runs: list[list[int]] = [[ordered[0]]]
    for g in ordered[1:]:
        if g == runs[-1][-1] + 1:
            runs[-1].append(g)
        else:
            runs.append([g])
    return ", ".join(
        grade_label(r[0]) if len(r) == 1 else f"{grade_label(r[0])}–{grade_label(r[-1])}" for r in runs
    )
