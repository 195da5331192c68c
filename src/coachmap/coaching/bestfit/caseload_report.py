"""The caseloads page as a chart and a CSV file for the program lead (issue 17).

Plain data in, plain data out: the chart spec for `static/coachmap/charts.js` (bars from zero)
and the CSV rows, both from the rows `queries.caseloads` returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

HEADER = [
    "Coach",
    "Kind of coach",
    "Schools served",
    "Active cycles",
    "Places taken",
    "Capacity",
    "Free places",
]


def chart(rows: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """Places taken and free places per coach, fullest first, as bars that start at zero."""
    if not rows:
        return None
    ordered = sorted(rows, key=lambda r: (-r["load"] / max(1, r["coach"].capacity), str(r["coach"])))
    return {
        "type": "bar",
        "horizontal": True,
        "labels": [str(r["coach"]) for r in ordered],
        "series": [
            {"label": "Places taken", "values": [r["load"] for r in ordered]},
            {"label": "Free places", "values": [r["free"] for r in ordered]},
        ],
        "min": 0,
        "axis": "Places (active cycles and proposals waiting for an answer)",
        "summary": f"Bar chart of places taken and free places for each of {len(ordered)} coaches, fullest first. "
        "The table below gives every figure.",
    }


def csv_rows(rows: Sequence[dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            str(r["coach"]),
            r["coach"].get_coach_type_display(),
            r["schools"],
            r["active"],
            r["load"],
            r["coach"].capacity,
            r["free"],
        ]
        for r in rows
    ]
