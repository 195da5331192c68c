"""Every table of the improvement pages as CSV rows, suppressed exactly as on the page.

Each function returns (filename stem, header, rows). Hidden figures read "*"; numbers stay numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from coachmap.core.access import AnyUser
from coachmap.core.models import School
from coachmap.core.privacy import SUPPRESSED
from coachmap.improvement.models import GoalStatus, ToolLink
from coachmap.improvement.needs.table import Figures
from coachmap.improvement.queries.district import Comparison
from coachmap.improvement.queries.goals import GoalPoint, goal_progress
from coachmap.improvement.queries.indicators import Point, indicator_view
from coachmap.improvement.queries.needs import NeedsAssessment, group_label, prioritised, trend_lines
from coachmap.improvement.queries.techmap import tech_map

Table = tuple[str, list[str], Iterator[list[Any]]]


def _r(value: float | None) -> float | str:
    return "" if value is None else round(value, 2)


def _hidden(flag: bool, value: float | None) -> float | str:
    return SUPPRESSED if flag else _r(value)


def needs_rows(assessment: NeedsAssessment) -> Table:
    header = [
        "subject",
        "grade",
        "group",
        "tested",
        "percent proficient",
        "mean scale score",
        "students matched to fall",
        "growth since fall",
        "participation percent",
        "gap to all students",
        "highest-performing group",
        "gap to highest-performing group",
    ]

    def rows() -> Iterator[list[Any]]:
        for subject in assessment.subjects:
            for grade in [None, *subject.table.grades]:
                for code in subject.table.groups:
                    f: Figures | None = subject.table.get(grade, code)
                    if f is None or (
                        not f.hidden and not f.tested and f.participation is None and f.rate is None
                    ):
                        continue
                    yield [
                        subject.label,
                        "all" if grade is None else grade,
                        group_label(code),
                        SUPPRESSED if f.hidden else f.tested,
                        f.coded or _hidden(f.hidden, f.rate),
                        _hidden(f.hidden, f.mean_score),
                        SUPPRESSED if f.growth_hidden else (f.matched or 0),
                        _hidden(f.growth_hidden, f.growth),
                        _hidden(f.participation_hidden, f.participation),
                        _hidden(f.hidden, f.gap_to_all),
                        "" if f.hidden or not f.best_group else group_label(f.best_group),
                        _hidden(f.hidden, f.gap_to_best),
                    ]

    return "needs", header, rows()


def trend_rows(assessment: NeedsAssessment) -> Table:
    def rows() -> Iterator[list[Any]]:
        for subject in assessment.subjects:
            for grade in [None, *subject.table.grades]:
                years, lines = trend_lines(subject, grade)
                for line in lines:
                    for year, (rate, coded) in zip(years, line.shown, strict=True):
                        cell = subject.history[year].get(grade, line.code)
                        hidden = cell is not None and cell.hidden
                        yield [
                            subject.label,
                            "all" if grade is None else grade,
                            line.label,
                            year,
                            coded or _hidden(hidden, rate),
                        ]

    return "trend", ["subject", "grade", "group", "school year (ending)", "percent proficient"], rows()


def priority_rows(school: School, assessment: NeedsAssessment) -> Table:
    needs, notes = prioritised(school, assessment)
    header = [
        "rank",
        "need",
        "points below",
        "students",
        "trend",
        "trend factor",
        "score",
        "principal's note",
    ]
    rows = (
        [
            i + 1,
            n.sentence,
            _r(n.shortfall),
            n.students,
            n.trend.phrase or "unknown",
            n.trend_factor,
            round(n.score),
            notes[n.key].note if n.key in notes else "",
        ]
        for i, n in enumerate(needs)
    )
    return "priorities", header, rows


def goal_rows(user: AnyUser, school: School) -> Table:
    header = [
        "goal",
        "status",
        "subject",
        "group",
        "grade",
        "measure",
        "baseline",
        "baseline date",
        "target",
        "target date",
        "measured in",
        "value",
        "on the straight line",
        "progress",
    ]

    def rows() -> Iterator[list[Any]]:
        for goal in school.goals.all():
            progress = goal_progress(user, goal) if goal.status == GoalStatus.ACTIVE else None
            points: list[GoalPoint | None] = list(progress.points) if progress else [None]
            expected: list[float | None] = list(progress.expected_points) if progress else [None]
            for point, line in zip(points, expected, strict=True):
                yield [
                    goal.statement,
                    goal.get_status_display(),
                    goal.get_subject_display(),
                    group_label(goal.student_group),
                    goal.grade if goal.grade is not None else "all",
                    goal.get_metric_display(),
                    goal.baseline,
                    goal.starts_on,
                    goal.target,
                    goal.target_date,
                    point.label if point else "",
                    (point.coded or _hidden(point.hidden, point.value)) if point else "",
                    _r(line),
                    progress.progress.status.label if progress else "",
                ]

    return "goals", header, rows()


def indicator_rows(user: AnyUser, school: School) -> Table:
    header = ["goal", "indicator", "unit", "baseline", "target", "measured", "value"]

    def rows() -> Iterator[list[Any]]:
        for goal in school.goals.filter(status=GoalStatus.ACTIVE):
            for indicator in goal.indicators.all():
                view = indicator_view(user, indicator)
                points: list[Point | None] = list(view.points) or [None]
                for point in points:
                    yield [
                        goal.statement,
                        indicator.name,
                        indicator.unit_label,
                        _r(indicator.baseline),
                        indicator.target,
                        point.label if point else "",
                        _hidden(point.hidden, point.value) if point else "",
                    ]

    return "indicators", header, rows()


def map_rows(user: AnyUser, school: School) -> Table:
    header = [
        "tool",
        "vendor",
        "kind",
        "grades",
        "subjects",
        "goal",
        "indicator",
        "rationale",
        "students a week",
        "minutes per student a week",
        "connected to a school goal",
    ]

    def rows() -> Iterator[list[Any]]:
        for row in tech_map(user, school).tools:
            usage = row.usage
            students = "" if usage is None else (SUPPRESSED if usage.hidden else round(usage.students, 1))
            minutes = "" if usage is None else _hidden(usage.hidden, usage.minutes_per_student)
            base = [
                row.tool.name,
                row.tool.vendor,
                row.tool.get_kind_display(),
                " ".join(str(g) for g in row.tool.grades),
                " ".join(row.tool.subjects),
            ]
            links: list[ToolLink | None] = list(row.links) or [None]
            for link in links:
                yield [
                    *base,
                    link.goal.statement if link else "",
                    link.indicator.name if link and link.indicator else "",
                    link.rationale if link else "",
                    students,
                    minutes,
                    "yes" if row.connected else "no",
                ]

    return "technology-map", header, rows()


def comparison_rows(comparison: Comparison) -> Table:
    header = [
        "school",
        "grades",
        "all students tested",
        "all students percent proficient",
        f"{comparison.group_label} tested",
        f"{comparison.group_label} percent proficient",
        "gap to all students",
        "growth since fall",
        "participation percent",
        "active goals",
    ]
    everyone = [*comparison.rows, *([comparison.total] if comparison.total else [])]
    rows = (
        [
            r.name,
            r.grades,
            r.everyone.tested,
            _r(r.rate_all),
            SUPPRESSED if r.hidden else r.group.tested,
            _hidden(r.hidden, r.rate),
            _hidden(r.hidden, r.gap),
            _hidden(r.hidden, r.growth),
            _hidden(r.hidden, r.participation),
            r.active_goals,
        ]
        for r in everyone
    )
    return "schools", header, rows
