"""The program dashboard: reach, time, alignment and outcomes, as suppressed aggregates.

Every table here counts teachers (or stands on teachers' classrooms) and is shown beyond the
teacher and their coach, so every one goes through the same rule as the coaching trends: a row
with a figure about fewer teachers than the district's minimum group size is hidden, and the
disclosure audit (`table_model`) hides more rows, the total last, until no hidden figure can be
worked out from the total, the other rows, whole numbers and non-negativity. A filter that
narrows a table to one teacher leaves only hidden rows. Teachers are never named here; coaches
are named only to the program lead (their time share).

Figures are aggregated in SQL (`values().annotate()`), one query per measure and grouping.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, Lower, Round, Trim, TruncMonth, TruncWeek

from coachmap.coaching.bestfit.models import MatchProposal, ProposalStatus
from coachmap.coaching.bestfit.placement import QUADRANT_CHOICES
from coachmap.coaching.models import (
    CoachingCycle,
    CoachingRequest,
    CoachingSession,
    EvidenceKind,
    StudentEvidence,
)
from coachmap.coaching.timelog import timeshare
from coachmap.coaching.timelog.models import TimeEntry
from coachmap.core import access, group_size, percent, privacy, tokens
from coachmap.core.access import AnyUser
from coachmap.core.groups import GROUP_CHOICES, GROUPS
from coachmap.core.groups import label as group_label
from coachmap.core.groups import partitions as group_partitions
from coachmap.core.models import Coach, CoachType, District, Role, School
from coachmap.impact import queries as impact_queries
from coachmap.impact import report as impact_report
from coachmap.impact.access import impact_scope
from coachmap.improvement.models import GoalStatus, ImprovementGoal, Indicator, Tool, UsageCell
from coachmap.improvement.queries.goals import goal_progress
from coachmap.improvement.queries.indicators import indicator_view
from coachmap.reports.impact import Period
from coachmap.roster.models import Student, UsageWeek

TOTAL = "__total__"
NONE_KEY = "__none__"


# --- tables ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    additive: bool = True
    """Whether the rows' figures add up to the total (a teacher counts in one row only)."""


@dataclass(frozen=True)
class Row:
    key: object
    label: str
    values: Mapping[str, Any]
    hidden: bool = False


@dataclass
class Table:
    """A dashboard table: rows, an optional total, and what to say about hidden rows."""

    slug: str
    title: str
    row_heading: str
    columns: list[Column]
    rows: list[Row]
    total: Row | None
    min_size: int
    note: str = ""
    unit: str = "teachers"
    """Whom the minimum group size counts in this table (teachers; students for the equity table)."""

    @property
    def extra_columns(self) -> int:
        """Derived columns the page shows after the counts (hours; the two shares)."""
        return {"alignment": 1, "evidence": 2, "equity": 2}.get(self.slug, 0)

    @property
    def any_hidden(self) -> bool:
        return any(r.hidden for r in self.rows) or bool(self.total and self.total.hidden)

    def csv_rows(self) -> list[list[Any]]:
        """The table as the CSV has it: hidden figures are a star, as on the page."""
        out = []
        for row in [*self.rows, *([self.total] if self.total else [])]:
            out.append(
                [
                    row.label,
                    *(("*" if row.hidden else _csv_value(row.values.get(c.key))) for c in self.columns),
                ]
            )
        return out

    @property
    def csv_header(self) -> list[str]:
        return [self.row_heading, *(c.label for c in self.columns)]


def _csv_value(value: Any) -> Any:
    return "" if value is None else value


def table_model(
    rows: Mapping[object, Mapping[str, int]],
    hidden: frozenset[object],
    columns: Sequence[Column],
    chain: Sequence[tuple[str, str]] = (),
    partitions: Sequence[tuple[object, ...]] | None = None,
) -> privacy.Model[tuple[str, object]]:
    """A table of counts as the disclosure audit reads it. Hidden figures are whole numbers from
    0 up; additive columns add up to the total; a column of distinct teachers counted in several
    rows is at most the total in each row and at least the total summed; `chain` pairs say one
    column is never above another in a row (teachers ≤ cycles ≤ sessions). With `partitions`
    (student groups), each partition's rows add up to the total and every other row is a part of
    it (at most the total)."""
    model: privacy.Model[tuple[str, object]] = privacy.Model()
    figure: dict[str, dict[object, int]] = {c.key: {} for c in columns}
    for key, row in rows.items():
        for column in columns:
            value = int(row.get(column.key) or 0)
            if key in hidden:
                figure[column.key][key] = model.figure(0, privacy.BIG, value)
                if value:
                    model.watch((column.key, key), figure[column.key][key])
            else:
                figure[column.key][key] = model.shown(value)
        for small, large in chain:
            model.at_most(figure[small][key], figure[large][key])
    if TOTAL in rows and partitions is not None:
        _partition_sums(model, rows, figure, columns, partitions)
    elif TOTAL in rows:
        parts = [key for key in rows if key != TOTAL]
        for column in columns:
            values = figure[column.key]
            if column.additive:
                model.equal([values[k] for k in parts], values[TOTAL])
            else:
                for k in parts:
                    model.at_most(values[k], values[TOTAL])
                model.between({**{values[k]: 1.0 for k in parts}, values[TOTAL]: -1.0}, low=0.0)
    return model


