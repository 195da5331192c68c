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

Pure functions over plain data; no database access.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

K = TypeVar("K", bound=Hashable)

SUPPRESSED = "*"
"""What a suppressed figure displays as, everywhere."""

_NULL_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Line(Generic[K]):
    """Displayed cells that add up to a displayed total."""

    parts: tuple[K, ...]
    total: K


def primary(counts: Mapping[K, int], min_size: int) -> set[K]:
    """Cells counting at least one person but fewer than `min_size`.

    An empty cell names nobody, so it is shown as zero.
    """
    return {key for key, n in counts.items() if 0 < n < min_size}


def determined(counts: Mapping[K, int], lines: Sequence[Line[K]], hidden: Iterable[K]) -> list[K]:
    """The hidden cells whose value follows from the shown cells and the lines, in `counts` order."""
    hidden_set = set(hidden)
    unknowns = [key for key in counts if key in hidden_set]
    if not unknowns:
        return []
    column = {key: i for i, key in enumerate(unknowns)}
    rows: list[list[float]] = []
    for line in lines:
        row = [0.0] * len(unknowns)
        for part in line.parts:
            if part in column:
                row[column[part]] += 1.0
        if line.total in column:
            row[column[line.total]] -= 1.0
        if any(row):
            rows.append(row)
    if not rows:
        return []
    matrix = np.array(rows)
    # A hidden cell is fixed by the lines exactly when its unit vector lies in the row space of
    # the matrix, that is when every vector of the null space is zero at that cell. One SVD
    # gives an orthonormal basis of the null space, so all cells are decided at once.
    _, singular, vt = np.linalg.svd(matrix, full_matrices=True)
    tolerance = singular.max(initial=0.0) * max(matrix.shape) * np.finfo(float).eps
    rank = int((singular > tolerance).sum())
    null_space = vt[rank:]
    return [key for key, i in column.items() if float(np.abs(null_space[:, i]).sum()) < _NULL_TOLERANCE]


def suppress(counts: Mapping[K, int], lines: Sequence[Line[K]], min_size: int) -> frozenset[K]:
    """The cells to hide: primary suppression, then complements until nothing hidden is determined.

    `counts` gives every displayed cell (parts and totals) with the number of people it counts;
    its order breaks ties, so the result is deterministic. A complement is taken from a line
    that holds the exposed cell, preferring the smallest non-empty part, then empty parts, and
    a total only when no part is left.
    """
    _check_lines(counts, lines)
    order = {key: i for i, key in enumerate(counts)}
    hidden = primary(counts, min_size)
    while True:
        exposed = determined(counts, lines, hidden)
        if not exposed:
            return frozenset(hidden)
        # A cell given away by one line alone (it is that line's only hidden cell) is mended in
        # that line first: the complement goes where the leak is, not into another of its lines.
        candidates = {}
        for sole in (True, False):
            for cell in exposed:
                candidates = _complements(cell, lines, hidden, counts, order, sole=sole)
                if candidates:
                    break
            if candidates:
                break
        else:
            raise ValueError(f"the lines fix {exposed[0]!r} whatever is hidden; check the table's totals")
        hidden.add(min(candidates, key=lambda key: candidates[key]))


def _complements(
    cell: K,
    lines: Sequence[Line[K]],
    hidden: set[K],
    counts: Mapping[K, int],
    order: Mapping[K, int],
    *,
    sole: bool = False,
) -> dict[K, tuple[int, bool, int, int]]:
    """Shown cells that share a line with `cell`, each with its preference (lower is better).

    With `sole`, only lines in which `cell` is the one hidden member count.
    """
    candidates: dict[K, tuple[int, bool, int, int]] = {}
    for line in lines:
        if cell != line.total and cell not in line.parts:
            continue
        if sole and any(key in hidden and key != cell for key in (*line.parts, line.total)):
            continue
        for rank, members in ((0, line.parts), (1, (line.total,))):
            for key in members:
                if key not in hidden and key != cell:
                    n = counts[key]
                    preference = (rank, n == 0, n, order[key])
                    candidates[key] = min(candidates.get(key, preference), preference)
    return candidates


def grid_lines(
    rows: Sequence[Hashable],
    columns: Sequence[Hashable],
    *,
    row_totals: bool = True,
    column_totals: bool = True,
) -> list[Line[tuple[Hashable, Hashable]]]:
    """Lines of a two-way table keyed `(row, column)`, whose totals are keyed with `"total"`.

    Row totals are `(row, "total")`, column totals `("total", column)`, and the grand total
    `("total", "total")`.
    """
    lines: list[Line[tuple[Hashable, Hashable]]] = []
    if row_totals:
        lines += [Line(tuple((r, c) for c in columns), (r, "total")) for r in rows]
    if column_totals:
        lines += [Line(tuple((r, c) for r in rows), ("total", c)) for c in columns]
    if row_totals and column_totals:
        lines.append(Line(tuple((r, "total") for r in rows), ("total", "total")))
        lines.append(Line(tuple(("total", c) for c in columns), ("total", "total")))
    return lines


def _check_lines(counts: Mapping[K, int], lines: Sequence[Line[K]]) -> None:
    for line in lines:
        for key in (*line.parts, line.total):
            if key not in counts:
                raise KeyError(f"line refers to {key!r}, which is not a displayed cell")
