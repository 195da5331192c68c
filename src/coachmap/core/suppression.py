"""Small-cell suppression by lines: primary suppression, then complementary suppression until
no hidden cell is determined by the sums and differences of the lines (see `core.privacy`).

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


def rate_hidden(count: float, min_size: int) -> bool:
    """Whether a figure that stands on `count` people is hidden: at least one but fewer than `min_size`.

    An empty cell names nobody, so it is shown (as zero, or as no figure at all). The one rule behind
    every hidden cell, rate and average; `count` may be an average of people per week.
    """
    return 0 < count < min_size


def primary(counts: Mapping[K, int], min_size: int) -> set[K]:
    """Cells counting at least one person but fewer than `min_size` (`rate_hidden`)."""
    return {key for key, n in counts.items() if rate_hidden(n, min_size)}


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


CODING_MARGIN = 5
"""Top and bottom coding: a rate within this many points of 0 % or 100 % shows as a bound."""


def coded_rate(rate: float | None, coding: bool) -> str | None:
    """The label that replaces a rate near 0 % or 100 % ("≤ 5 %", "≥ 95 %"), or None to show it."""
    if rate is None or not coding:
        return None
    if rate <= CODING_MARGIN:
        return f"≤ {CODING_MARGIN} %"
    if rate >= 100 - CODING_MARGIN:
        return f"≥ {100 - CODING_MARGIN} %"
    return None


def coded_point(rate: float) -> float:
    """Where a coded rate stands on a chart or in a ranking: at its bound (5 or 95), as the reader knows it."""
    return float(CODING_MARGIN if rate < 100 / 2 else 100 - CODING_MARGIN)


def coded_bounds(rate: float, tested: int) -> tuple[int, int]:
    """The proficient counts a coded rate allows: at most 5 % of `tested`, or at least 95 %."""
    if rate <= CODING_MARGIN:
        return 0, (CODING_MARGIN * tested) // 100
    return -(-((100 - CODING_MARGIN) * tested) // 100), tested
