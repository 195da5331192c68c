"""The district view comparing schools: one subject, window and student group, every school in a row.

Read from the summary cells in two grouped queries (results, roster), whatever the number of
schools. Only the data owners open it today; should others, each school's group count and the
district's total form a line, and the same suppression applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum

from coachmap.core import access, groups, privacy
from coachmap.core.access import AnyUser
from coachmap.core.models import District, School
from coachmap.improvement.models import EnrollmentCell, GoalStatus, ImprovementGoal, ResultCell
from coachmap.improvement.needs import stats
from coachmap.improvement.needs.stats import Tally
from coachmap.improvement.queries.needs import WINDOW_ORDER, Period, group_label
from coachmap.roster.models import Assessment, Subject

SORTS = {"gap": "Gap to all students", "name": "School name", "rate": "Proficiency, lowest first"}
TOTAL = 0  # the district's row key among school ids


@dataclass(frozen=True)
class SchoolRow:
    school_id: int
    name: str
    grades: str
    everyone: Tally
    group: Tally
    hidden: bool
    active_goals: int

    @property
    def rate_all(self) -> float | None:
        return stats.proficiency_rate(self.everyone)

    @property
    def rate(self) -> float | None:
        return None if self.hidden else stats.proficiency_rate(self.group)

    @property
    def gap(self) -> float | None:
        return stats.difference(self.rate, self.rate_all)

    @property
    def growth(self) -> float | None:
        return None if self.hidden else stats.growth(self.group)

    @property
    def participation(self) -> float | None:
        return None if self.hidden else stats.participation(self.group)


@dataclass
class Comparison:
    district: District
    period: Period | None
    periods: list[Period]
    subject: str
    subjects: list[tuple[str, str]]
    group: str
    rows: list[SchoolRow]
    total: SchoolRow | None
    sort: str
    reveal: bool

    @property
    def group_label(self) -> str:
        return group_label(self.group)

    @property
    def everyone(self) -> bool:
        """All students chosen: there is no group to compare with them, so the page shows proficiency."""
        return self.group == groups.ALL

    @property
    def subject_label(self) -> str:
        """The subject as people write it: "English language arts", not "ela"."""
        return dict(self.subjects).get(self.subject, self.subject)

    @property
    def title(self) -> str:
        period = f", {self.period.label}" if self.period else ""
        if self.everyone:
            return f"All students, {self.subject_label}{period}"
        return f"{self.group_label} compared with all students, {self.subject_label}{period}"


def _sums(
    queryset: Any, key: str, where: Q | None, measures: tuple[str, ...]
) -> tuple[dict[int, dict[str, Any]], dict[int, dict[str, Any]]]:
    """Per `key` value, the measures summed over everyone and over the group `where` selects,
    in one pass over the cells."""
    annotations = {f"all_{m}": Sum(m) for m in measures}
    annotations.update({f"group_{m}": Sum(m, filter=where) for m in measures})
    everyone, chosen = {}, {}
    for row in queryset.values(key).annotate(**annotations).order_by():
        k = row[key] or TOTAL
        everyone[k] = {m: row[f"all_{m}"] for m in measures}
        chosen[k] = {m: row[f"group_{m}"] for m in measures}
    return everyone, chosen


def _tally(row: dict[str, Any] | None, enrolled: int | None) -> Tally:
    if row is None:
        return Tally()
    return Tally(
        tested=row["tested"] or 0,
        proficient=row["proficient"] or 0,
        matched=row["matched"] or 0,
        growth_sum=row["growth_sum"] or 0.0,
        enrolled=None if enrolled is None else enrolled + (row["off_roster"] or 0),
    )


def district_comparison(
    user: AnyUser,
    district: District,
    *,
    period: Period | None = None,
    subject: str | None = None,
    group: str = groups.ALL,
    sort: str = "gap",
) -> Comparison:
    access.require(
        access.owns_student_data(user, district.pk), "The district comparison is for the data owners."
    )
    return compare(district, period=period, subject=subject, group=group, sort=sort, reveal=True)


def compare(
    district: District,
    *,
    period: Period | None = None,
    subject: str | None = None,
    group: str = groups.ALL,
    sort: str = "gap",
    reveal: bool,
) -> Comparison:
    """The comparison itself; `reveal=False` suppresses each school's group count against the district's."""
    group = group if group in groups.BY_CODE else groups.ALL
    sort = sort if sort in SORTS else "gap"
    if group == groups.ALL and sort == "gap":
        sort = "rate"  # all students have no gap to themselves: lowest proficiency first instead
    assessments = list(Assessment.objects.filter(district=district))
    present = set(
        ResultCell.objects.filter(assessment_id__in=[a.pk for a in assessments], school__isnull=True)
        .values_list("assessment_id", flat=True)
        .distinct()
    )
    assessments = [a for a in assessments if a.pk in present]
    periods = sorted(
        {Period(a.school_year, a.window) for a in assessments},
        key=lambda p: (-p.year, WINDOW_ORDER.get(p.window, 9)),
    )
    subjects = sorted(
        {(a.subject, a.get_subject_display()) for a in assessments},
        key=lambda s: (s[0] not in Subject.values, s[0]),
    )
    chosen_subject = subject if subject in dict(subjects) else (subjects[0][0] if subjects else "")
    shown = period if period in periods else (periods[0] if periods else None)
    comparison = Comparison(district, shown, periods, chosen_subject, subjects, group, [], None, sort, reveal)
    assessment = next(
        (
            a
            for a in assessments
            if shown and (a.school_year, a.window, a.subject) == (shown.year, shown.window, chosen_subject)
        ),
        None,
    )
    if assessment is None:
        return comparison

    g = groups.BY_CODE[group]
    where = None if g.field is None else Q(**{g.field: g.value})
    measures = ("tested", "proficient", "matched", "growth_sum", "off_roster")
    cells = ResultCell.objects.filter(assessment=assessment)
    everyone, chosen = _sums(cells, "school_id", where, measures)
    roster_year = max(a.school_year for a in assessments)
    enrolled: dict[int, int] | None = None
    if assessment.school_year == roster_year:
        roster = EnrollmentCell.objects.filter(district=district)
        enrolled = {
            k: v["students"] or 0 for k, v in _sums(roster, "school_id", where, ("students",))[1].items()
        }
    goals = dict(
        ImprovementGoal.objects.filter(school__district=district, status=GoalStatus.ACTIVE)
        .values("school_id")
        .annotate(n=Count("id"))
        .values_list("school_id", "n")
    )
    schools = list(School.objects.filter(district=district).order_by("name"))
    tallies = {
        s.pk: (
            _tally(everyone.get(s.pk), None),
            _tally(chosen.get(s.pk), None if enrolled is None else enrolled.get(s.pk, 0)),
        )
        for s in schools
        if s.pk in everyone
    }
    total_tallies = (
        _tally(everyone.get(TOTAL), None),
        _tally(chosen.get(TOTAL), None if enrolled is None else enrolled.get(TOTAL, 0)),
    )

    hidden: frozenset[int] = frozenset()
    if not reveal:
        counts = {**{pk: t[1].tested for pk, t in tallies.items()}, TOTAL: total_tallies[1].tested}
        hidden = privacy.suppress(counts, [privacy.Line(tuple(tallies), TOTAL)], district.min_group_size)
    rows = [
        SchoolRow(s.pk, s.name, s.grades_label, *tallies[s.pk], s.pk in hidden, goals.get(s.pk, 0))
        for s in schools
        if s.pk in tallies
    ]
    if sort == "gap":
        rows.sort(key=lambda r: (r.gap is None, r.gap if r.gap is not None else 0.0, r.name))
    elif sort == "rate":
        rows.sort(key=lambda r: (r.rate is None, r.rate if r.rate is not None else 0.0, r.name))
    comparison.rows = rows
    comparison.total = SchoolRow(
        TOTAL, district.name, "", *total_tallies, TOTAL in hidden, sum(goals.values())
    )
    return comparison