def _partition_sums(
    model: privacy.Model[tuple[str, object]],
    rows: Mapping[object, Mapping[str, int]],
    figure: Mapping[str, Mapping[object, int]],
    columns: Sequence[Column],
    partitions: Sequence[tuple[object, ...]],
) -> None:
    """Each partition's rows add up to the total (additive columns) or are each at most it; rows in
    no partition (English learners…) are each at most the total."""
    inside = {k for part in partitions for k in part}
    for column in columns:
        values = figure[column.key]
        for part in partitions:
            if column.additive:
                model.equal([values[k] for k in part], values[TOTAL])
            else:
                for k in part:
                    model.at_most(values[k], values[TOTAL])
        for k in rows:
            if k != TOTAL and k not in inside:
                model.at_most(values[k], values[TOTAL])


def protected_table(
    slug: str,
    title: str,
    row_heading: str,
    columns: list[Column],
    data: Mapping[object, Mapping[str, int]],
    *,
    labels: Mapping[object, str],
    min_size: int,
    people: Sequence[str],
    total: Mapping[str, int] | None = None,
    chain: Sequence[tuple[str, str]] = (),
    extra: Callable[[object, Mapping[str, int]], Mapping[str, Any]] | None = None,
    note: str = "",
    unfiltered: Mapping[object, Mapping[str, int]] | None = None,
    partitions: Sequence[tuple[object, ...]] | None = None,
    unit: str = "teachers",
) -> Table:
    """Suppress and audit a table of counts. `people` names the columns that count teachers: a
    row with any of them at 1 to min−1 is hidden (primary); complementary rows are then hidden
    along the first people column's line, and the audit hides more until nothing is pinned.
    `extra` adds derived figures (shares, hours) for shown rows. `partitions` (student groups)
    replaces the one line of all rows with a line per partition; `unit` names whom the table counts."""
    rows: dict[object, Mapping[str, int]] = dict(data)
    if total is not None:
        rows[TOTAL] = total
    primary = {
        k for k, r in rows.items() if any(privacy.rate_hidden(int(r.get(p) or 0), min_size) for p in people)
    }
    if unfiltered is not None:
        # Under a coach-type filter, the same row without the filter is one click away: a row whose
        # difference from it counts 1 to min−1 teachers would give those teachers away.
        primary |= {
            k
            for k, r in rows.items()
            if any(
                privacy.rate_hidden(int(unfiltered.get(k, {}).get(p) or 0) - int(r.get(p) or 0), min_size)
                for p in people
            )
        }
    basis = {k: int(r.get(people[0]) or 0) for k, r in rows.items()}
    if partitions is not None:
        lines = [privacy.Line(tuple(part), TOTAL) for part in partitions if part and total is not None]
    else:
        lines = (
            [privacy.Line(tuple(k for k in rows if k != TOTAL), TOTAL)]
            if total is not None
            and columns[[c.key for c in columns].index(people[0])].additive
            and len(rows) > 1
            else []
        )
    start = set(privacy.suppress(basis, lines, min_size)) | primary
    order = {key: i for i, key in enumerate(rows)}
    hidden = privacy.protect(
        list(rows),
        start,
        lambda cells: table_model(rows, cells, columns, chain, partitions),
        lambda key: (key == TOTAL, basis[key] == 0, basis[key], order[key]),
    )

    def row(key: object, label: str, values: Mapping[str, int]) -> Row:
        shown: dict[str, Any] = dict(values)
        if extra is not None and key not in hidden:
            shown.update(extra(key, values))
        return Row(key, label, shown, key in hidden)

    body = [row(k, labels.get(k, str(k)), v) for k, v in data.items()]
    foot = row(TOTAL, "All", total) if total is not None else None
    return Table(slug, title, row_heading, columns, body, foot, min_size, note, unit)


# --- filters --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    schools: list[School]
    """The schools in view: every school the reader may see, or the one chosen."""
    school: School | None
    coach_type: str
    period: Period
    district: District | None

    @property
    def min_size(self) -> int:
        return self.district.min_group_size if self.district else group_size.DEFAULT

    @property
    def school_ids(self) -> list[int]:
        return [s.pk for s in self.schools]

    @property
    def coach_type_label(self) -> str:
        return dict(CoachType.choices).get(self.coach_type, "")

    def coach_q(self, path: str) -> Q:
        """Limit to the chosen coach type through `path` (the coach's field path)."""
        return Q(**{f"{path}__coach_type": self.coach_type}) if self.coach_type else Q()


