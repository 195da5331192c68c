"""The needs tables from published state results: the rows for a school or the district's own entity."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from coachmap.core import groups
from coachmap.improvement.needs import table
from coachmap.improvement.needs.stats import Tally
from coachmap.improvement.needs.table import Key, Table
from coachmap.improvement.queries.needs.scope import (
    PUBLISHED_PAIRS,
    PUBLISHED_SUBJECTS,
    Period,
    Scope,
    SubjectNeeds,
)
from coachmap.roster.models import PublishedResult, Window


def _published_rows(scope: Scope) -> Any:
    """A school's published rows; for the district, those of its own entity in the state's files:
    the entity with the district's state code (set in district settings), else its roster source id,
    else the only entity there is."""
    rows = PublishedResult.objects.filter(district=scope.district)
    if scope.school:
        return rows.filter(school=scope.school)
    rows = rows.filter(school__isnull=True)
    for code in (scope.district.state_id, scope.district.source_id):
        if code and rows.filter(entity_code=code).exists():
            return rows.filter(entity_code=code)
    codes = list(rows.values_list("entity_code", flat=True).distinct()[:2])
    return rows if len(codes) == 1 else rows.none()


def _published_table(rows: list[PublishedResult], scope: Scope, reveal: bool) -> Table:
    cells: dict[Key, Tally] = {}
    hidden: list[Key] = []
    for row in rows:
        key = (row.grade, row.group)
        rate = None if row.published_rate is None else 100 * row.published_rate
        cells[key] = Tally(tested=row.tested or 0, proficient=row.proficient or 0, published_rate=rate)
        if row.suppressed:
            hidden.append(key)
    return table.build(
        cells,
        partitions={**groups.partitions(), **PUBLISHED_PAIRS},
        min_size=scope.district.min_group_size,
        reveal=reveal,
        complete=False,
        hidden_at_source=hidden,
        with_counts=False,
    )


def _from_published(
    scope: Scope, wanted: Period | None, reveal: bool
) -> tuple[Period | None, list[Period], list[SubjectNeeds]]:
    rows = list(_published_rows(scope).order_by("year", "subject", "grade", "group"))
    periods = sorted({Period(r.year, Window.STATE) for r in rows}, key=lambda p: -p.year)
    if not periods:
        return None, [], []
    period = wanted if wanted in periods else periods[0]
    by_subject_year: dict[tuple[str, int], list[PublishedResult]] = defaultdict(list)
    for row in rows:
        by_subject_year[(row.subject, row.year)].append(row)
    subjects = []
    for subject in sorted(
        {s for s, y in by_subject_year if y == period.year},
        key=lambda s: (list(PUBLISHED_SUBJECTS).index(s) if s in PUBLISHED_SUBJECTS else 99, s),
    ):
        history = {
            year: _published_table(year_rows, scope, reveal)
            for (s, year), year_rows in sorted(by_subject_year.items())
            if s == subject
        }
        label = PUBLISHED_SUBJECTS.get(subject, subject)
        source = next(
            (r.source for r in by_subject_year[(subject, period.year)] if r.source), "Published results"
        )
        subjects.append(SubjectNeeds(subject, label, source, None, history[period.year], history))
    return period, periods, subjects
