"""One assessment's needs table: figures for every grade × student group, with small cells hidden.

The table is suppressed as a whole, whichever part of it a page shows, so that no view of it
reveals what another view hides. Its lines (parts that add up to a total) are the groups of a
partition adding up to all students in each grade, and the grades adding up to all grades in
each group. Three counts are protected: students tested (rates, mean scores and gaps rest on
them), students matched to a fall score (growth) and students enrolled (participation). Each
count's hidden cells include the tested count's, then get their own complements.

Sums and differences are only the start of what a reader can do. Whole tables of student results
(`complete`) are then audited as a whole (`core.privacy.Model`): students tested, proficient
counts (a rate beside a count gives one, to within its rounding or its top or bottom coding),
students matched and enrolled, with 0 ≤ proficient ≤ tested and whole numbers. More cells are
hidden until no hidden cell's count or proficient count is pinned to one value.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from coachmap.core import privacy
from coachmap.core.groups import ALL
from coachmap.improvement.needs import stats
from coachmap.improvement.needs.audit import RATE_DECIMALS, Hidden, count_of, model, preference, with_hidden
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
    coded: str | None = None
    """Shown instead of the rate when it is within a few points of 0 % or 100 % ("≤ 5 %")."""


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
    coding: bool = False,
    remember: Remember | None = None,
) -> Table:
    """The figures of every cell. `reveal` is for the data owners, who see every cell.

    `hidden_at_source` are cells a published file suppressed: hidden for everyone. Pass
    `with_counts=False` to protect only students tested (a trend needs no growth or participation).
    With `coding`, readers who do not own the data see rates near 0 % or 100 % as "≤ 5 %" or
    "≥ 95 %", and no gap is shown that would give such a rate back. `remember` keeps audits
    beyond this process (see `Remember`).
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
        if complete:
            start = (tested_hidden, matched_hidden, enrolled_hidden)

            def audit() -> HiddenSets:
                return _audited_once(tuple(tallies.items()), tuple(table_lines), start, coding, with_counts)

            if remember is None:
                tested_hidden, matched_hidden, enrolled_hidden = audit()
            else:
                digest = fingerprint(tallies, table_lines, start, coding, with_counts)
                tested_hidden, matched_hidden, enrolled_hidden = remember(digest, audit)
    coding = coding and not reveal

    grades = tuple(sorted({grade for grade, _ in tallies if grade is not None}))
    groups = tuple(dict.fromkeys(group for _, group in tallies))
    rates = {key: stats.proficiency_rate(t) for key, t in tallies.items() if key not in tested_hidden}
    coded = {key: privacy.coded_rate(rate, coding) for key, rate in rates.items()}
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
        # A gap beside a coded rate would give the rate back: such gaps are left blank.
        exact = {code for code in (group, ALL, best_code) if code and coded.get((grade, code)) is None}
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
            gap_to_all=None
            if group == ALL or not {group, ALL} <= exact
            else stats.difference(rate, rates.get((grade, ALL))),
            gap_to_best=None
            if group == ALL or best_code is None or not {group, best_code} <= exact
            else stats.difference(rate, rates.get((grade, best_code))),
            best_group=best_code,
            growth_hidden=growth_hidden,
            participation_hidden=participation_hidden,
            coded=coded.get(key),
        )
    return Table(cells, grades, groups, min_size)


HiddenSets = tuple[frozenset[Key], frozenset[Key], frozenset[Key]]
Remember = Callable[[str, Callable[[], HiddenSets]], HiddenSets]
"""Given a table's fingerprint and a way to audit it, the audited hidden cells: a caller may keep
them (the database does, so every process and every restart reuses one audit)."""


