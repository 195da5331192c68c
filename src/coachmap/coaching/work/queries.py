"""Reads for cycle work, scoped through `core.access`: a cycle's facts, evidence and check-ins,
reminders for quiet cycles, tool usage for a cycle's class, the weekly time grid and the team's
time shares."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Lower, TruncWeek

from coachmap.coaching.models import (
    CalendarEvent,
    CoachingCycle,
    CoachingSession,
    CycleStatus,
    EvidenceKind,
    FidelityCheckIn,
    StudentEvidence,
    TimeCategory,
    TimeEntry,
    TimeWeek,
)
from coachmap.coaching.work import ics, rules, timeshare
from coachmap.core import access
from coachmap.core.access import AnyUser
from coachmap.core.models import Coach
from coachmap.library.tags import normalise

# --- a cycle ---------------------------------------------------------------------------------------


def cycle_facts(cycle: CoachingCycle) -> rules.CycleFacts:
    """What the stage and closing rules need to know, read from the database."""
    kinds = set(StudentEvidence.objects.filter(cycle=cycle).values_list("kind", flat=True))
    types = frozenset(CoachingSession.objects.filter(cycle=cycle).values_list("session_type", flat=True))
    return rules.CycleFacts(
        stage=cycle.stage,
        active=cycle.status == CycleStatus.ACTIVE,
        learning_target=cycle.learning_target,
        has_pre_evidence=EvidenceKind.PRE in kinds,
        has_post_evidence=EvidenceKind.POST in kinds,
        look_fors=len(cycle.look_fors),
        session_types=types,
    )


@dataclass(frozen=True)
class EvidenceSummary:
    pre: list[StudentEvidence]
    post: list[StudentEvidence]

    @property
    def rows(self) -> list[StudentEvidence]:
        return [*self.pre, *self.post]

    @property
    def baseline(self) -> StudentEvidence | None:
        return self.pre[0] if self.pre else None

    @property
    def latest(self) -> StudentEvidence | None:
        return self.post[-1] if self.post else None

    @property
    def change(self) -> float | None:
        """Percentage points between the first baseline and the latest after-measure."""
        return rules.evidence_change(
            self.baseline.share if self.baseline else None, self.latest.share if self.latest else None
        )


def cycle_evidence(user: AnyUser, cycle: CoachingCycle) -> EvidenceSummary:
    rows = list(access.evidence_visible_to(user).filter(cycle=cycle).order_by("measured_on", "id"))
    return EvidenceSummary(
        [e for e in rows if e.kind == EvidenceKind.PRE], [e for e in rows if e.kind == EvidenceKind.POST]
    )


def cycle_checkins(user: AnyUser, cycle: CoachingCycle) -> list[FidelityCheckIn]:
    """Check-ins for the teacher and the coach; nobody else gets any."""
    return list(access.checkins_visible_to(user).filter(cycle=cycle).order_by("-date", "-id"))


def with_last_touch(cycles: QuerySet[CoachingCycle]) -> QuerySet[CoachingCycle]:
    """Annotate the latest session, check-in and evidence day of each cycle (one subquery each)."""

    def latest(model: Any, field: str) -> Subquery:
        return Subquery(model.objects.filter(cycle=OuterRef("pk")).order_by(f"-{field}").values(field)[:1])

    return cycles.annotate(
        last_session=latest(CoachingSession, "date"),
        last_checkin=latest(FidelityCheckIn, "date"),
        last_evidence=latest(StudentEvidence, "measured_on"),
    )


@dataclass(frozen=True)
class Reminder:
    cycle: CoachingCycle
    last_touch: datetime.date
    staleness: rules.Staleness
    quiet_days: int


def reminder_for(cycle: CoachingCycle, today: datetime.date) -> Reminder:
    touch = rules.last_touch(
        cycle.opened_on,
        cycle.stage_changed_on,
        getattr(cycle, "last_session", None),
        getattr(cycle, "last_checkin", None),
        getattr(cycle, "last_evidence", None),
    )
    return Reminder(cycle, touch, rules.staleness(touch, today), (today - touch).days)


def reminders(coach: Coach, today: datetime.date) -> list[Reminder]:
    """The coach's active cycles that have gone quiet, the quietest first."""
    cycles = with_last_touch(
        CoachingCycle.objects.filter(coach=coach, status=CycleStatus.ACTIVE).select_related("teacher__user")
    )
    found = [reminder_for(c, today) for c in cycles]
    return sorted((r for r in found if r.staleness is not rules.Staleness.OK), key=lambda r: r.last_touch)


