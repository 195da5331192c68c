"""Suppression: hand-computed cases, and properties that must hold for any table.

A hidden figure must never be recoverable from what is shown. The property tests check that
exactly — with independent arithmetic (Fractions, not the module's own numpy) — for random
tables with row, column and grand totals.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coachmap.core.privacy import Line, determined, grid_lines, primary, suppress

MIN = 10


def test_cells_below_the_minimum_are_hidden_and_empty_cells_are_shown() -> None:
    counts = {"a": 0, "b": 3, "c": 9, "d": 10, "e": 250}
    assert primary(counts, MIN) == {"b", "c"}


def test_one_small_group_in_a_partition_takes_the_next_smallest_with_it() -> None:
    # Race groups add up to all students: hiding only "asian" (4) would leave it as 120 - 60 - 56.
    counts = {"all": 120, "hispanic": 60, "white": 56, "asian": 4}
    hidden = suppress(counts, [Line(("hispanic", "white", "asian"), "all")], MIN)
    assert hidden == {"asian", "white"}


def test_two_small_groups_protect_each_other() -> None:
    counts = {"all": 100, "a": 88, "b": 7, "c": 5}
    assert suppress(counts, [Line(("a", "b", "c"), "all")], MIN) == {"b", "c"}


def test_no_small_group_means_nothing_hidden() -> None:
    counts = {"all": 100, "a": 60, "b": 40}
    assert suppress(counts, [Line(("a", "b"), "all")], MIN) == frozenset()


def test_a_small_total_is_hidden_with_a_part_so_the_total_cannot_be_summed_back() -> None:
    counts = {"all": 8, "a": 0, "b": 8}
    hidden = suppress(counts, [Line(("a", "b"), "all")], MIN)
    # "b" (8) is small; the total 8 is small too; both hidden, and "a" too: with only "a" shown
    # (0) the pair would still be pinned by b = all - a only if all were shown.
    assert {"all", "b"} <= hidden
    assert determined(counts, [Line(("a", "b"), "all")], hidden) == []


def test_two_way_table_complements_across_rows_and_columns() -> None:
    # Schools × subjects with margins, like a district comparison.
    rows, cols = ["s1", "s2", "s3"], ["ela", "math"]
    values = {
        ("s1", "ela"): 40,
        ("s1", "math"): 42,
        ("s2", "ela"): 6,
        ("s2", "math"): 30,
        ("s3", "ela"): 25,
        ("s3", "math"): 27,
    }
    counts = dict(values)
    for r in rows:
        counts[(r, "total")] = sum(values[(r, c)] for c in cols)
    for c in cols:
        counts[("total", c)] = sum(values[(r, c)] for r in rows)
    counts[("total", "total")] = sum(values.values())
    lines = grid_lines(rows, cols)
    hidden = suppress(counts, lines, MIN)
    assert ("s2", "ela") in hidden
    # Its row and its column each need a second hidden cell, and the four must form a cycle.
    assert ("s2", "math") in hidden or ("s2", "total") in hidden
    assert sum(1 for r in rows if (r, "ela") in hidden) >= 2
    assert determined(counts, lines, hidden) == []


def test_unknown_cell_in_a_line_is_a_programming_error() -> None:
    with pytest.raises(KeyError, match="not a displayed cell"):
        suppress({"all": 5}, [Line(("ghost",), "all")], MIN)


def test_result_is_deterministic_and_follows_the_order_of_the_cells() -> None:
    counts = {"all": 100, "x": 45, "y": 45, "z": 5, "w": 5}
    line = [Line(("x", "y", "z", "w"), "all")]
    assert suppress(counts, line, MIN) == suppress(dict(counts), line, MIN) == {"z", "w"}


# --- properties --------------------------------------------------------------------------------------


def exactly_determined(counts: dict, lines: list[Line], hidden: frozenset) -> set:
    """The hidden cells a reader could compute, by exact Gaussian elimination over Fractions.

    Independent of the module under test: a hidden cell is determined when its unit vector lies
    in the row space of the lines' coefficient matrix over the hidden cells.
    """
    unknowns = [k for k in counts if k in hidden]
    index = {k: i for i, k in enumerate(unknowns)}
    rows = []
    for line in lines:
        row = [Fraction(0)] * len(unknowns)
        for part in line.parts:
            if part in index:
                row[index[part]] += 1
        if line.total in index:
            row[index[line.total]] -= 1
        if any(row):
            rows.append(row)

    def rank(matrix: list[list[Fraction]]) -> int:
        m = [r[:] for r in matrix]
        r = 0
        for c in range(len(unknowns)):
            pivot = next((i for i in range(r, len(m)) if m[i][c] != 0), None)
            if pivot is None:
                continue
            m[r], m[pivot] = m[pivot], m[r]
            for i in range(len(m)):
                if i != r and m[i][c] != 0:
                    f = m[i][c] / m[r][c]
                    m[i] = [a - f * b for a, b in zip(m[i], m[r], strict=True)]
            r += 1
        return r

    base = rank(rows)
    found = set()
    for k, i in index.items():
        unit = [Fraction(0)] * len(unknowns)
        unit[i] = Fraction(1)
        if rank([*rows, unit]) == base:
            found.add(k)
    return found


@st.composite
def two_way_tables(draw: st.DrawFn) -> tuple[dict, list[Line]]:
    n_rows = draw(st.integers(1, 5))
    n_cols = draw(st.integers(1, 4))
    small = st.integers(0, 14)
    big = st.integers(0, 80)
    values = {
        (f"r{r}", f"c{c}"): draw(st.one_of(small, big)) for r, c in product(range(n_rows), range(n_cols))
    }
    rows = [f"r{r}" for r in range(n_rows)]
    cols = [f"c{c}" for c in range(n_cols)]
    counts: dict = dict(values)
    for r in rows:
        counts[(r, "total")] = sum(values[(r, c)] for c in cols)
    for c in cols:
        counts[("total", c)] = sum(values[(r, c)] for r in rows)
    counts[("total", "total")] = sum(values.values())
    return counts, grid_lines(rows, cols)


@st.composite
def partitions(draw: st.DrawFn) -> tuple[dict, list[Line]]:
    """Groups in two partitions of the same total (race-like and gender-like), as on the needs table."""
    first = draw(st.lists(st.integers(0, 60), min_size=1, max_size=7))
    total = sum(first)
    cut = draw(st.integers(0, total))
    second = [cut, total - cut]
    counts = {"all": total, **{f"a{i}": n for i, n in enumerate(first)}, "g0": second[0], "g1": second[1]}
    lines = [Line(tuple(f"a{i}" for i in range(len(first))), "all"), Line(("g0", "g1"), "all")]
    return counts, lines


@settings(max_examples=150, deadline=None)
@given(st.one_of(two_way_tables(), partitions()), st.integers(1, 15))
def test_no_displayed_cell_is_below_the_minimum(table: tuple[dict, list[Line]], min_size: int) -> None:
    counts, lines = table
    hidden = suppress(counts, lines, min_size)
    shown = {k: n for k, n in counts.items() if k not in hidden}
    assert all(n == 0 or n >= min_size for n in shown.values())


@settings(max_examples=150, deadline=None)
@given(st.one_of(two_way_tables(), partitions()), st.integers(1, 15))
def test_no_hidden_cell_can_be_recovered_from_the_totals(
    table: tuple[dict, list[Line]], min_size: int
) -> None:
    counts, lines = table
    hidden = suppress(counts, lines, min_size)
    assert exactly_determined(counts, lines, hidden) == set()


@settings(max_examples=100, deadline=None)
@given(st.one_of(two_way_tables(), partitions()), st.integers(1, 15))
def test_primary_cells_are_always_hidden_and_suppression_is_stable(
    table: tuple[dict, list[Line]], min_size: int
) -> None:
    counts, lines = table
    hidden = suppress(counts, lines, min_size)
    assert primary(counts, min_size) <= hidden
    assert suppress(counts, lines, min_size) == hidden


def test_a_cell_given_away_by_one_line_is_mended_in_that_line() -> None:
    # One grade, so each group's all-grades cell equals its grade cell. Hiding Asian (4) takes
    # all-grades White; White's grade cell would then give it away through the column line, so
    # grade White goes too — and Hispanic (30), which shares no leaking line, stays shown.
    cells = ["all", "hispanic", "white", "asian"]
    counts = {**{("all", c): n for c, n in zip(cells, [54, 30, 20, 4], strict=True)}}
    counts.update({(4, c): counts[("all", c)] for c in cells})
    lines = [Line(tuple((g, c) for c in cells[1:]), (g, "all")) for g in ("all", 4)]
    lines += [Line(((4, c),), ("all", c)) for c in cells]
    hidden = suppress(counts, lines, MIN)
    assert hidden == {("all", "asian"), (4, "asian"), ("all", "white"), (4, "white")}
    assert determined(counts, lines, hidden) == []