def dashboard_schools(user: AnyUser) -> QuerySet[School]:
    return access.schools_with_trends_for(user).select_related("district").order_by("name")


def filters_for(user: AnyUser, params: Mapping[str, str], period: Period) -> Filters:
    """The filters from the query string, kept to what the reader may see (an unknown school or
    coach type falls back to all)."""
    schools = list(dashboard_schools(user))
    wanted = params.get("school", "")
    school = next((s for s in schools if str(s.pk) == wanted), None)
    if (
        school is None
        and len(schools) == 1
        and not access.has_role(user, Role.PROGRAM_LEAD, Role.DISTRICT_ADMIN)
    ):
        school = schools[0]  # a principal's dashboard is their school's part
    coach_type = params.get("coach_type", "")
    if coach_type not in dict(CoachType.choices):
        coach_type = ""
    district = schools[0].district if schools else None
    return Filters([school] if school else schools, school, coach_type, period, district)


# --- reach ----------------------------------------------------------------------------------------

REACH_COLUMNS = [
    Column("asked", "Teachers who asked"),
    Column("matched", "Matched with a coach"),
    Column("started", "Started a cycle"),
    Column("finished", "Finished a cycle"),
    Column("offers", "Took a lighter offer"),
]


def _grade_band(school_path: str) -> Case:
    high = f"{school_path}__grade_high"
    return Case(
        When(**{f"{high}__lte": 5}, then=Value("elementary")),
        When(**{f"{high}__lte": 8}, then=Value("middle")),
        default=Value("high"),
        output_field=CharField(),
    )


GRADE_BANDS: dict[object, str] = {"elementary": "Elementary", "middle": "Middle", "high": "High"}
GROUPINGS = {
    "school": ("School", True),
    "quadrant": ("Teacher's quadrant", True),
    "grade_band": ("Grade band", True),
    "coach_type": ("Coach type", False),
}


def _reach_sources(f: Filters) -> dict[str, tuple[QuerySet[Any], str, str]]:
    """Each reach measure: its rows, the path to the teacher, the path to the coach."""
    start, end = f.period.start, f.period.end
    requests = CoachingRequest.objects.filter(teacher__school__in=f.school_ids)
    cycles = CoachingCycle.objects.filter(teacher__school__in=f.school_ids)
    return {
        "asked": (
            requests.filter(created_at__date__gte=start, created_at__date__lte=end).filter(
                f.coach_q("coach")
            ),
            "teacher",
            "coach",
        ),
        "matched": (
            requests.filter(
                coach__isnull=False, created_at__date__gte=start, created_at__date__lte=end
            ).filter(f.coach_q("coach")),
            "teacher",
            "coach",
        ),
        "started": (
            cycles.filter(opened_on__gte=start, opened_on__lte=end).filter(f.coach_q("coach")),
            "teacher",
            "coach",
        ),
        "finished": (
            cycles.filter(closed_on__gte=start, closed_on__lte=end).filter(f.coach_q("coach")),
            "teacher",
            "coach",
        ),
        "offers": (
            MatchProposal.objects.filter(
                teacher__school__in=f.school_ids,
                status=ProposalStatus.ACCEPTED,
                responded_at__date__gte=start,
                responded_at__date__lte=end,
            )
            .exclude(offer="")
            .filter(f.coach_q("coach")),
            "teacher",
            "coach",
        ),
    }


def _group_key(grouping: str, teacher: str, coach: str) -> Any:
    if grouping == "school":
        return F(f"{teacher}__school")
    if grouping == "quadrant":
        return Coalesce(F(f"{teacher}__intake__quadrant"), Value(NONE_KEY), output_field=CharField())
    if grouping == "grade_band":
        return _grade_band(f"{teacher}__school")
    return Coalesce(F(f"{coach}__coach_type"), Value(NONE_KEY), output_field=CharField())


def _labels(grouping: str, f: Filters) -> dict[object, str]:
    if grouping == "school":
        return {s.pk: s.name for s in f.schools}
    if grouping == "quadrant":
        return {**dict(QUADRANT_CHOICES), NONE_KEY: "No intake answered"}
    if grouping == "grade_band":
        return {**GRADE_BANDS}
    return {**dict(CoachType.choices), NONE_KEY: "Not matched yet"}


def reach_counts(f: Filters, grouping: str) -> tuple[dict[object, dict[str, int]], dict[str, int]]:
    """Distinct teachers per measure and group, and in all; in SQL, one query per measure."""
    data: dict[object, dict[str, int]] = {}
    total: dict[str, int] = {}
    for measure, (qs, teacher, coach) in _reach_sources(f).items():
        grouped = (
            qs.annotate(k=_group_key(grouping, teacher, coach))
            .values("k")
            .annotate(n=Count(teacher, distinct=True))
        )
        for r in grouped:
            data.setdefault(r["k"], {})[measure] = r["n"]
        total[measure] = qs.aggregate(n=Count(teacher, distinct=True))["n"] or 0
    labels = _labels(grouping, f)
    if grouping == "school":
        for s in f.schools:
            data.setdefault(s.pk, {})
    ordered = sorted(
        data, key=lambda k: (k == NONE_KEY, list(labels).index(k) if k in labels else 99, str(k))
    )
    zero = {c.key: 0 for c in REACH_COLUMNS}
    return {k: {**zero, **data[k]} for k in ordered}, {**zero, **total}


