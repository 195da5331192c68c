"""A school's or the district's needs assessment, read from the summary tables (or published results).

For one testing window the page shows, per subject, every grade × student group: tested,
proficient, mean scale score, growth since fall, participation, gaps to all students and to the
highest-performing group; the same window in every other year gives the trend. The tables are
suppressed as wholes (`improvement.needs.table`) unless the reader owns the data.

The package is split by topic: `scope` (what is read), `tallies` (from the summary tables),
`published` (from published state results), `assessment` (the page's assessment) and `history`
(rows, trends and one cell through time). Callers import from `improvement.queries.needs`.
"""

from __future__ import annotations

from coachmap.improvement.queries.needs.assessment import (
    available_sources,
    needs_assessment,
    parse_period,
    prioritised,
    summaries_stale,
    tables_audit,
)
from coachmap.improvement.queries.needs.history import (
    DEFAULT_DAYS,
    CellPoint,
    Row,
    TrendLine,
    assessment_date,
    cell_history,
    rows_for,
    trend_lines,
)
from coachmap.improvement.queries.needs.scope import (
    MEASURES,
    PUBLISHED_LABELS,
    PUBLISHED_PAIRS,
    PUBLISHED_SUBJECTS,
    WINDOW_ORDER,
    NeedsAssessment,
    Period,
    Scope,
    SubjectNeeds,
    group_label,
)
from coachmap.improvement.queries.needs.tallies import DEMOGRAPHICS, result_tallies

__all__ = [
    "DEFAULT_DAYS",
    "DEMOGRAPHICS",
    "MEASURES",
    "PUBLISHED_LABELS",
    "PUBLISHED_PAIRS",
    "PUBLISHED_SUBJECTS",
    "WINDOW_ORDER",
    "CellPoint",
    "NeedsAssessment",
    "Period",
    "Row",
    "Scope",
    "SubjectNeeds",
    "TrendLine",
    "assessment_date",
    "available_sources",
    "cell_history",
    "group_label",
    "needs_assessment",
    "parse_period",
    "prioritised",
    "result_tallies",
    "rows_for",
    "summaries_stale",
    "tables_audit",
    "trend_lines",
]
