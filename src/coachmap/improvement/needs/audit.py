"""What a reader knows of one needs table, as the disclosure audit (`core.privacy.Model`) reads it:
the cells hidden for each count (`Hidden`), the integer program of everything shown (`model`),
and how good a complement each cell makes. `improvement.needs.table.audited` drives it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coachmap.core import privacy
from coachmap.improvement.needs.stats import Tally

if TYPE_CHECKING:
    from coachmap.improvement.needs.table import Key


@dataclass
class Hidden:
    """The cells whose students tested (with every figure), matched or enrolled are hidden."""

    tested: frozenset[Key]
    matched: frozenset[Key]
    enrolled: frozenset[Key]


RATE_DECIMALS = 2
"""The finest a rate is shown anywhere (the CSV export); the audit assumes the reader has it."""


def model(  # noqa: PLR0912 - one figure per measure, as the docstring lists them
    tallies: Mapping[Key, Tally],
    table_lines: Sequence[privacy.Line[Key]],
    hidden: Hidden,
    *,
    coding: bool,
    with_counts: bool,
    figures_of: dict[str, dict[Key, int]] | None = None,
) -> privacy.Model[tuple[str, Key]]:
    """Everything the table shows, as the disclosure audit reads it (`figures_of`, if given, is
    filled with each measure's figure of each cell).

    Per cell: students tested `t`, proficient `p`, matched `m`, enrolled `e`. A shown count is
    known; a shown rate bounds `p` (exactly, at two decimals, for fewer than 10,000 students; a
    coded rate only to within 5 % of `t`). Hidden counts are whole numbers from 0 up, with
    p ≤ t and m ≤ t. Every line adds up for every count. Watched: `t` and `p` of each hidden
    cell with students in it, and `m` and `e` where hidden and not zero: what is learnt of an
    empty cell (that it is empty, that none of its nobody is proficient) is about no student.
    """
    audit: privacy.Model[tuple[str, Key]] = privacy.Model()
    figures = figures_of if figures_of is not None else {}
    figures.update({"tested": {}, "proficient": {}, "matched": {}, "enrolled": {}})
    for key, tally in tallies.items():
        if key in hidden.tested:
            t = figures["tested"][key] = audit.figure(0, privacy.BIG, tally.tested)
            p = figures["proficient"][key] = audit.figure(0, privacy.BIG, tally.proficient)
            audit.at_most(p, t)
            if tally.tested:
                audit.watch(("tested", key), t)
                audit.watch(("proficient", key), p)
        else:
            t = figures["tested"][key] = audit.shown(tally.tested)
            if tally.tested > 0:
                rate = 100.0 * tally.proficient / tally.tested
                if privacy.coded_rate(rate, coding) is not None:
                    low, high = privacy.coded_bounds(rate, tally.tested)
                else:
                    low, high = privacy.rate_bounds(rate, tally.tested, RATE_DECIMALS)
                figures["proficient"][key] = audit.figure(low, high, tally.proficient)
            else:
                figures["proficient"][key] = audit.shown(0)
            audit.at_most(figures["proficient"][key], t)
        if not with_counts:
            continue
        if key in hidden.matched:
            m = figures["matched"][key] = audit.figure(0, privacy.BIG, tally.matched)
            audit.at_most(m, t)
            if tally.matched:
                audit.watch(("matched", key), m)
        else:
            figures["matched"][key] = audit.shown(tally.matched)
            audit.at_most(figures["matched"][key], t)
        if tally.enrolled is not None:
            if key in hidden.enrolled:
                e = figures["enrolled"][key] = audit.figure(0, privacy.BIG, tally.enrolled)
                if tally.enrolled:
                    audit.watch(("enrolled", key), e)
            else:
                figures["enrolled"][key] = audit.shown(tally.enrolled)
    for line in table_lines:
        for measure in figures.values():
            if line.total in measure and all(part in measure for part in line.parts):
                audit.equal([measure[part] for part in line.parts], measure[line.total])
    return audit


def preference(tally: Tally, measure: str, total: bool, order: int) -> tuple[int, bool, bool, int, int]:
    """How good a complement a cell makes (lower is better)."""
    mixed = 0 < tally.proficient < tally.tested
    n = tally.tested if measure in ("tested", "proficient") else getattr(tally, measure) or 0
    # A pinned count is freed by any unknown on its line, and an empty cell tells nobody
    # anything: empty cells first. A pinned proficient count needs a cell with some proficient
    # and some not: mixed cells first, the smallest of them.
    empty_first = n > 0 if measure != "proficient" else n == 0
    return (int(total), measure == "proficient" and not mixed, empty_first, n, order)


def count_of(tally: Tally, measure: str) -> int:
    return tally.tested if measure in ("tested", "proficient") else getattr(tally, measure) or 0


def with_hidden(hidden: Hidden, measure: str, extra: frozenset[Key]) -> Hidden:
    """`hidden` with more cells hidden for `measure` (hiding students tested hides every figure)."""
    if measure in ("tested", "proficient"):
        return Hidden(hidden.tested | extra, hidden.matched | extra, hidden.enrolled | extra)
    if measure == "matched":
        return Hidden(hidden.tested, hidden.matched | extra, hidden.enrolled)
    return Hidden(hidden.tested, hidden.matched, hidden.enrolled | extra)
