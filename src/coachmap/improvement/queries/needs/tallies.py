"""Tallies from the summary tables (results the district imported), built into suppressed tables;
the tables' hidden cells are audited once and kept in the database (`tables_audit`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum

from coachmap.core import groups
from coachmap.core.models import District
from coachmap.improvement.models import (
    AuditedTable,
    EnrollmentCell,
    ResultCell,
)
from coachmap.improvement.needs import table
from coachmap.improvement.needs.stats import Tally
from coachmap.improvement.needs.table import Key, Table
from coachmap.improvement.queries.needs.scope import MEASURES, WINDOW_ORDER, Period, Scope, SubjectNeeds
from coachmap.roster.models import Assessment, Subject

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