def reach_table(f: Filters, grouping: str) -> Table:
    heading, additive = GROUPINGS[grouping]
    data, total = reach_counts(f, grouping)
    unfiltered = None
    if f.coach_type and grouping != "coach_type":
        every_coach, every_total = reach_counts(replace(f, coach_type=""), grouping)
        unfiltered = {**every_coach, TOTAL: every_total}
    columns = [Column(c.key, c.label, additive) for c in REACH_COLUMNS]
    note = (
        ""
        if additive
        else "A teacher coached by two kinds of coach counts in both rows, so the rows do not add up; no total is shown."
    )
    return protected_table(
        f"reach-{grouping.replace('_', '-')}",
        f"Reach by {heading.lower()}",
        heading,
        columns,
        data,
        labels=_labels(grouping, f),
        min_size=f.min_size,
        people=[c.key for c in columns],
        total=total if additive else None,
        note=note,
        unfiltered=unfiltered,
    )


# --- time -----------------------------------------------------------------------------------------


@dataclass
class TimeShare:
    weeks: list[datetime.date]
    team: list[int | None]
    """Whole percent of the team's logged time spent coaching, per week; None without a log."""
    target: int
    coaches: list[tuple[str, int, int, int | None, int]] = field(default_factory=list)
    """Per coach (program lead only): name, coaching minutes, logged minutes, share, weeks below target."""
    team_hidden: bool = False
    coaches_logging: int = 0
    team_share: int | None = None
    """Whole percent of the team's logged time in the period spent coaching."""

    def chart(self) -> dict[str, Any] | None:
        if self.team_hidden or not any(v is not None for v in self.team):
            return None
        labels = [f"{w:%b} {w.day}" for w in self.weeks]
        return {
            "type": "line",
            "labels": labels,
            "series": [
                {"label": "Team: share of time coaching", "values": self.team},
                {"label": f"Target ({self.target} %)", "values": [self.target] * len(labels), "dashed": True},
            ],
            "min": 0,
            "max": 100,
            "unit": " %",
            "axis": "Share of logged time",
            "summary": f"Line chart of the team's share of logged time spent coaching, week by week, "
            f"against the target of {self.target} percent. The table below gives each week's figure.",
        }


def time_share(user: AnyUser, f: Filters) -> TimeShare | None:
    """The team's share of logged time spent coaching, week by week, against the district's target
    (the time log's rule, `timeshare.COACHING_CATEGORIES`); per coach for the program lead only.
    A principal's dashboard has no time section (coaches serve several schools). The team figure
    is hidden from the district admin when fewer coaches than the minimum group size logged time.
    A service account's token reads as the district admin does, even when the admin who made it
    also leads the program: suppressed, and no coach named."""
    if f.district is None or not access.has_role(user, Role.PROGRAM_LEAD, Role.DISTRICT_ADMIN):
        return None
    lead = f.district.pk in access.lead_district_ids(user) and not tokens.via_service(user)
    coaches = Coach.objects.filter(district=f.district)
    if f.coach_type:
        coaches = coaches.filter(coach_type=f.coach_type)
    if f.school is not None:
        coaches = coaches.filter(schools=f.school)
    entries = TimeEntry.objects.filter(coach__in=coaches, date__gte=f.period.start, date__lte=f.period.end)
    coaching = Q(category__in=timeshare.COACHING_CATEGORIES)
    weekly = (
        entries.annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(total=Sum("minutes"), coaching=Sum("minutes", filter=coaching))
        .order_by("week")
    )
    by_week = {_day(r["week"]): (r["coaching"] or 0, r["total"] or 0) for r in weekly}
    weeks = sorted(by_week)
    team = [timeshare.Shares(by_week[w][0], by_week[w][1] - by_week[w][0]).coaching_percent for w in weeks]
    overall = entries.aggregate(total=Sum("minutes"), coaching=Sum("minutes", filter=coaching))
    logging = entries.values("coach").distinct().count()
    result = TimeShare(weeks, team, f.district.coaching_time_target, coaches_logging=logging)
    result.team_share = timeshare.Shares(
        overall["coaching"] or 0, (overall["total"] or 0) - (overall["coaching"] or 0)
    ).coaching_percent
    result.team_hidden = not lead and privacy.rate_hidden(logging, f.min_size)
    if lead:
        per = (
            entries.annotate(week=TruncWeek("date"))
            .values("coach", "week")
            .annotate(total=Sum("minutes"), coaching=Sum("minutes", filter=coaching))
        )
        below: dict[int, int] = {}
        sums: dict[int, list[int]] = {}
        for r in per:
            share = timeshare.Shares(
                r["coaching"] or 0, (r["total"] or 0) - (r["coaching"] or 0)
            ).coaching_share
            if share is not None and share < result.target:
                below[r["coach"]] = below.get(r["coach"], 0) + 1
            acc = sums.setdefault(r["coach"], [0, 0])
            acc[0] += r["coaching"] or 0
            acc[1] += r["total"] or 0
        for coach in coaches.select_related("user").order_by("user__last_name", "user__first_name"):
            c, t = sums.get(coach.pk, [0, 0])
            result.coaches.append(
                (str(coach), c, t, timeshare.Shares(c, t - c).coaching_percent, below.get(coach.pk, 0))
            )
    return result


