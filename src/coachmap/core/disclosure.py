"""The disclosure audit: what a reader can work out from everything a table shows, solved as an
integer program with HiGHS (see `core.privacy`), and the helpers that hide more until it pins nothing.

Pure functions over plain data; no database access.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic

import numpy as np
from scipy import optimize

from coachmap.core.suppression import K, Line, suppress

# ---------------------------------------------------------------------------------------------
# Disclosure audit: what a reader can work out from everything a table shows.
#
# The lines above catch sums and differences. A reader can do more: counts are whole numbers and
# never negative, a proficient count lies between 0 and the students tested, and a rate shown
# beside a count gives the proficient count (to within the rate's rounding). The audit writes all
# of that down as an integer program over the hidden figures and asks a solver (HiGHS) for the
# smallest and largest value each hidden figure can take. A hidden figure is *pinned* when the
# two are equal: the reader knows it, however it is hidden.
# ---------------------------------------------------------------------------------------------

CHOSEN = 0.5  # a binary variable above this is taken as chosen (the solver returns floats)


BIG = 10**7
"""The upper bound of a figure nothing else bounds (larger than any count a district holds)."""

MEND_GAP = 0.25
"""How far from the cheapest a choice of cells to hide may be (a quarter), to answer quickly."""

MEND_SECONDS = 0.5
"""The most one choice of cells to hide may take; the best found by then is taken."""


@dataclass(frozen=True)
class Interval:
    """The values a hidden figure can take, given everything shown: whole numbers from `low` to `high`."""

    low: int
    high: int

    @property
    def pinned(self) -> bool:
        return self.low == self.high


class Model(Generic[K]):
    """Figures as integer unknowns with bounds, linear constraints between them, and the hidden
    figures to audit. A figure whose bounds are equal is shown (or known); the others are hidden.

    Build one with `figure`, `between` and `watch`, then call `audit` (every watched figure's
    interval) or `pinned` (only which watched figures are pinned, faster when `truth` is given).
    """

    def __init__(self) -> None:
        self._low: list[int] = []
        self._high: list[int] = []
        self._truth: list[int | None] = []
        self._rows: list[tuple[dict[int, float], float, float]] = []
        self.watched: dict[K, int] = {}

    def figure(self, low: int, high: int, truth: int | None = None) -> int:
        """A new unknown between `low` and `high` (both included); `truth` is its real value if known."""
        if low > high:
            raise ValueError(f"a figure's bounds are crossed: {low} > {high}")
        self._low.append(low)
        self._high.append(high)
        self._truth.append(truth)
        return len(self._low) - 1

    def shown(self, value: int) -> int:
        """A figure the reader sees."""
        return self.figure(value, value, value)

    def between(self, terms: Mapping[int, float], low: float = -np.inf, high: float = np.inf) -> None:
        """`low ≤ Σ coefficient × figure ≤ high`."""
        if terms:
            self._rows.append((dict(terms), low, high))

    def equal(self, parts: Iterable[int], total: int) -> None:
        """The parts add up to the total."""
        terms: dict[int, float] = {}
        for part in parts:
            terms[part] = terms.get(part, 0.0) + 1.0
        terms[total] = terms.get(total, 0.0) - 1.0
        self.between(terms, 0.0, 0.0)

    def at_most(self, smaller: int, larger: int) -> None:
        self.between({smaller: 1.0, larger: -1.0}, high=0.0)

    def watch(self, key: K, figure: int) -> None:
        """Audit this hidden figure under the name `key`."""
        self.watched[key] = figure

    # -- solving ------------------------------------------------------------------------------

    def _free(self) -> list[int]:
        return [i for i in range(len(self._low)) if self._low[i] != self._high[i]]

    def _program(self) -> tuple[list[int], Any, Any, Any] | None:
        """The program over the free figures (shown ones become constants). None when it has no row."""
        free = self._free()
        column = {i: j for j, i in enumerate(free)}
        matrix = np.zeros((len(self._rows), len(free)))
        lows = np.empty(len(self._rows))
        highs = np.empty(len(self._rows))
        kept = 0
        for terms, low, high in self._rows:
            constant = 0.0
            any_free = False
            for i, coefficient in terms.items():
                if i in column:
                    matrix[kept, column[i]] += coefficient
                    any_free = any_free or coefficient != 0.0
                else:
                    constant += coefficient * self._low[i]
            if not any_free:
                if constant < low - 1e-9 or constant > high + 1e-9:
                    raise ValueError("the shown figures contradict the table's own sums")
                continue
            lows[kept], highs[kept] = low - constant, high - constant
            kept += 1
        if not free:
            return None
        bounds = optimize.Bounds(
            np.array([self._low[i] for i in free], dtype=float),
            np.array([self._high[i] for i in free], dtype=float),
        )
        constraint = optimize.LinearConstraint(matrix[:kept], lows[:kept], highs[:kept])
        return free, bounds, constraint, column

    def _extreme(self, program: tuple[list[int], Any, Any, Any], figure: int, sign: float) -> Any:
        free, bounds, constraint, column = program
        objective = np.zeros(len(free))
        objective[column[figure]] = sign
        constraints = [constraint] if constraint.A.shape[0] else []
        result = optimize.milp(
            objective, integrality=np.ones(len(free)), bounds=bounds, constraints=constraints
        )
        if result.status != 0 or result.x is None:
            # HiGHS's presolve can, rarely, call a feasible program (the real values satisfy it)
            # infeasible on rounding; solving it again without presolve settles it.
            result = optimize.milp(
                objective,
                integrality=np.ones(len(free)),
                bounds=bounds,
                constraints=constraints,
                options={"presolve": False},
            )
        if result.status != 0 or result.x is None:
            raise ValueError(f"the disclosure audit could not be solved: {result.message}")
        return result.x

    def audit(self) -> dict[K, Interval]:
        """Every watched figure's interval: the smallest and largest whole value consistent with
        everything shown."""
        program = self._program()
        intervals: dict[K, Interval] = {}
        for key, figure in self.watched.items():
            if self._low[figure] == self._high[figure] or program is None:
                intervals[key] = Interval(self._low[figure], self._high[figure])
                continue
            column = program[3]
            low = round(self._extreme(program, figure, 1.0)[column[figure]])
            high = round(self._extreme(program, figure, -1.0)[column[figure]])
            intervals[key] = Interval(low, high)
        return intervals

    def _truth_holds(self) -> bool:
        """Are the real values all given, and do they satisfy every bound and constraint?"""
        truth = self._truth
        if any(value is None for value in truth):
            return False
        for i, value in enumerate(truth):
            if value is None or not self._low[i] <= value <= self._high[i]:
                return False
        for terms, low, high in self._rows:
            total = sum(c * (truth[i] or 0) for i, c in terms.items())
            if total < low - 1e-9 or total > high + 1e-9:
                return False
        return True

    def mend(self, key: K, options: Mapping[Hashable, tuple[Sequence[int], float]]) -> list[Hashable]:
        """The cheapest options to hide so that the pinned figure `key` can take another value.

        Each option names figures that hiding it turns into unknowns (a cell's count, proficient
        count, ...) and its cost (the students it counts, say). This is the attacker problem of
        τ-ARGUS's optimal method turned round: one integer program chooses which to hide, with
        a switch per option that lets its figures leave their shown bounds. Empty when no choice
        of options helps. Needs every real value (`truth`).
        """
        figure = self.watched[key]
        truth = [int(v or 0) for v in self._truth]
        big = max([*truth, 1]) * 2 + 1
        n = len(self._low)
        names = list(options)
        size = n + len(names)
        low = np.array([*self._low, *([0] * len(names))], dtype=float)
        high = np.array([min(h, big) for h in self._high] + [1] * len(names), dtype=float)
        rows: list[tuple[dict[int, float], float, float]] = list(self._rows)
        for j, name in enumerate(names):
            switch = n + j
            for i in options[name][0]:
                if self._low[i] == 0 and self._high[i] >= big:
                    continue
                # x ≤ high + big·switch and x ≥ low − big·switch
                rows.append(({i: 1.0, switch: -float(big)}, -np.inf, float(self._high[i])))
                rows.append(({i: 1.0, switch: float(big)}, float(self._low[i]), np.inf))
                low[i], high[i] = 0.0, float(big)
        matrix = np.zeros((len(rows), size))
        lows = np.empty(len(rows))
        highs = np.empty(len(rows))
        for r, (terms, lo, hi) in enumerate(rows):
            for i, c in terms.items():
                matrix[r, i] += c
            lows[r], highs[r] = lo, hi
        cost = np.zeros(size)
        for j, name in enumerate(names):
            cost[n + j] = options[name][1]
        best: list[Hashable] | None = None
        best_cost = np.inf
        for side in (1, -1):
            bound_low, bound_high = low.copy(), high.copy()
            if side == 1:
                bound_low[figure] = truth[figure] + 1
            else:
                bound_high[figure] = truth[figure] - 1
            if bound_low[figure] > bound_high[figure]:
                continue
            # A good choice soon beats the best choice late: a page waits for it.
            result = optimize.milp(
                cost,
                integrality=np.ones(size),
                bounds=optimize.Bounds(bound_low, bound_high),
                constraints=[optimize.LinearConstraint(matrix, lows, highs)],
                options={"mip_rel_gap": MEND_GAP, "time_limit": MEND_SECONDS},
            )
            if result.x is not None and result.fun < best_cost:
                best_cost = result.fun
                best = [name for j, name in enumerate(names) if result.x[n + j] > CHOSEN]
                break  # one side that works is enough
        return best or []

    def first_pinned(self, order: Sequence[K], known_free: set[K]) -> K | None:
        """The first watched figure in `order` that is pinned, or None; every figure proven free
        on the way is added to `known_free`.

        Hiding more only takes knowledge away (a shown figure becomes an unknown), so a figure
        proven free stays free: a caller that hides cells one at a time passes the same set back.
        Needs every real value (`truth`).
        """
        if not self._truth_holds():
            raise ValueError("first_pinned needs the real value of every figure")
        program = self._program()
        free_figures = {figure for key, figure in self.watched.items() if key in known_free}
        for key in order:
            figure = self.watched[key]
            if key in known_free or figure in free_figures:
                known_free.add(key)
                continue
            if self._low[figure] == self._high[figure] or program is None:
                return key
            free, _, _, column = program
            for sign in (-1.0, 1.0):
                x = self._extreme(program, figure, sign)
                for i in free:
                    if round(x[column[i]]) != self._truth[i]:
                        free_figures.add(i)
                if figure in free_figures:
                    break
            else:
                return key
            known_free.update(k for k, f in self.watched.items() if f in free_figures)
        return None

    def pinned(self) -> list[K]:
        """The watched figures a reader can work out exactly, in watch order.

        With every figure's real value given (`truth`), a figure is proven free as soon as any
        solution found gives it another value, so most figures need no solve of their own.
        """
        if not self._truth_holds():
            return [key for key, interval in self.audit().items() if interval.pinned]
        program = self._program()
        if program is None:
            return [key for key, i in self.watched.items() if self._low[i] == self._high[i]]
        free, _, _, column = program
        proven: set[int] = set()
        result: list[K] = []
        for key, figure in self.watched.items():
            if self._low[figure] == self._high[figure]:
                result.append(key)
                continue
            if figure in proven:
                continue
            for sign in (-1.0, 1.0):
                x = self._extreme(program, figure, sign)
                for i in free:
                    if round(x[column[i]]) != self._truth[i]:
                        proven.add(i)
                if figure in proven:
                    break
            else:
                result.append(key)
        return result


def rate_bounds(rate: float, tested: int, decimals: int) -> tuple[int, int]:
    """The proficient counts out of `tested` that show as `rate` percent rounded to `decimals`
    places: a rate shown as 33 means 32.5 % ≤ proficient ÷ tested < 33.5 %. Computed in whole
    numbers, so rounding never moves a bound."""
    scale = 10**decimals
    shown = round(rate * scale)
    # proficient / tested ∈ [shown − ½, shown + ½] / (100 × scale); both ends kept (round-half-even
    # and floating point may land on either side of a half).
    low_num = (2 * shown - 1) * tested
    high_num = (2 * shown + 1) * tested
    den = 200 * scale
    low = max(0, -(-low_num // den))
    high = min(tested, high_num // den)
    return low, high


def protect(
    cells: Sequence[K],
    start: Iterable[K],
    model_for: Callable[[frozenset[K]], Model[Any]],
    preference: Callable[[K], Any],
) -> frozenset[K]:
    """The cells to hide: `start`, then one more cell a round (the shown cell `preference` ranks
    lowest) until the audit of `model_for(hidden)` pins nothing.

    For small tables with a single line (a survey's answers, a trend by month); two-way tables
    pick complements along the lines through the pinned cell (`improvement.needs.table.audited`).
    Ends at the latest when every cell is hidden, where nothing shown pins anything.
    """
    hidden = set(start)
    while model_for(frozenset(hidden)).pinned():
        shown = [cell for cell in cells if cell not in hidden]
        if not shown:
            raise ValueError("the table gives a figure away even with every cell hidden")
        hidden.add(min(shown, key=preference))
    return frozenset(hidden)


def counts_model(counts: Mapping[K, int], lines: Sequence[Line[K]], hidden: Iterable[K]) -> Model[K]:
    """A table of counts as the audit reads it: shown counts known, hidden ones whole numbers from
    0 up, every line adding up. Hidden cells with people in them are watched."""
    hidden_set = set(hidden)
    model: Model[K] = Model()
    figure: dict[K, int] = {}
    for key, n in counts.items():
        figure[key] = model.figure(0, BIG, n) if key in hidden_set else model.shown(n)
        if key in hidden_set and n:
            model.watch(key, figure[key])
    for line in lines:
        model.equal([figure[part] for part in line.parts], figure[line.total])
    return model


def suppress_audited(counts: Mapping[K, int], lines: Sequence[Line[K]], min_size: int) -> frozenset[K]:
    """`suppress`, then the disclosure audit: more cells hidden until no hidden count is pinned
    by the lines together with whole numbers and non-negativity. Each pinned count is mended by
    the cheapest cells (fewest people, parts before totals) that one integer program finds."""
    hidden = set(suppress(counts, lines, min_size))
    order = {key: i for i, key in enumerate(counts)}
    totals = {line.total for line in lines}
    known_free: set[K] = set()
    while True:
        model = counts_model(counts, lines, hidden)
        pinned = model.first_pinned(list(model.watched), known_free)
        if pinned is None:
            return frozenset(hidden)
        index = {key: i for i, key in enumerate(counts)}
        options: dict[Hashable, tuple[Sequence[int], float]] = {
            key: ([index[key]], 1.0 + counts[key] + (0.5 if key in totals else 0.0))
            for key in counts
            if key not in hidden
        }
        chosen = model.mend(pinned, options)
        if not chosen:
            shown = [key for key in counts if key not in hidden]
            if not shown:
                raise ValueError(f"the lines fix {pinned!r} whatever is hidden")
            chosen = [min(shown, key=lambda key: (key in totals, counts[key] == 0, counts[key], order[key]))]
        hidden.update(key for key in counts if key in chosen)
