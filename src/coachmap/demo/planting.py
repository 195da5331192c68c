"""Plant known effects in a generated district: coaching, and a subject tool's dose.

After the coaching year is generated, the students of teachers who completed a cycle last school year
(as `impact.queries` defines it, the definition the pages use) get `Planted.coaching_points` more on
their spring interim and state scores; and every student at a school with usage data gets a year of
weekly minutes in the school's subject tools, with `tool_points_per_10_minutes` per 10 minutes a week
added to the same scores. `effects.shifts` decides the points, as it does in the coverage benchmark.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db.models import Case, F, Value, When

from coachmap.demo.effects import Planted, shifts
from coachmap.impact import queries
from coachmap.roster.models import Result, UsageWeek, Window

if TYPE_CHECKING:
    from coachmap.demo.generate import Generator

CHUNK = 2000


def _weeks(year: int) -> list[datetime.date]:
    start = datetime.date(year - 1, 8, 24)
    start -= datetime.timedelta(days=start.weekday())
    return [start + datetime.timedelta(weeks=w) for w in range(38)]


def plant(gen: Generator, planted: Planted, subject_tools: dict[int, dict[str, str]]) -> None:
    """`subject_tools`: per school with usage data, the tool that serves each subject."""
    if planted == Planted():
        return
    year = gen.results_year
    found = {
        o.subject: o for o in queries.outcomes(gen.district) if o.measure == "interim" and o.year == year
    }
    status = queries.teacher_status(gen.district, year)
    weeks = _weeks(year)
    rng = np.random.default_rng(gen.seed + 19)
    for subject, outcome in sorted(found.items()):
        rows = queries.student_rows(outcome)
        if not len(rows):
            continue
        coached = np.array([1.0 if status.coached.get(int(t)) else 0.0 for t in rows.teacher.tolist()])
        dose = np.zeros(len(rows))
        usage: list[tuple[Any, ...]] = []
        if planted.tool_points_per_10_minutes:
            for i, (student, school, el) in enumerate(
                zip(rows.student.tolist(), rows.school.tolist(), rows.flags["el"].tolist(), strict=True)
            ):
                tool = subject_tools.get(school, {}).get(subject)
                if tool is None:
                    continue
                habit = float(rng.gamma(4.0, 10.0)) * (1.4 if el else 1.0)
                minutes = np.maximum(0.0, rng.normal(habit, habit / 3, size=len(weeks))).round(1)
                dose[i] = float(minutes.sum()) / len(weeks)
                usage.extend(
                    (gen.district.pk, student, tool, week, m, max(1, int(m // 12)))
                    for week, m in zip(weeks, minutes.tolist(), strict=True)
                )
            gen.insert_rows(
                UsageWeek, ["district", "student", "tool", "week", "minutes", "events"], iter(usage)
            )
        points = shifts(coached=coached, dose=dose, planted=planted)
        _apply(gen, year, subject, rows.student, points)


def _apply(gen: Generator, year: int, subject: str, students: np.ndarray, points: np.ndarray) -> None:
    """Add each student's points to their spring and state scores of the year, a few UPDATEs per value."""
    from coachmap.roster.models import Assessment

    assessments = list(
        Assessment.objects.filter(
            district=gen.district, school_year=year, subject=subject, window__in=[Window.SPRING, Window.STATE]
        ).values_list("id", flat=True)
    )
    by_points: dict[int, list[int]] = defaultdict(list)
    for student, p in zip(students.tolist(), points.tolist(), strict=True):
        if p:
            by_points[p].append(student)
    for p, ids in sorted(by_points.items()):
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            results = Result.objects.filter(assessment_id__in=assessments, student_id__in=chunk)
            results.update(scale_score=F("scale_score") + p)
            # Proficient stays what the generator means by it: above the cut for the grade.
            results.update(
                proficient=Case(
                    When(scale_score__gt=F("grade") * 10 + Value(306.25), then=Value(True)),
                    default=Value(False),
                )
            )


def subject_tools(strategy: Any) -> dict[int, dict[str, str]]:
    """Per school with usage data, the tool serving each subject (from the demo's technology map)."""
    from coachmap.demo.strategy import TOOLS, _band

    out: dict[int, dict[str, str]] = {}
    for sid, band in strategy.gen.schools:
        if sid in strategy.extras:
            out[sid] = {serves: name for name, _, _, serves in TOOLS[_band(band)] if serves}
    return out