def fingerprint(
    tallies: Mapping[Key, Tally],
    table_lines: Sequence[privacy.Line[Key]],
    start: HiddenSets,
    coding: bool,
    with_counts: bool,
) -> str:
    """A digest of everything the audit reads: equal digests, equal answers."""
    facts = (
        sorted(tallies.items(), key=repr),
        sorted(table_lines, key=repr),
        [sorted(cells, key=repr) for cells in start],
        coding,
        with_counts,
        RATE_DECIMALS,
    )
    return hashlib.sha256(repr(facts).encode()).hexdigest()


@functools.lru_cache(maxsize=256)
def _audited_once(
    tallies: tuple[tuple[Key, Tally], ...],
    table_lines: tuple[privacy.Line[Key], ...],
    start: HiddenSets,
    coding: bool,
    with_counts: bool,
) -> HiddenSets:
    """`audited`, remembered in this process: the pages, the CSV and the goals read the same tables
    again and again."""
    return audited(dict(tallies), table_lines, Hidden(*start), coding=coding, with_counts=with_counts)


def audited(
    tallies: Mapping[Key, Tally],
    table_lines: Sequence[privacy.Line[Key]],
    start: Hidden,
    *,
    coding: bool,
    with_counts: bool,
) -> tuple[frozenset[Key], frozenset[Key], frozenset[Key]]:
    """Hide more cells until the audit pins nothing.

    Each round mends one pinned figure, counts before proficient counts (a pinned count usually
    pins the proficient counts beside it), the cell hidden last first: it hides one more cell of
    a line through it (a part before a total; for a count an empty cell first, for a proficient
    count one whose rate is neither 0 % nor 100 %; then the fewest students). Figures proven
    free stay free as more is hidden, so each is proven once. A cell no line can mend (its
    lines are all hidden) is mended by the smallest shown cell anywhere.
    """
    hidden = Hidden(start.tested, start.matched, start.enrolled)
    order = {key: i for i, key in enumerate(sorted(tallies, key=lambda key: key[0] is not None))}
    added: list[Key] = []
    urgency = {"tested": 0, "matched": 1, "enrolled": 1, "proficient": 2}
    known_free: set[tuple[str, Key]] = set()
    while True:
        cell_figures: dict[str, dict[Key, int]] = {}
        audit = model(
            tallies, table_lines, hidden, coding=coding, with_counts=with_counts, figures_of=cell_figures
        )
        recency = {key: -i for i, key in enumerate(added)}
        checks = sorted(audit.watched, key=lambda item: (urgency[item[0]], recency.get(item[1], 1)))
        pinned = audit.first_pinned(checks, known_free)
        if pinned is None:
            return hidden.tested, hidden.matched, hidden.enrolled
        measure, cell = pinned
        already = getattr(hidden, "tested" if measure == "proficient" else measure)
        freed = (
            ("tested", "proficient", "matched", "enrolled")
            if measure in ("tested", "proficient")
            else (measure,)
        )
        mendings = audit.mend(
            pinned,
            {
                key: (
                    [cell_figures[m][key] for m in freed if key in cell_figures[m]],
                    # A total costs four times its people: readers need the totals most.
                    (1.0 + count_of(tallies[key], measure))
                    * (4.0 if key[0] is None or key[1] == ALL else 1.0),
                )
                for key in tallies
                if key not in already
            },
        )
        if mendings:
            chosen_cells = frozenset(k for k in mendings if isinstance(k, tuple))
            added.extend(chosen_cells)
            hidden = with_hidden(hidden, measure, chosen_cells)
            continue

        options = {
            key: preference(tallies[key], measure, key == line.total, order[key])
            for line in table_lines
            if cell in (*line.parts, line.total)
            for key in (*line.parts, line.total)
            if key not in already
        }
        if not options:
            options = {
                key: preference(tallies[key], measure, False, order[key])
                for key in tallies
                if key not in already
            }
        if not options:
            raise ValueError(f"the table gives away the {measure} count of {cell!r} whatever is hidden")
        chosen = min(options, key=lambda key: options[key])
        added.append(chosen)
        hidden = with_hidden(hidden, measure, frozenset({chosen}))