def overdue_counts(coaches: QuerySet[Coach], today: datetime.date) -> dict[int, int]:
    """Active cycles per coach that are overdue, for the program lead's team page."""
    counts: dict[int, int] = {}
    cycles = with_last_touch(CoachingCycle.objects.filter(coach__in=coaches, status=CycleStatus.ACTIVE))
    for cycle in cycles:
        if reminder_for(cycle, today).staleness is rules.Staleness.OVERDUE:
            counts[cycle.coach_id] = counts.get(cycle.coach_id, 0) + 1
    return counts


@dataclass(frozen=True)
class UsageWeekRow:
    week: datetime.date
    students: int
    minutes: int


@dataclass(frozen=True)
class ToolUsage:
    tool: str
    weeks: list[UsageWeekRow]


def tool_usage(user: AnyUser, cycle: CoachingCycle, today: datetime.date, weeks: int = 6) -> list[ToolUsage]:
    """Weekly use of the cycle's tools by the teacher's own students, from imported usage data.

    For the teacher and the coach only (it describes one class). Tools match by normalised name.
    """
    if not access.may_read_notes(user, cycle) or not cycle.tools:
        return []
    from coachmap.roster.models import Enrollment, UsageWeek

    taught = Enrollment.objects.filter(teacher=cycle.teacher).values("klass")
    students = Enrollment.objects.filter(klass__in=taught, student__isnull=False).values("student")
    keys = {normalise(t): t for t in cycle.tools}
    since = timeshare.monday(today) - datetime.timedelta(weeks=weeks - 1)
    rows = (
        UsageWeek.objects.filter(student__in=students, week__gte=since, week__lte=today)
        .annotate(key=Lower("tool"))
        .filter(key__in=list(keys))
        .values("key", "week")
        .annotate(students=Count("student", distinct=True), minutes=Sum("minutes"))
        .order_by("key", "week")
    )
    by_tool: dict[str, list[UsageWeekRow]] = {}
    for row in rows:
        by_tool.setdefault(row["key"], []).append(
            UsageWeekRow(row["week"], row["students"], round(row["minutes"] or 0))
        )
    return [ToolUsage(keys[key], by_tool[key]) for key in keys if key in by_tool]


# --- the time log -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GridRow:
    category: str
    label: str
    coaching: bool
    cells: list[int]

    @property
    def total(self) -> int:
        return sum(self.cells)


@dataclass(frozen=True)
class Grid:
    coach: Coach
    week: datetime.date
    days: list[datetime.date]
    rows: list[GridRow]
    confirmed: TimeWeek | None
    sessions: int
    calendar_events: int

    @property
    def day_totals(self) -> list[int]:
        return [sum(row.cells[i] for row in self.rows) for i in range(len(self.days))]

    @property
    def shares(self) -> timeshare.Shares:
        return timeshare.shares({row.category: row.total for row in self.rows})

    @property
    def previous(self) -> datetime.date:
        return self.week - datetime.timedelta(days=7)

    @property
    def next(self) -> datetime.date:
        return self.week + datetime.timedelta(days=7)


def _suggested(
    coach: Coach, days: list[datetime.date]
) -> tuple[dict[tuple[datetime.date, str], int], int, int]:
    """Minutes by (day, category) from logged sessions and the imported calendar."""
    values: dict[tuple[datetime.date, str], int] = {}
    sessions = (
        CoachingSession.objects.filter(cycle__coach=coach, date__in=days)
        .values("date", "session_type")
        .annotate(minutes=Sum("minutes"), n=Count("id"))
    )
    n_sessions = 0
    for row in sessions:
        values[(row["date"], row["session_type"])] = row["minutes"]
        n_sessions += row["n"]
    tz = ZoneInfo(settings.TIME_ZONE)
    start = datetime.datetime.combine(days[0], datetime.time(), tzinfo=tz)
    end = datetime.datetime.combine(days[-1] + datetime.timedelta(days=1), datetime.time(), tzinfo=tz)
    events = CalendarEvent.objects.filter(coach=coach, start__lt=end, end__gt=start, all_day=False).exclude(
        category=""
    )
    occurrences = [
        ics.Occurrence(e.uid, e.start.astimezone(tz), e.end.astimezone(tz), False, e.summary, e.category)
        for e in events
    ]
    for key, minutes in ics.minutes_by_day(occurrences).items():
        if key[0] in days:
            values[key] = values.get(key, 0) + minutes
    return values, n_sessions, len(occurrences)