def _day(value: datetime.date | datetime.datetime) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


# --- alignment ------------------------------------------------------------------------------------

ALIGN_COLUMNS = [
    Column("teachers", "Teachers", additive=False),
    Column("cycles", "Cycles"),
    Column("sessions", "Sessions"),
    Column("minutes", "Minutes"),
]


def _sessions(f: Filters) -> QuerySet[CoachingSession]:
    return CoachingSession.objects.filter(
        cycle__teacher__school__in=f.school_ids, date__gte=f.period.start, date__lte=f.period.end
    ).filter(f.coach_q("cycle__coach"))


def goals_in_view(f: Filters) -> list[ImprovementGoal]:
    return list(
        ImprovementGoal.objects.filter(school__in=f.school_ids, status=GoalStatus.ACTIVE)
        .select_related("school", "school__district")
        .order_by("school__name", "created_at")
    )


def _hours(_key: object, values: Mapping[str, int]) -> dict[str, Any]:
    return {"hours": round((values.get("minutes") or 0) / 60, 1)}


def alignment_table(f: Filters, goals: list[ImprovementGoal]) -> Table:
    """Coaching (sessions in the period) per school goal, with a row for coaching tied to no goal.
    Teachers are distinct per row; a teacher working on two goals counts in both."""
    values = {
        "teachers": Count("cycle__teacher", distinct=True),
        "cycles": Count("cycle", distinct=True),
        "sessions": Count("id"),
        "minutes": Coalesce(Sum("minutes"), 0),
    }
    sessions = _sessions(f)
    grouped = {
        r["cycle__goal__improvement_goal"]: r
        for r in sessions.values("cycle__goal__improvement_goal").annotate(**values).order_by()
    }
    zero = dict.fromkeys(values, 0)
    data: dict[object, dict[str, int]] = {}
    labels: dict[object, str] = {}
    for goal in goals:
        data[goal.pk] = {k: int(grouped.get(goal.pk, zero)[k]) for k in values}
        labels[goal.pk] = f"{goal.school.name}: {goal.statement}" if f.school is None else goal.statement
    if None in grouped or any(k not in data for k in grouped if k is not None):
        other = zero.copy()
        for k, r in grouped.items():
            if k is None or k not in data:
                for m in values:
                    other[m] += int(r[m])
        # Distinct teachers across several groups summed may count a teacher twice; the audit treats teachers as non-additive.
        data[NONE_KEY] = other
        labels[NONE_KEY] = "Not tied to an active school goal"
    total = {k: int(v or 0) for k, v in sessions.aggregate(**values).items()}
    return protected_table(
        "alignment",
        "Coaching per school goal",
        "School goal",
        [*ALIGN_COLUMNS],
        data,
        labels=labels,
        min_size=f.min_size,
        people=["teachers"],
        total=total,
        chain=[("teachers", "cycles"), ("cycles", "sessions")],
        extra=_hours,
    )


def alignment_chart(table: Table) -> dict[str, Any] | None:
    rows = [r for r in table.rows if not r.hidden]
    if not rows or not any(r.values.get("minutes") for r in rows):
        return None
    return {
        "type": "bar",
        "horizontal": True,
        "labels": [r.label[:60] for r in rows],
        "series": [{"label": "Hours of coaching", "values": [r.values.get("hours", 0) for r in rows]}],
        "min": 0,
        "axis": "Hours",
        "summary": "Bar chart of hours of coaching per school goal. The table below gives the same figures; "
        "hidden rows are left out.",
    }


def goals_without_coaching(table: Table) -> list[str]:
    return [
        r.label for r in table.rows if r.key != NONE_KEY and not r.hidden and not r.values.get("sessions")
    ]


# --- outcomes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalLine:
    goal: ImprovementGoal
    school: str
    group: str
    baseline: float
    current: float | None
    target: float
    status: str
    hours: float | None
    """Hours of coaching on the goal in the period; None when hidden."""


@dataclass(frozen=True)
class IndicatorLine:
    indicator: Indicator
    goal: str
    group: str
    baseline: float | None
    current: float | None
    target: float
    unit: str
    status: str
    moved: float | None


GROUP_LABELS = dict(GROUP_CHOICES)


