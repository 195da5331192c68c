"""Chart specifications for `static/coachmap/charts.js`: plain data, drawn in the browser.

Each chart sits beside a table with the same figures, and carries a one-sentence summary for
its text alternative.
"""

from __future__ import annotations

from typing import Any

from coachmap.core import groups
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


def progress(goal_progress: GoalProgress) -> Spec:
    goal = goal_progress.goal
    points = goal_progress.points
    return {
        "type": "line",
        "labels": [p.label for p in points],
        "series": [
            {"label": "Measured", "values": [_round(p.value) for p in points]},
            {
                "label": "Straight line from baseline to target",
                "values": [_round(v) for v in goal_progress.expected_points],
                "dashed": True,
            },
        ],
        "axis": goal.get_metric_display(),
        "summary": f"Line chart of the goal's measure in each testing window against the straight line from "
        f"{goal.baseline:g} to {goal.target:g}. The table beside it gives every figure.",
    }


def indicator(view: IndicatorView) -> Spec:
    return {
        "type": "line",
        "labels": [p.label for p in view.points],
        "series": [{"label": view.indicator.name, "values": [_round(p.value) for p in view.points]}],
        "axis": view.indicator.unit_label,
        "summary": f"Line chart of {view.indicator.name} over time, in {view.indicator.unit_label}. "
        "The history table gives every figure.",
    }


def district(comparison: Comparison) -> Spec:
    """The schools furthest below all their students, as bars."""
    shown = [r for r in comparison.rows if r.gap is not None]
    shown = sorted(shown, key=lambda r: r.gap if r.gap is not None else 0.0)[:MAX_BARS]
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
        "all their school's students. The table gives every school.",
    }
