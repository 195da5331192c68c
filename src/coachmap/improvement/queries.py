"""Reads for a school's needs assessment and goals, suppressed below the district's minimum group size."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from coachmap.core import groups, privacy
from coachmap.core.models import School
from coachmap.roster.models import Assessment, Result, Subject, Window


@dataclass(frozen=True)
class Cell:
    tested: int
    proficient: int
    suppressed: bool

    @property
    def rate(self) -> float | None:
        if self.suppressed or self.tested == 0:
            return None
        return 100.0 * self.proficient / self.tested


@dataclass
class NeedsRow:
    code: str
    label: str
    cells: list[Cell]
    gaps: list[float | None] = field(default_factory=list)


@dataclass
class NeedsTable:
    school: School
    school_year: int | None
    window: str | None
    subjects: list[tuple[str, str]]
    rows: list[NeedsRow]
    min_size: int
    choices: list[tuple[int, str]]

    @property
    def suppressed_count(self) -> int:
        return sum(c.suppressed for r in self.rows for c in r.cells)

    @property
    def window_label(self) -> str:
        return Window(self.window).label if self.window else ""


def assessment_choices(school: School) -> list[tuple[int, str]]:
    """(school year, window) pairs with results for this school, newest first, state tests first."""
    order: dict[str, int] = {
        Window.STATE: 0,
        Window.SPRING: 1,
        Window.WINTER: 2,
        Window.FALL: 3,
        Window.OTHER: 4,
    }
    pairs: set[tuple[int, str]] = set(
        Assessment.objects.filter(district_id=school.district_id, results__school=school)
        .values_list("school_year", "window")
        .distinct()
    )
    return sorted(pairs, key=lambda p: (-p[0], order.get(p[1], 9)))


def needs_table(school: School, school_year: int | None = None, window: str | None = None) -> NeedsTable:
    """Proficiency by student group × subject for one testing window, with small cells suppressed.

    Groups within a partition (race/ethnicity, gender) add up to all students, so their cells get
    complementary suppression; the counts are done in one SQL query with conditional aggregates.
    """
    choices = assessment_choices(school)
    min_size = school.district.min_group_size
    if not choices:
        return NeedsTable(school, None, None, [], [], min_size, choices)
    year, window_code = next((c for c in choices if c == (school_year, window)), choices[0])
    aggregates = {}
    for i, group in enumerate(groups.GROUPS):
        where = Q() if group.field is None else Q(**{f"student__{group.field}": group.value})
        aggregates[f"n{i}"] = Count("id", filter=where)
        aggregates[f"p{i}"] = Count("id", filter=where & Q(proficient=True))
    by_subject = {
        row["assessment__subject"]: row
        for row in Result.objects.filter(
            school=school, assessment__school_year=year, assessment__window=window_code
        )
        .values("assessment__subject")
        .annotate(**aggregates)
        .order_by()
    }
    subjects = [(s.value, s.label) for s in Subject if s.value in by_subject]

    counts: dict[tuple[str, str], int] = {}
    for subject, _ in subjects:
        for i, group in enumerate(groups.GROUPS):
            counts[(subject, group.code)] = by_subject[subject][f"n{i}"]
    lines = [
        privacy.Line(tuple((subject, code) for code in codes), (subject, groups.ALL))
        for subject, _ in subjects
        for codes in groups.partitions().values()
    ]
    hidden = privacy.suppress(counts, lines, min_size)

    rows = []
    for i, group in enumerate(groups.GROUPS):
        cells = [
            Cell(
                tested=by_subject[subject][f"n{i}"],
                proficient=by_subject[subject][f"p{i}"],
                suppressed=(subject, group.code) in hidden,
            )
            for subject, _ in subjects
        ]
        if all(c.tested == 0 for c in cells) and group.code != groups.ALL:
            continue
        rows.append(NeedsRow(group.code, group.label, cells))
    all_row = rows[0] if rows else None
    for row in rows:
        row.gaps = (
            [
                None if c.rate is None or a.rate is None or row is all_row else c.rate - a.rate
                for c, a in zip(row.cells, all_row.cells, strict=True)
            ]
            if all_row
            else []
        )
    return NeedsTable(school, year, window_code, subjects, rows, min_size, choices)