def goal_lines(user: AnyUser, goals: list[ImprovementGoal], alignment: Table) -> list[GoalLine]:
    """Each active goal's progress (its figures suppressed as on the goal page) and the coaching behind it."""
    rows = {r.key: r for r in alignment.rows}
    out = []
    for goal in goals:
        p = goal_progress(user, goal).progress
        row = rows.get(goal.pk)
        hours = None if row is None or row.hidden else row.values.get("hours")
        out.append(
            GoalLine(
                goal,
                goal.school.name,
                GROUP_LABELS.get(goal.student_group, goal.student_group),
                goal.baseline,
                p.current,
                goal.target,
                p.status.label,
                hours,
            )
        )
    return out


def indicator_lines(user: AnyUser, goals: list[ImprovementGoal]) -> list[IndicatorLine]:
    """Each indicator of the goals in view: baseline, newest value (hidden points count as none), movement."""
    out = []
    for indicator in Indicator.objects.filter(goal__in=goals).select_related(
        "goal", "goal__school", "goal__school__district"
    ):
        view = indicator_view(user, indicator)
        current = view.current.value if view.current else None
        baseline = view.baseline
        moved = None if current is None or baseline is None else round(current - baseline, 1)
        out.append(
            IndicatorLine(
                indicator,
                indicator.goal.statement,
                GROUP_LABELS.get(indicator.student_group or indicator.goal.student_group, ""),
                baseline,
                current,
                indicator.target,
                indicator.unit_label,
                view.progress.status.label,
                moved,
            )
        )
    return out


EVIDENCE_COLUMNS = [
    Column("teachers", "Teachers"),
    Column("cycles", "Cycles with both"),
    Column("pre_assessed", "Students before"),
    Column("pre_meeting", "Meeting the target before"),
    Column("post_assessed", "Students after"),
    Column("post_meeting", "Meeting the target after"),
]


def _evidence_shares(_key: object, v: Mapping[str, int]) -> dict[str, Any]:
    return {
        "pre_percent": percent.share(v.get("pre_meeting") or 0, v.get("pre_assessed") or 0),
        "post_percent": percent.share(v.get("post_meeting") or 0, v.get("post_assessed") or 0),
    }


def evidence_table(f: Filters) -> Table:
    """Cycles' student evidence before and after, by school: cycles (active in the period) with
    both a baseline and an after measure, and the students meeting the cycle's target in each.
    Stands on teachers' classrooms, so a row needs the minimum group size of teachers (and of
    students, when a row's students are counted)."""
    cycles = (
        CoachingCycle.objects.filter(teacher__school__in=f.school_ids, opened_on__lte=f.period.end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=f.period.start))
        .filter(f.coach_q("coach"))
    )
    both = cycles.annotate(
        pre=Count("evidence", filter=Q(evidence__kind=EvidenceKind.PRE)),
        post=Count("evidence", filter=Q(evidence__kind=EvidenceKind.POST)),
    ).filter(pre__gt=0, post__gt=0)
    evidence = StudentEvidence.objects.filter(cycle__in=both.values("pk"))
    measures = {
        "teachers": Count("cycle__teacher", distinct=True),
        "cycles": Count("cycle", distinct=True),
        "pre_assessed": Coalesce(Sum("students_assessed", filter=Q(kind=EvidenceKind.PRE)), 0),
        "pre_meeting": Coalesce(Sum("students_meeting", filter=Q(kind=EvidenceKind.PRE)), 0),
        "post_assessed": Coalesce(Sum("students_assessed", filter=Q(kind=EvidenceKind.POST)), 0),
        "post_meeting": Coalesce(Sum("students_meeting", filter=Q(kind=EvidenceKind.POST)), 0),
    }
    grouped = {
        r["cycle__teacher__school"]: r
        for r in evidence.values("cycle__teacher__school").annotate(**measures).order_by()
    }
    zero = dict.fromkeys(measures, 0)
    data: dict[object, dict[str, int]] = {
        s.pk: {k: int(grouped.get(s.pk, zero)[k]) for k in measures} for s in f.schools
    }
    total = {k: int(v or 0) for k, v in evidence.aggregate(**measures).items()}
    return protected_table(
        "evidence",
        "Students meeting the cycle's target, before and after",
        "School",
        list(EVIDENCE_COLUMNS),
        data,
        labels={s.pk: s.name for s in f.schools},
        min_size=f.min_size,
        people=["teachers", "pre_assessed", "post_assessed"],
        total=total,
        chain=[("teachers", "cycles")],
        extra=_evidence_shares,
    )


