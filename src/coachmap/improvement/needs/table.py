"""One assessment's needs table: figures for every grade × student group, with small cells hidden.

The table is suppressed as a whole, whichever part of it a page shows, so that no view of it
reveals what another view hides. Its lines (parts that add up to a total) are the groups of a
partition adding up to all students in each grade, and the grades adding up to all grades in
each group. Three counts are protected: students tested (rates, mean scores and gaps rest on
them), students matched to a fall score (growth) and students enrolled (participation). Each
count's hidden cells include the tested count's, then get their own complements.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from coachmap.core import privacy
from coachmap.core.groups import ALL
from coachmap.improvement.needs import stats
from coachmap.improvement.needs.stats import Tally

Key = tuple[int | None, str]
"""(grade, group code); grade None means all grades."""

NOT_BENCHMARKS = frozenset({"race:unknown", "gender:unknown", "not:el", "not:swd", "not:ed"})
"""Never the benchmark: gaps in the records rather than groups of students, and the "everyone but"
groups published files add (students not in a program)."""


@dataclass(frozen=True)
class Figures:
    """What one cell of the table shows. A hidden cell carries no numbers at all."""

    grade: int | None
    group: str
    hidden: bool
    tested: int | None = None
    rate: float | None = None
    mean_score: float | None = None
    matched: int | None = None
    growth: float | None = None
    participation: float | None = None
    gap_to_all: float | None = None
    gap_to_best: float | None = None
    best_group: str | None = None
    growth_hidden: bool = False
    participation_hidden: bool = False


@dataclass(frozen=True)
class Table:
    cells: Mapping[Key, Figures]
    grades: tuple[int, ...]
    groups: tuple[str, ...]
    min_size: int

    def get(self, grade: int | None, group: str) -> Figures | None:
        return self.cells.get((grade, group))

    @property
    def hidden_count(self) -> int:
        return sum(f.hidden for f in self.cells.values())


def with_all_grades(tallies: Mapping[Key, Tally]) -> dict[Key, Tally]:
    """Add the all-grades cell of each group as the sum of its grades (student-level results add up)."""
    result = {key: tally for key, tally in tallies.items() if key[0] is not None}
    groups = list(dict.fromkeys(group for _, group in result))
    for group in groups:
        result[(None, group)] = stats.total(
            t for (grade, g), t in result.items() if g == group and grade is not None
        )
    return result


def lines(
    keys: Collection[Key], partitions: Mapping[str, Sequence[str]], *, complete: bool
) -> list[privacy.Line[Key]]:
    """The table's lines. With `complete` (every cell given, zeros included) a line of one part is
    still an equation; published files leave groups out, so there a line needs two parts present."""
    fewest = 1 if complete else 2
    grades = sorted({grade for grade, _ in keys if grade is not None})
    groups = list(dict.fromkeys(group for _, group in keys))
    result: list[privacy.Line[Key]] = []
    for grade in [*grades, None]:
        if (grade, ALL) not in keys:
            continue
        for codes in partitions.values():
            parts = tuple((grade, code) for code in codes if (grade, code) in keys)
            if len(parts) >= fewest:
                result.append(privacy.Line(parts, (grade, ALL)))
    for group in groups:
        if (None, group) not in keys:
            continue
        parts = tuple((grade, group) for grade in grades if (grade, group) in keys)
        if len(parts) >= fewest:
            result.append(privacy.Line(parts, (None, group)))
    return result


def _hide(
    tallies: Mapping[Key, Tally],
    table_lines: Sequence[privacy.Line[Key]],
    min_size: int,
    count: Callable[[Tally], int],
    already: frozenset[Key],
) -> frozenset[Key]:
    # Cells already hidden count as one person, so primary suppression keeps them hidden. The
    # all-grades cells come first, so complements are sought among them first: protecting the
    # all-grades row within itself tends to hide far fewer cells than going through the grades.
    ordered = sorted(tallies, key=lambda key: key[0] is not None)
    counts = {key: (1 if key in already else count(tallies[key])) for key in ordered}
    return privacy.suppress(counts, table_lines, min_size) | already


def build(
    tallies: Mapping[Key, Tally],
    *,
    partitions: Mapping[str, Sequence[str]],
    min_size: int,
    reveal: bool,
    complete: bool,
    hidden_at_source: Collection[Key] = (),
    with_counts: bool = True,
) -> Table:
    """The figures of every cell. `reveal` is for the data owners, who see every cell.

    `hidden_at_source` are cells a published file suppressed: hidden for everyone. Pass
    `with_counts=False` to protect only students tested (a trend needs no growth or participation).
    """
    source_hidden = frozenset(hidden_at_source)
    table_lines = lines(tallies.keys(), partitions, complete=complete)
    if reveal:
        tested_hidden = matched_hidden = enrolled_hidden = source_hidden
    else:
        tested_hidden = _hide(tallies, table_lines, min_size, lambda t: t.tested, source_hidden)
        matched_hidden = enrolled_hidden = tested_hidden
        if with_counts:
            matched_hidden = _hide(tallies, table_lines, min_size, lambda t: t.matched, tested_hidden)
            if all(t.enrolled is not None for t in tallies.values()):
                enrolled_hidden = _hide(
                    tallies, table_lines, min_size, lambda t: t.enrolled or 0, tested_hidden
                )

    grades = tuple(sorted({grade for grade, _ in tallies if grade is not None}))
    groups = tuple(dict.fromkeys(group for _, group in tallies))
    rates = {key: stats.proficiency_rate(t) for key, t in tallies.items() if key not in tested_hidden}
    best: dict[int | None, str | None] = {}
    for grade in [*grades, None]:
        candidates = {
            group: rates.get((grade, group))
            for group in groups
            if group != ALL and group not in NOT_BENCHMARKS and (grade, group) in rates
        }
        sizes = {group: tallies[(grade, group)].tested for group in candidates}
        best[grade] = stats.best_group(candidates, sizes, min_size)

    cells: dict[Key, Figures] = {}
    for key, tally in tallies.items():
        grade, group = key
        if key in tested_hidden:
            cells[key] = Figures(grade, group, hidden=True, growth_hidden=True, participation_hidden=True)
            continue
        rate = rates[key]
        best_code = best[grade]
        growth_hidden = key in matched_hidden
        participation_hidden = key in enrolled_hidden
        cells[key] = Figures(
            grade,
            group,
            hidden=False,
            tested=tally.tested,
            rate=rate,
            mean_score=stats.mean_score(tally),
            matched=None if growth_hidden else tally.matched,
            growth=None if growth_hidden else stats.growth(tally),
            participation=None if participation_hidden else stats.participation(tally),
            gap_to_all=None if group == ALL else stats.difference(rate, rates.get((grade, ALL))),
            gap_to_best=None
            if group == ALL or best_code is None
            else stats.difference(rate, rates.get((grade, best_code))),
            best_group=best_code,
            growth_hidden=growth_hidden,
            participation_hidden=participation_hidden,
        )
    return Table(cells, grades, groups, min_size)