def week_grid(user: AnyUser, coach: Coach, week: datetime.date) -> Grid:
    """The coach's week by category and day: what they confirmed, or else what their sessions and
    calendar suggest, ready to confirm."""
    access.require(
        access.time_log_coaches_for(user).filter(pk=coach.pk).exists(),
        "This time log is not part of your role.",
    )
    week = timeshare.monday(week)
    days = timeshare.week_days(week)
    confirmed = TimeWeek.objects.filter(coach=coach, week=week).first()
    sessions = calendar_events = 0
    if confirmed is not None:
        values = {
            (e.date, e.category): e.minutes for e in TimeEntry.objects.filter(coach=coach, date__in=days)
        }
    else:
        values, sessions, calendar_events = _suggested(coach, days)
    rows = [
        GridRow(
            category,
            label,
            timeshare.is_coaching(category),
            [values.get((day, category), 0) for day in days],
        )
        for category, label in TimeCategory.choices
    ]
    return Grid(coach, week, days, rows, confirmed, sessions, calendar_events)


@dataclass(frozen=True)
class CoachTime:
    coach: Coach
    weeks: list[tuple[datetime.date, float | None]]
    target: int
    warning: bool
    overdue: int = 0

    @property
    def recent(self) -> list[int | None]:
        """Whole percent coaching for each week shown, oldest first."""
        return [None if share is None else round(share) for _, share in self.weeks]


def _weekly_shares(coach_ids: list[int], since: datetime.date) -> dict[int, dict[datetime.date, float]]:
    rows = (
        TimeEntry.objects.filter(coach_id__in=coach_ids, date__gte=since)
        .annotate(week=TruncWeek("date"))
        .values("coach_id", "week")
        .annotate(
            total=Sum("minutes"),
            coaching=Sum("minutes", filter=Q(category__in=timeshare.COACHING_CATEGORIES)),
        )
    )
    shares: dict[int, dict[datetime.date, float]] = {}
    for row in rows:
        week = row["week"].date() if isinstance(row["week"], datetime.datetime) else row["week"]
        if row["total"]:
            shares.setdefault(row["coach_id"], {})[week] = 100 * (row["coaching"] or 0) / row["total"]
    return shares


def coaches_time(
    user: AnyUser, coaches: QuerySet[Coach], today: datetime.date, weeks: int = 4
) -> list[CoachTime]:
    """Share of logged time spent coaching per finished week, and the two-week warning, per coach."""
    allowed = coaches.filter(pk__in=access.time_log_coaches_for(user)).select_related("user", "district")
    this_week = timeshare.monday(today)
    shown = [this_week - datetime.timedelta(days=7 * k) for k in range(weeks, 0, -1)]
    listed = list(allowed)
    shares = _weekly_shares([c.pk for c in listed], shown[0])
    overdue = overdue_counts(allowed, today)
    result = []
    for coach in listed:
        mine = shares.get(coach.pk, {})
        series = [(w, mine.get(w)) for w in shown]
        target = coach.district.coaching_time_target
        warning = timeshare.below_target_two_weeks(series, target, this_week)
        result.append(CoachTime(coach, series, target, warning, overdue.get(coach.pk, 0)))
    return result


def minutes_by_category(coach: Coach, since: datetime.date, until: datetime.date) -> dict[str, int]:
    """Confirmed minutes per time category between two days (inclusive)."""
    rows = (
        TimeEntry.objects.filter(coach=coach, date__gte=since, date__lte=until)
        .values("category")
        .annotate(minutes=Sum("minutes"))
    )
    return {row["category"]: row["minutes"] or 0 for row in rows}


def last_session_day(coach: Coach) -> datetime.date | None:
    return CoachingSession.objects.filter(cycle__coach=coach).aggregate(d=Max("date"))["d"]