@dataclass
class Usage:
    months: list[datetime.date]
    rows: list[tuple[str, list[int | None]]]
    """Per mapped tool: average students a week using it, per month (None: hidden, or no use that month)."""
    min_size: int
    without_data: list[str] = field(default_factory=list)
    """Mapped tools the usage exports never mention."""

    def chart(self) -> dict[str, Any] | None:
        if not any(v is not None for _, values in self.rows for v in values):
            return None
        return {
            "type": "line",
            "labels": [f"{m:%B %Y}" for m in self.months],
            "series": [{"label": name, "values": values} for name, values in self.rows[:8]],
            "min": 0,
            "axis": "Students a week",
            "summary": "Line chart of how many students a week used each tool on the schools' technology maps, "
            "month by month. The table below gives the same figures.",
        }


def tool_usage(f: Filters) -> Usage:
    """Students a week in each tool on the technology maps of the schools in view, by month (from
    the usage summaries); a month's figure about fewer students than the minimum is hidden."""
    tools = Tool.objects.filter(school__in=f.school_ids).order_by("name")
    shown_name: dict[str, str] = {}
    for t in tools:
        shown_name.setdefault(t.usage_key, t.name)
    names = sorted(shown_name, key=lambda key: shown_name[key].lower())
    cells = (
        UsageCell.objects.filter(
            school__in=f.school_ids, tool__in=names, week__gte=f.period.start, week__lte=f.period.end
        )
        .annotate(month=TruncMonth("week"))
        .values("tool", "month")
        .annotate(students=Sum("students"), weeks=Count("week", distinct=True))
        .order_by("month")
    )
    found: dict[tuple[str, datetime.date], int] = {}
    for r in cells:
        found[(r["tool"], _day(r["month"]))] = round(r["students"] / r["weeks"]) if r["weeks"] else 0
    months = sorted({m for _, m in found})
    rows = []
    with_data = {tool for tool, _ in found}
    for name in names:
        if name not in with_data:
            continue
        values = []
        for m in months:
            n = found.get((name, m))
            values.append(None if n is None or privacy.rate_hidden(n, f.min_size) else n)
        rows.append((shown_name[name], values))
    return Usage(months, rows, f.min_size, [shown_name[n] for n in names if n not in with_data])


# --- equity: use of the mapped tools by student group -----------------------------------------------

EQUITY_COLUMNS = [
    Column("enrolled", "Students enrolled"),
    Column("students", "Students using a mapped tool"),
    Column("student_weeks", "Student-weeks of use"),
    Column("minutes", "Minutes"),
]
EQUITY_NOTE = (
    "From the per-student usage exports and the roster's student groups. A student is in one race and "
    "one gender group (those rows add up to all students) and may be in any of English learners, students "
    "with disabilities and economically disadvantaged. Cycles' student evidence is recorded as class counts "
    "(how many students met the target), not per student, so it cannot be split by group."
)


def _on_own_map() -> Exists:
    """A usage row's tool is on the technology map of the student's own school (the tool's
    `usage_key`, in SQL: the usage name, or the name when it is blank, trimmed and lower-cased;
    compared without case, as the exports store it either way)."""
    key = Lower(
        Trim(Case(When(usage_name="", then=F("name")), default=F("usage_name"), output_field=CharField()))
    )
    return Exists(
        Tool.objects.filter(school=OuterRef("student__school"))
        .annotate(key=key)
        .filter(key=Lower(Trim(OuterRef("tool"))))
    )


def _equity_extra(_key: object, v: Mapping[str, int]) -> dict[str, Any]:
    weeks = v.get("student_weeks") or 0
    return {
        "using_percent": percent.share(v.get("students") or 0, v.get("enrolled") or 0),
        "minutes_per_week": round((v.get("minutes") or 0) / weeks, 1) if weeks else None,
    }


def equity_counts(f: Filters) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """Per student group, and for all students of the schools in view: students enrolled; students
    who used a tool on their own school's technology map in the period; their student-weeks of use (a
    student using two tools in one week counts once) and minutes. Two queries, each one aggregate
    with a filtered count per group."""
    groups = [g for g in GROUPS if g.field is not None]

    def where(prefix: str, g: Any) -> Q:
        return Q(**{f"{prefix}{g.field}": g.value})

    enrolled = Student.objects.filter(school__in=f.school_ids).aggregate(
        __all=Count("id"), **{f"e{i}": Count("id", filter=where("", g)) for i, g in enumerate(groups)}
    )
    usage = UsageWeek.objects.filter(
        _on_own_map(),
        student__school__in=f.school_ids,
        week__gte=f.period.start,
        week__lte=f.period.end,
    )
    # Each row's minutes rounded before summing, so the groups' minutes add up to the total exactly
    # (the audit holds the table to its sums).
    whole_minutes = Round("minutes")
    student_week = Concat(Cast("student_id", CharField()), Value(":"), Cast("week", CharField()))
    measures: dict[str, Any] = {
        "s_all": Count("student", distinct=True),
        "w_all": Count(student_week, distinct=True),
        "m_all": Sum(whole_minutes),
    }
    for i, g in enumerate(groups):
        q = where("student__", g)
        measures[f"s{i}"] = Count("student", distinct=True, filter=q)
        measures[f"w{i}"] = Count(student_week, distinct=True, filter=q)
        measures[f"m{i}"] = Sum(whole_minutes, filter=q)
    used = usage.aggregate(**measures)

    def figures(e: Any, s: Any, w: Any, m: Any) -> dict[str, int]:
        return {
            "enrolled": int(e or 0),
            "students": int(s or 0),
            "student_weeks": int(w or 0),
            "minutes": round(m or 0),
        }

    data = {
        g.code: figures(enrolled[f"e{i}"], used[f"s{i}"], used[f"w{i}"], used[f"m{i}"])
        for i, g in enumerate(groups)
    }
    total = figures(enrolled["__all"], used["s_all"], used["w_all"], used["m_all"])
    return data, total


