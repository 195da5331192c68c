"""Chart specifications for `static/coachmap/charts.js`: plain data, drawn in the browser.

Each chart sits beside a table with the same figures, and carries a one-sentence summary for
its text alternative.
"""

from __future__ import annotations

import datetime
from typing import Any

from coachmap.core import groups
from coachmap.improvement.models import Metric
from coachmap.improvement.queries.district import Comparison
from coachmap.improvement.queries.goals import GoalProgress
from coachmap.improvement.queries.indicators import IndicatorView
from coachmap.improvement.queries.needs import Row, TrendLine

Spec = dict[str, Any]
MAX_LINES = 8
MAX_BARS = 30


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def trend(years: list[int], lines: list[TrendLine], subject: str) -> Spec:
    """Proficiency by year for all students and the groups with the most years shown."""
    chosen = sorted(
        lines, key=lambda line: (line.code != groups.ALL, -sum(r is not None for r in line.rates))
    )
    chosen = chosen[:MAX_LINES]
    return {
        "type": "line",
        "labels": [f"{y - 1}–{str(y)[-2:]}" for y in years],
        "series": [{"label": line.label, "values": [_round(r) for r in line.rates]} for line in chosen],
        "unit": "%",
        "min": 0,
        "max": 100,
        "axis": "% proficient",
        "summary": f"Line chart of the share of students proficient in {subject} by school year, "
        f"for {', '.join(line.label for line in chosen)}. The trend table gives every figure.",
    }


def gaps(rows: list[Row], subject: str) -> Spec:
    """Each shown group's gap to all students, as bars (negative: below all students)."""
    shown = [r for r in rows if r.code != groups.ALL and r.figures.gap_to_all is not None]
    return {
        "type": "bar",
        "horizontal": True,
        "labels": [r.label for r in shown],
        "series": [
            {
                "label": "Points above or below all students",
                "values": [_round(r.figures.gap_to_all) for r in shown],
            }
        ],
        "unit": " pts",
        "axis": "Percentage points compared with all students",
        "summary": f"Bar chart of each student group's gap to all students in {subject}, in percentage points. "
        "Hidden groups are left out. The table above gives every figure.",
    }


def _day(day: datetime.date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def progress(goal_progress: GoalProgress) -> Spec:
    """The goal from its baseline to the newest real measurement, the straight line to the target,
    and the target itself as a point labelled with its date.

    Measurements from before the baseline are left out (the table keeps them): the chart answers
    "are we moving from where we started?". The value axis never hides zero: a share runs 0–100 %,
    any other measure from zero (or below it, for a negative figure) to its largest value.
    """
    goal = goal_progress.goal
    start, end = goal.starts_on, goal.target_date
    after = [
        (p, line)
        for p, line in zip(goal_progress.points, goal_progress.expected_points, strict=True)
        if p.on > start
    ]
    labels = [f"Baseline, {_day(start)}", *(p.label for p, _ in after), f"Target, {_day(end)}"]
    measured = [_round(goal.baseline), *(_round(p.value) for p, _ in after), None]
    line = [_round(goal.baseline), *(_round(v) for _, v in after), _round(goal.target)]
    target = [None] * (len(labels) - 1) + [_round(goal.target)]
    spec: Spec = {
        "type": "line",
        "labels": labels,
        "series": [
            {"label": "Measured", "values": measured},
            {"label": "Straight line from baseline to target", "values": line, "dashed": True},
            {"label": f"Target: {goal.target:g} by {_day(end)}", "values": target, "points_only": True},
        ],
        "axis": goal.get_metric_display(),
        "summary": f"Line chart of the goal's measure from the baseline ({goal.baseline:g} on {_day(start)}) "
        f"through {len(after)} newer measurement{'' if len(after) == 1 else 's'}, against the straight line "
        f"to the target ({goal.target:g} by {_day(end)}). The table beside it gives every figure.",
    }
    if goal.metric == Metric.PROFICIENCY_RATE:
        spec |= {"min": 0, "max": 100, "unit": " %"}
    else:
        values = [v for v in [*measured, *line] if v is not None]
        spec["min"] = min(0.0, *values) if values else 0.0
    return spec


def indicator(view: IndicatorView) -> Spec:
    return {
        "type": "line",
        "labels": [p.label for p in view.points],
        "series": [{"label": view.indicator.name, "values": [_round(p.value) for p in view.points]}],
        "axis": view.indicator.unit_label,
        "summary": f"Line chart of {view.indicator.name} over time, in {view.indicator.unit_label}. "
        "The history table gives every figure.",
    }


def district(comparison: Comparison) -> Spec | None:
    """All students: each school's proficiency on a 0–100 % axis, lowest first. A group: the schools
    where it is furthest below all the school's students, bars from zero. None when nothing is shown."""
    if comparison.everyone:
        rated = [r for r in comparison.rows if r.rate_all is not None]
        rated = sorted(rated, key=lambda r: (r.rate_all or 0.0, r.name))[:MAX_BARS]
        if not rated:
            return None
        return {
            "type": "bar",
            "horizontal": True,
            "labels": [r.name for r in rated],
            "series": [
                {"label": "All students: share proficient", "values": [_round(r.rate_all) for r in rated]}
            ],
            "unit": " %",
            "min": 0,
            "max": 100,
            "axis": f"% of students proficient in {comparison.subject_label}",
            "summary": f"Bar chart of the share of all students proficient in {comparison.subject_label} at each "
            f"of {len(rated)} schools, lowest first, on a scale from 0 to 100 %. The table gives every school.",
        }
    shown = [r for r in comparison.rows if r.gap is not None]
    shown = sorted(shown, key=lambda r: r.gap if r.gap is not None else 0.0)[:MAX_BARS]
    if not shown:
        return None
    return {
        "type": "bar",
        "horizontal": True,
        "labels": [r.name for r in shown],
        "series": [
            {
                "label": f"{comparison.group_label}: gap to all students",
                "values": [_round(r.gap) for r in shown],
            }
        ],
        "unit": " pts",
        "axis": "Percentage points compared with the school's students",
        "summary": f"Bar chart of the {len(shown)} schools where {comparison.group_label.lower()} are furthest below "
        f"all their school's students in {comparison.subject_label}. The table gives every school.",
    }
