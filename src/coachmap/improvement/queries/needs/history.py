"""Reading an assessment's tables for the page: one grade's rows, the trend of each group through
the years, and one cell through time (a goal's or an indicator's history).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from coachmap.core import access, groups, privacy
from coachmap.core.access import AnyUser
from coachmap.improvement.models import (
    DataSource,
)
from coachmap.improvement.needs.table import Figures
from coachmap.improvement.queries.needs.published import _published_rows, _published_table
from coachmap.improvement.queries.needs.scope import Period, Scope, SubjectNeeds, group_label
from coachmap.improvement.queries.needs.tallies import _build, _present_assessments, result_tallies
from coachmap.roster.models import PublishedResult, Window


@dataclass(frozen=True)
class Row:
    """One group's line in a table of the page."""

    code: str
    label: str
    figures: Figures


def rows_for(subject: SubjectNeeds, grade: int | None) -> list[Row]:
    """The groups to list for one grade (None: all grades): every group someone was tested or
    enrolled in, and every hidden one (hidden is not the same as absent)."""
    rows = []
    for code in subject.table.groups:
        figures = subject.table.get(grade, code)
        if figures is None:
            continue
        if (
            figures.hidden
            or figures.tested
            or (figures.participation is not None and code != groups.ALL)
            or code == groups.ALL
        ):
            rows.append(Row(code, group_label(code), figures))
    return rows


@dataclass(frozen=True)
class TrendLine:
    code: str
    label: str
    rates: list[float | None]
    coded: list[str | None] = field(default_factory=list)

    @property
    def shown(self) -> list[tuple[float | None, str | None]]:
        return list(zip(self.rates, self.coded or [None] * len(self.rates), strict=True))


def trend_lines(subject: SubjectNeeds, grade: int | None) -> tuple[list[int], list[TrendLine]]:
    """Years, and the proficiency rate of each group shown in at least one year (None where hidden
    or missing). A coded rate ("≤ 5 %") stands at its bound, with its label in `coded`."""
    years = list(subject.history)
    lines = []
    for code in subject.table.groups:
        rates: list[float | None] = []
        coded: list[str | None] = []
        for year in years:
            cell = subject.history[year].get(grade, code)
            shown = cell is not None and not cell.hidden
            coded.append(cell.coded if shown and cell is not None else None)
            if not shown or cell is None:
                rates.append(None)
            elif cell.coded is not None:
                rates.append(privacy.coded_point(cell.rate or 0))
            else:
                rates.append(cell.rate)
        if any(r is not None for r in rates):
            lines.append(TrendLine(code, group_label(code), rates, coded))
    return years, lines


DEFAULT_DAYS: dict[str, tuple[int, int, int]] = {
    Window.FALL: (-1, 10, 1),
    Window.WINTER: (0, 1, 31),
    Window.SPRING: (0, 5, 15),
    Window.STATE: (0, 4, 30),
}


def assessment_date(year: int, window: str, administered_on: datetime.date | None = None) -> datetime.date:
    """When a window's data describe the students: the test date, or a usual date for the window."""
    if administered_on is not None:
        return administered_on
    shift, month, day = DEFAULT_DAYS.get(window, (0, 6, 1))
    return datetime.date(year + shift, month, day)


@dataclass(frozen=True)
class CellPoint:
    """One cell of the needs table through time: a goal's or an indicator's history."""

    period: Period
    on: datetime.date
    figures: Figures


def cell_history(
    user: AnyUser,
    scope: Scope,
    *,
    source: str,
    subject: str,
    grade: int | None,
    group: str,
    windows: tuple[str, ...] = (),
) -> list[CellPoint]:
    """The cell (grade, group) of `subject` in every period with data, oldest first, each read
    from its whole table so it is hidden exactly when the needs page hides it."""
    reveal = access.owns_student_data(user, scope.district.pk)
    points: list[CellPoint] = []
    if source == DataSource.PUBLISHED:
        by_year: dict[int, list[PublishedResult]] = defaultdict(list)
        for row in _published_rows(scope).filter(subject=subject):
            by_year[row.year].append(row)
        for year, rows in sorted(by_year.items()):
            figures = _published_table(rows, scope, reveal).get(grade, group)
            if figures is not None:
                points.append(
                    CellPoint(Period(year, Window.STATE), assessment_date(year, Window.STATE), figures)
                )
        return points
    assessments = [
        a
        for a in _present_assessments(scope)
        if a.subject == subject and (not windows or a.window in windows)
    ]
    if not assessments:
        return []
    roster_year = max(a.school_year for a in _present_assessments(scope))
    tallies = result_tallies(scope, assessments, roster_year)
    for a in assessments:
        figures = _build(tallies[a.pk], scope, reveal).get(grade, group)
        if figures is not None:
            period = Period(a.school_year, a.window)
            points.append(
                CellPoint(period, assessment_date(a.school_year, a.window, a.administered_on), figures)
            )
    return sorted(points, key=lambda p: p.on)