def equity_table(f: Filters) -> Table:
    """Use of the mapped tools by student group. Counts students, so every row needs the minimum
    group size of students enrolled and of students using; the race and gender groups each add up
    to all students (complementary suppression along those lines); every group is also hidden when
    the students outside it would be 1 to min−1 (the total minus the group); the audit then hides
    more until no hidden figure can be worked out. A group with no students in view is left out."""
    data, total = equity_counts(f)
    kept: dict[object, Mapping[str, int]] = {code: v for code, v in data.items() if v["enrolled"]}
    partitions = [tuple(c for c in codes if c in kept) for codes in group_partitions().values()]
    return protected_table(
        "equity",
        "Use of the mapped tools by student group",
        "Student group",
        list(EQUITY_COLUMNS),
        kept,
        labels={code: group_label(str(code)) for code in kept},
        min_size=f.min_size,
        people=["enrolled", "students"],
        total=total,
        chain=[("students", "enrolled"), ("students", "student_weeks")],
        extra=_equity_extra,
        note=EQUITY_NOTE,
        # The students outside a group are the total minus the group: as good as a row of their own.
        unfiltered=dict.fromkeys(kept, total),
        partitions=[p for p in partitions if p],
        unit="students",
    )


# --- impact: the headline coaching estimate --------------------------------------------------------


@dataclass(frozen=True)
class ImpactHeadline:
    """The impact page's first estimate (coaching, all students) for the dashboard's filters."""

    school: School | None
    outcome: impact_queries.Outcome | None
    row: impact_report.Row | None
    query: str
    """The impact page's query string for the same estimate."""


def impact_headline(user: AnyUser, f: Filters) -> ImpactHeadline | None:
    """The coaching estimate the impact page leads with, for the school chosen (or the district),
    with the impact page's default outcome and method; None for whoever the impact page refuses.
    One fit of the estimator without the breakdowns: about 0.07 s on the demo district."""
    if not access.may_open(user, "impact:index"):
        return None
    try:
        scope = impact_scope(user, str(f.school.pk) if f.school else None)
    except PermissionDenied:
        return None
    options = impact_queries.outcomes(scope.district)
    outcome = options[0] if options else None
    row = impact_report.headline(scope.district, outcome, "adjusted", scope.school)
    parts = [f"outcome={outcome.key}" if outcome else "", "method=adjusted"]
    if scope.school is not None:
        parts.append(f"school={scope.school.pk}")
    return ImpactHeadline(scope.school, outcome, row, "&".join(p for p in parts if p))


# --- the whole page -------------------------------------------------------------------------------


@dataclass
class Dashboard:
    filters: Filters
    reach: list[Table]
    time: TimeShare | None
    alignment: Table
    goals: list[GoalLine]
    indicators: list[IndicatorLine]
    evidence: Table
    usage: Usage
    without_coaching: list[str]
    equity: Table

    def tables(self) -> dict[str, Table]:
        return {t.slug: t for t in [*self.reach, self.alignment, self.evidence, self.equity]}

    def reach_chart(self) -> dict[str, Any] | None:
        by_school = self.reach[0]
        rows = [r for r in by_school.rows if not r.hidden]
        if not rows or not any(r.values.get("asked") for r in rows):
            return None
        return {
            "type": "bar",
            "labels": [r.label for r in rows],
            "series": [
                {"label": c.label, "values": [r.values.get(c.key, 0) for r in rows]}
                for c in REACH_COLUMNS[:4]
            ],
            "min": 0,
            "axis": "Teachers",
            "summary": "Bar chart of teachers who asked, were matched, started and finished a cycle, by school. "
            "The table below gives the same figures; hidden schools are left out.",
        }


def dashboard(user: AnyUser, f: Filters) -> Dashboard:
    groupings: Iterable[str] = ("school", "quadrant", "grade_band", "coach_type")
    reach = [reach_table(f, g) for g in groupings]
    goals = goals_in_view(f)
    alignment = alignment_table(f, goals)
    return Dashboard(
        f,
        reach,
        time_share(user, f),
        alignment,
        goal_lines(user, goals, alignment),
        indicator_lines(user, goals),
        evidence_table(f),
        tool_usage(f),
        goals_without_coaching(alignment),
        equity_table(f),
    )
