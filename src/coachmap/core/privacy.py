"""Small-cell suppression for every aggregate shown beyond a teacher and their coach.

A *cell* is any displayed figure that counts people (students tested in a group, teachers coached
at a school). A cell counting fewer than the district's minimum group size is hidden (primary
suppression). Where displayed cells add up to a displayed total — the race/ethnicity groups add up
to all students, the schools add up to the district — hiding one cell is not enough: it could be
worked out as the total minus the others. So more cells are hidden (complementary suppression)
until no hidden cell is determined by what is shown.

"Determined" is decided exactly: the lines (parts = total) form a linear system over the hidden
cells; a hidden cell is determined when its value is fixed by that system, i.e. when its unit
vector lies in the row space of the system's matrix. That catches every case a reader could
work out with sums and differences, including chains across rows and columns.

That is where protection starts, not where it ends: a reader also knows that counts are whole
numbers and never negative and that a rate beside a count gives a proficient count. The
disclosure audit below (`Model`, solved with HiGHS) takes all of that into account; callers hide
more cells until it pins nothing (`suppress_audited`, `protect`, `improvement.needs.table`).

The rules live in two modules, re-exported here so every caller imports `core.privacy`:
`core.suppression` (the lines, primary and complementary suppression, `rate_hidden`, top and
bottom coding) and `core.disclosure` (the audit `Model`, `protect`, `suppress_audited`, `rate_bounds`).

Pure functions over plain data; no database access.
"""

from __future__ import annotations

from coachmap.core.disclosure import (
    BIG,
    MEND_GAP,
    MEND_SECONDS,
    Interval,
    Model,
    counts_model,
    protect,
    rate_bounds,
    suppress_audited,
)
from coachmap.core.suppression import (
    CODING_MARGIN,
    SUPPRESSED,
    K,
    Line,
    coded_bounds,
    coded_point,
    coded_rate,
    determined,
    grid_lines,
    primary,
    rate_hidden,
    suppress,
)

__all__ = [
    "BIG",
    "CODING_MARGIN",
    "MEND_GAP",
    "MEND_SECONDS",
    "SUPPRESSED",
    "Interval",
    "K",
    "Line",
    "Model",
    "coded_bounds",
    "coded_point",
    "coded_rate",
    "counts_model",
    "determined",
    "grid_lines",
    "primary",
    "protect",
    "rate_bounds",
    "rate_hidden",
    "suppress",
    "suppress_audited",
]
