"""A school's or the district's needs assessment, read from the summary tables (or published results).

For one testing window the page shows, per subject, every grade × student group: tested,
proficient, mean scale score, growth since fall, participation, gaps to all students and to the
highest-performing group; the same window in every other year gives the trend. The tables are
suppressed as wholes (`improvement.needs.table`) unless the reader owns the data.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum

from coachmap.core import access, groups, privacy
from coachmap.core.access import AnyUser
from coachmap.core.models import District, School
from coachmap.improvement.models import (
    AuditedTable,
    DataSource,
    EnrollmentCell,
    NeedNote,
    ResultCell,
    SummaryState,
)
from coachmap.improvement.needs import ranking, table
from coachmap.improvement.needs.ranking import Need
from coachmap.improvement.needs.stats import Tally
from coachmap.improvement.needs.table import Figures, Key, Table
from coachmap.roster.models import Assessment, PublishedResult, Subject, Window

MEASURES = ("tested", "proficient", "scored", "score_sum", "matched", "growth_sum", "off_roster")
WINDOW_ORDER: dict[str, int] = {
    Window.STATE: 0,
    Window.SPRING: 1,
    Window.WINTER: 2,
    Window.FALL: 3,
    Window.OTHER: 4,
}
PUBLISHED_SUBJECTS = {
    "ela": "English language arts",
    "math": "Mathematics",
    "ela_math": "Both ELA and math",
    "iread": "IREAD-3 reading",
    "science": "Science",
}
# Published files also report the other side of a program group; each pair adds up to all students.
PUBLISHED_PAIRS = {"el_pair": ["el", "not:el"], "swd_pair": ["swd", "not:swd"], "ed_pair": ["ed", "not:ed"]}
PUBLISHED_LABELS = {
    "not:el": "Not English learners",
    "not:swd": "Students without disabilities",
    "not:ed": "Not economically disadvantaged",
}


def group_label(code: str) -> str:
    return PUBLISHED_LABELS.get(code) or groups.label(code)


@dataclass(frozen=True)
class Scope:
    """Whose figures: one school, or the whole district (`school` None)."""

    district: District
    school: School | None

    @property
    def name(self) -> str:
        return self.school.name if self.school else self.district.name

    def cells(self) -> Q:
        return Q(school=self.school) if self.school else Q(school__isnull=True)


@dataclass(frozen=True)
class Period:
    year: int
    window: str

    @property
    def value(self) -> str:
        return f"{self.year}|{self.window}"

    @property
    def label(self) -> str:
        window = Window(self.window).label if self.window in Window.values else self.window
        return f"{self.year - 1}–{str(self.year)[-2:]} {window}"


@dataclass
class SubjectNeeds:
    subject: str
    label: str
    assessment: str
    administered_on: datetime.date | None
    table: Table
    history: dict[int, Table]
    needs: list[Need] = field(default_factory=list)


@dataclass
class NeedsAssessment:
    scope: Scope
    source: str
    sources: list[str]
    period: Period | None
    periods: list[Period]
    subjects: list[SubjectNeeds]
    min_size: int
    reveal: bool
    built_at: datetime.datetime | None
    stale: bool = False

    @property
    def hidden_count(self) -> int:
        return sum(s.table.hidden_count for s in self.subjects)

    @property
    def grades(self) -> list[int]:
        return sorted({g for s in self.subjects for g in s.table.grades})

    def subject(self, code: str) -> SubjectNeeds | None:
        return next((s for s in self.subjects if s.subject == code), None)


DEMOGRAPHICS = ("race_ethnicity", "english_learner", "disability", "econ_disadvantaged", "gender")


def _sum_by_group(queryset: Any, keys: list[str], measures: tuple[str, ...]) -> list[dict[str, Any]]:
    """One row per `keys` value, with every measure summed for every student group.

    SQL sums the cells per demographic cell (a few hundred rows for a school's assessment); each
    of those belongs to several groups (all students, a race, a gender, each program it is in),
    and their sums are added up here, so the query stays small whatever the number of groups.
    """
    rows = queryset.values(*keys, *DEMOGRAPHICS).annotate(**{m: Sum(m) for m in measures}).order_by()
    totals: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        key = tuple(row[k] for k in keys)
        out = totals.get(key)
        if out is None:
            out = totals[key] = dict(zip(keys, key, strict=True))
            out.update({f"{m}__{i}": 0 for i in range(len(groups.GROUPS)) for m in measures})
        for i, group in enumerate(groups.GROUPS):
            if group.field is not None and row[group.field] != group.value:
                continue
            for measure in measures:
                out[f"{measure}__{i}"] += row[measure] or 0
    return list(totals.values())


def _present_assessments(scope: Scope) -> list[Assessment]:
    candidates = list(Assessment.objects.filter(district=scope.district))
    present = set(
        ResultCell.objects.filter(scope.cells(), assessment_id__in=[a.pk for a in candidates])
        .values_list("assessment_id", flat=True)
        .distinct()
    )
    return [a for a in candidates if a.pk in present]


def _enrolled(scope: Scope) -> dict[Key, int]:
    rows = _sum_by_group(
        EnrollmentCell.objects.filter(scope.cells(), district=scope.district), ["grade"], ("students",)
    )
    return {
        (row["grade"], group.code): row[f"students__{i}"] or 0
        for row in rows
        for i, group in enumerate(groups.GROUPS)
    }


def result_tallies(
    scope: Scope, assessments: list[Assessment], roster_year: int | None
) -> dict[int, dict[Key, Tally]]:
    """Per assessment, a tally for every grade × group (zeros included), from the summary cells.

    Participation is known only for `roster_year`: the roster is today's, so only that year's
    tests can be compared with it. Tested students who are not on it there (they moved, or
    changed grade) join the enrolled count.
    """
    if not assessments:
        return {}
    enrolled = _enrolled(scope) if roster_year is not None else {}
    year_of = {a.pk: a.school_year for a in assessments}
    rows = _sum_by_group(
        ResultCell.objects.filter(scope.cells(), assessment_id__in=list(year_of)),
        ["assessment_id", "grade"],
        MEASURES,
    )
    result: dict[int, dict[Key, Tally]] = defaultdict(dict)
    for row in rows:
        with_roster = year_of[row["assessment_id"]] == roster_year
        for i, group in enumerate(groups.GROUPS):
            value = {m: row[f"{m}__{i}"] or 0 for m in MEASURES}
            key = (row["grade"], group.code)
            result[row["assessment_id"]][key] = Tally(
                tested=value["tested"],
                proficient=value["proficient"],
                scored=value["scored"],
                score_sum=value["score_sum"],
                matched=value["matched"],
                growth_sum=value["growth_sum"],
                enrolled=enrolled.get(key, 0) + value["off_roster"] if with_roster else None,
            )
    return result


def _build(cells: dict[Key, Tally], scope: Scope, reveal: bool, *, with_counts: bool = True) -> Table:
    return table.build(
        table.with_all_grades(cells),
        partitions=groups.partitions(),
        min_size=scope.district.min_group_size,
        reveal=reveal,
        complete=True,
        with_counts=with_counts,
        coding=scope.district.rate_coding,
        remember=_kept_in_database(scope.district),
    )


def _cells(stored: list[list[Any]]) -> frozenset[Key]:
    return frozenset((grade, group) for grade, group in stored)


def _kept_in_database(district: District) -> table.Remember:
    """Audits kept in `AuditedTable`, so each table is audited once for every process."""

    def remember(key: str, audit: Callable[[], table.HiddenSets]) -> table.HiddenSets:
        stored = AuditedTable.objects.filter(fingerprint=key).first()
        if stored is not None:
            return _cells(stored.tested), _cells(stored.matched), _cells(stored.enrolled)
        tested, matched, enrolled = audit()
        try:
            with transaction.atomic():
                AuditedTable.objects.create(
                    district=district,
                    fingerprint=key,
                    tested=sorted(map(list, tested), key=repr),
                    matched=sorted(map(list, matched), key=repr),
                    enrolled=sorted(map(list, enrolled), key=repr),
                )
        except IntegrityError:
            pass  # another process audited the same table at the same time; the answers agree
        return tested, matched, enrolled

    return remember


def tables_audit(*, district: District) -> int:
    """Audit every school's needs tables as a principal reads them, so no page waits for an audit.
    Returns how many tables were read. Run after a summaries rebuild (imports, the demo, the command)."""
    read = 0
    for school in School.objects.filter(district=district).order_by("pk"):
        scope = Scope(district, school)
        # Published tables are not audited (the state published them): only student results are.
        if DataSource.RESULTS not in available_sources(scope):
            continue
        shown, periods, _ = _from_results(scope, None, False)
        read += shown is not None
        for period in periods:
            if period != shown:
                _from_results(scope, period, False)
                read += 1
    return read


def _from_results(
    scope: Scope, wanted: Period | None, reveal: bool
) -> tuple[Period | None, list[Period], list[SubjectNeeds]]:
    present = _present_assessments(scope)
    periods = sorted(
        {Period(a.school_year, a.window) for a in present},
        key=lambda p: (-p.year, WINDOW_ORDER.get(p.window, 9)),
    )
    if not periods:
        return None, [], []
    period = wanted if wanted in periods else periods[0]
    current = [a for a in present if (a.school_year, a.window) == (period.year, period.window)]
    current.sort(
        key=lambda a: (
            [s.value for s in Subject].index(a.subject) if a.subject in Subject.values else 99,
            a.name,
        )
    )
    series = {
        a.pk: [
            b
            for b in present
            if b.subject == a.subject and b.window == a.window and b.name == a.name and b.pk != a.pk
        ]
        for a in current
    }
    roster_year = max(a.school_year for a in present)
    tallies = result_tallies(scope, current + [b for bs in series.values() for b in bs], roster_year)
    subjects = []
    for a in current:
        now = _build(tallies[a.pk], scope, reveal)
        history = {
            # Built exactly as when that year is picked, so the trend hides what its table hides.
            b.school_year: _build(tallies[b.pk], scope, reveal)
            for b in series[a.pk]
        }
        history[a.school_year] = now
        label = (
            a.get_subject_display()
            if sum(b.subject == a.subject for b in current) == 1
            else f"{a.get_subject_display()} ({a.name})"
        )
        subjects.append(
            SubjectNeeds(a.subject, label, a.name, a.administered_on, now, dict(sorted(history.items())))
        )
    return period, periods, subjects


def _published_rows(scope: Scope) -> Any:
    """A school's published rows; for the district, those of its own entity in the state's files:
    the entity with the district's state code (set in district settings), else its roster source id,
    else the only entity there is."""
    rows = PublishedResult.objects.filter(district=scope.district)
    if scope.school:
        return rows.filter(school=scope.school)
    rows = rows.filter(school__isnull=True)
    for code in (scope.district.state_id, scope.district.source_id):
        if code and rows.filter(entity_code=code).exists():
            return rows.filter(entity_code=code)
    codes = list(rows.values_list("entity_code", flat=True).distinct()[:2])
    return rows if len(codes) == 1 else rows.none()


def _published_table(rows: list[PublishedResult], scope: Scope, reveal: bool) -> Table:
    cells: dict[Key, Tally] = {}
    hidden: list[Key] = []
    for row in rows:
        key = (row.grade, row.group)
        rate = None if row.published_rate is None else 100 * row.published_rate
        cells[key] = Tally(tested=row.tested or 0, proficient=row.proficient or 0, published_rate=rate)
        if row.suppressed:
            hidden.append(key)
    return table.build(
        cells,
        partitions={**groups.partitions(), **PUBLISHED_PAIRS},
        min_size=scope.district.min_group_size,
        reveal=reveal,
        complete=False,
        hidden_at_source=hidden,
        with_counts=False,
    )


def _from_published(
    scope: Scope, wanted: Period | None, reveal: bool
) -> tuple[Period | None, list[Period], list[SubjectNeeds]]:
    rows = list(_published_rows(scope).order_by("year", "subject", "grade", "group"))
    periods = sorted({Period(r.year, Window.STATE) for r in rows}, key=lambda p: -p.year)
    if not periods:
        return None, [], []
    period = wanted if wanted in periods else periods[0]
    by_subject_year: dict[tuple[str, int], list[PublishedResult]] = defaultdict(list)
    for row in rows:
        by_subject_year[(row.subject, row.year)].append(row)
    subjects = []
    for subject in sorted(
        {s for s, y in by_subject_year if y == period.year},
        key=lambda s: (list(PUBLISHED_SUBJECTS).index(s) if s in PUBLISHED_SUBJECTS else 99, s),
    ):
        history = {
            year: _published_table(year_rows, scope, reveal)
            for (s, year), year_rows in sorted(by_subject_year.items())
            if s == subject
        }
        label = PUBLISHED_SUBJECTS.get(subject, subject)
        source = next(
            (r.source for r in by_subject_year[(subject, period.year)] if r.source), "Published results"
        )
        subjects.append(SubjectNeeds(subject, label, source, None, history[period.year], history))
    return period, periods, subjects


def available_sources(scope: Scope) -> list[str]:
    sources = []
    if ResultCell.objects.filter(scope.cells(), district=scope.district).exists():
        sources.append(DataSource.RESULTS.value)
    if _published_rows(scope).exists():
        sources.append(DataSource.PUBLISHED.value)
    return sources


def parse_period(value: str | None) -> Period | None:
    """ "2026|state" → Period; anything else → None (the newest period is shown)."""
    year, _, window = (value or "").partition("|")
    return Period(int(year), window) if year.isdigit() and window else None


def needs_assessment(
    user: AnyUser, scope: Scope, *, source: str | None = None, period: Period | None = None
) -> NeedsAssessment:
    """The needs assessment the user may see for `scope`: suppressed unless they own the data."""
    allowed = access.schools_led_by(user)
    if scope.school is not None:
        access.require(
            allowed.filter(pk=scope.school.pk).exists(), "This school's data are not part of your role."
        )
    else:
        access.require(
            access.owns_student_data(user, scope.district.pk), "The district's data are for its data owners."
        )
    reveal = access.owns_student_data(user, scope.district.pk)
    sources = available_sources(scope)
    chosen = source if source in sources else (sources[0] if sources else DataSource.RESULTS.value)
    read = _from_published if chosen == DataSource.PUBLISHED else _from_results
    shown, periods, subjects = read(scope, period, reveal)
    for s in subjects:
        s.needs = ranking.find_needs(s.subject, s.table, s.history)
    state = SummaryState.objects.filter(district=scope.district).first()
    return NeedsAssessment(
        scope,
        chosen,
        sources,
        shown,
        periods,
        subjects,
        scope.district.min_group_size,
        reveal,
        state.built_at if state else None,
        summaries_stale(scope.district, state.built_at if state else None),
    )


def summaries_stale(district: District, built_at: datetime.datetime | None) -> bool:
    """Has an import finished since the summaries were built? (Then the figures lag the data.)"""
    from coachmap.roster.models import ImportRun, ImportStatus

    imports = ImportRun.objects.filter(district=district, status=ImportStatus.DONE, dry_run=False)
    if built_at is not None:
        imports = imports.filter(finished_at__gt=built_at)
    return imports.exists()


@dataclass(frozen=True)
class Row:
    """One group's line in a table of the page."""

    code: str
    label: str
    figures: Figures


def rows_for(subject: SubjectNeeds, grade: int | None) -> list[Row]:
    """The groups to list for one grade (None: all grades): every group someone was tested or
    enrolled in, and every hidden one (hidden is not the same as absent)."""
    rows = []
    for code in subject.table.groups:
        figures = subject.table.get(grade, code)
        if figures is None:
            continue
        if (
            figures.hidden
            or figures.tested
            or (figures.participation is not None and code != groups.ALL)
            or code == groups.ALL
        ):
            rows.append(Row(code, group_label(code), figures))
    return rows


@dataclass(frozen=True)
class TrendLine:
    code: str
    label: str
    rates: list[float | None]
    coded: list[str | None] = field(default_factory=list)

    @property
    def shown(self) -> list[tuple[float | None, str | None]]:
        return list(zip(self.rates, self.coded or [None] * len(self.rates), strict=True))


def trend_lines(subject: SubjectNeeds, grade: int | None) -> tuple[list[int], list[TrendLine]]:
    """Years, and the proficiency rate of each group shown in at least one year (None where hidden
    or missing). A coded rate ("≤ 5 %") stands at its bound, with its label in `coded`."""
    years = list(subject.history)
    lines = []
    for code in subject.table.groups:
        rates: list[float | None] = []
        coded: list[str | None] = []
        for year in years:
            cell = subject.history[year].get(grade, code)
            shown = cell is not None and not cell.hidden
            coded.append(cell.coded if shown and cell is not None else None)
            if not shown or cell is None:
                rates.append(None)
            elif cell.coded is not None:
                rates.append(
                    float(privacy.CODING_MARGIN if (cell.rate or 0) < 50 else 100 - privacy.CODING_MARGIN)
                )
            else:
                rates.append(cell.rate)
        if any(r is not None for r in rates):
            lines.append(TrendLine(code, group_label(code), rates, coded))
    return years, lines


DEFAULT_DAYS: dict[str, tuple[int, int, int]] = {
    Window.FALL: (-1, 10, 1),
    Window.WINTER: (0, 1, 31),
    Window.SPRING: (0, 5, 15),
    Window.STATE: (0, 4, 30),
}


def assessment_date(year: int, window: str, administered_on: datetime.date | None = None) -> datetime.date:
    """When a window's data describe the students: the test date, or a usual date for the window."""
    if administered_on is not None:
        return administered_on
    shift, month, day = DEFAULT_DAYS.get(window, (0, 6, 1))
    return datetime.date(year + shift, month, day)


@dataclass(frozen=True)
class CellPoint:
    """One cell of the needs table through time: a goal's or an indicator's history."""

    period: Period
    on: datetime.date
    figures: Figures


def cell_history(
    user: AnyUser,
    scope: Scope,
    *,
    source: str,
    subject: str,
    grade: int | None,
    group: str,
    windows: tuple[str, ...] = (),
) -> list[CellPoint]:
    """The cell (grade, group) of `subject` in every period with data, oldest first, each read
    from its whole table so it is hidden exactly when the needs page hides it."""
    reveal = access.owns_student_data(user, scope.district.pk)
    points: list[CellPoint] = []
    if source == DataSource.PUBLISHED:
        by_year: dict[int, list[PublishedResult]] = defaultdict(list)
        for row in _published_rows(scope).filter(subject=subject):
            by_year[row.year].append(row)
        for year, rows in sorted(by_year.items()):
            figures = _published_table(rows, scope, reveal).get(grade, group)
            if figures is not None:
                points.append(
                    CellPoint(Period(year, Window.STATE), assessment_date(year, Window.STATE), figures)
                )
        return points
    assessments = [
        a
        for a in _present_assessments(scope)
        if a.subject == subject and (not windows or a.window in windows)
    ]
    if not assessments:
        return []
    roster_year = max(a.school_year for a in _present_assessments(scope))
    tallies = result_tallies(scope, assessments, roster_year)
    for a in assessments:
        figures = _build(tallies[a.pk], scope, reveal).get(grade, group)
        if figures is not None:
            period = Period(a.school_year, a.window)
            points.append(
                CellPoint(period, assessment_date(a.school_year, a.window, a.administered_on), figures)
            )
    return sorted(points, key=lambda p: p.on)


def prioritised(school: School, assessment: NeedsAssessment) -> tuple[list[Need], dict[str, NeedNote]]:
    """The assessment's needs in the principal's order (their placed needs first), with their notes."""
    notes = {n.key: n for n in NeedNote.objects.filter(school=school)}
    needs = ranking.in_principal_order(
        [n for s in assessment.subjects for n in s.needs],
        {k: n.position for k, n in notes.items() if n.position is not None},
    )
    return needs, notes
