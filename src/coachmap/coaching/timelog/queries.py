"""Reads for the time log: the week grid prefilled from sessions and calendar, each coach's share of time coaching."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncWeek

from coachmap.coaching.cycles.queries import overdue_counts
from coachmap.coaching.lighter import queries as lighter_queries
from coachmap.coaching.models import (
    CalendarEvent,
    CoachingSession,
    GroupSession,
    OfferingSession,
    OfferingStatus,
    TimeCategory,
    TimeEntry,
    TimeWeek,
)
from coachmap.coaching.timelog import ics, timeshare
from coachmap.core import access
from coachmap.core.access import AnyUser
from coachmap.core.models import Coach


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
        return timeshare.shares(
            {row.category: row.total for row in self.rows}, self.coach.district.time_counted
        )

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
    # Group cycles' shared sessions count as the same kinds of coaching (issue 16).
    for row in (
        GroupSession.objects.filter(group__coach=coach, date__in=days)
        .values("date", "session_type")
        .annotate(minutes=Sum("minutes"), n=Count("id"))
    ):
        key = (row["date"], row["session_type"])
        values[key] = values.get(key, 0) + row["minutes"]
        n_sessions += row["n"]
    # Micro-coaching logged without a cycle (a lighter support) is micro-coaching time too.
    for day, minutes in lighter_queries.micro_minutes_by_day(coach, days).items():
        values[(day, "micro")] = values.get((day, "micro"), 0) + minutes
    tz = ZoneInfo(settings.TIME_ZONE)
    # Professional learning the coach presents counts as "PD the coach delivers", a coaching category.
    for offering_session in OfferingSession.objects.filter(
        offering__presenter_coach=coach,
        offering__status=OfferingStatus.OPEN,
        starts_at__gte=datetime.datetime.combine(days[0], datetime.time(), tzinfo=tz),
        starts_at__lt=datetime.datetime.combine(
            days[-1] + datetime.timedelta(days=1), datetime.time(), tzinfo=tz
        ),
    ).only("starts_at", "minutes"):
        key = (offering_session.starts_at.astimezone(tz).date(), TimeCategory.PD_DELIVERED.value)
        values[key] = values.get(key, 0) + offering_session.minutes
        n_sessions += 1
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
            timeshare.is_coaching(category, coach.district.time_counted),
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


def _weekly_shares(coaches: list[Coach], since: datetime.date) -> dict[int, dict[datetime.date, float]]:
    """Share of logged minutes spent coaching per coach and week, by each coach's district's rule
    of which coaching-related categories count (summed in SQL by category, a few rows a week)."""
    counted = {c.pk: timeshare.counted_categories(c.district.time_counted) for c in coaches}
    rows = (
        TimeEntry.objects.filter(coach_id__in=list(counted), date__gte=since)
        .annotate(week=TruncWeek("date"))
        .values("coach_id", "week", "category")
        .annotate(minutes=Sum("minutes"))
    )
    totals: dict[tuple[int, datetime.date], list[int]] = {}
    for row in rows:
        week = row["week"].date() if isinstance(row["week"], datetime.datetime) else row["week"]
        pair = totals.setdefault((row["coach_id"], week), [0, 0])
        pair[0] += row["minutes"] or 0
        if row["category"] in counted[row["coach_id"]]:
            pair[1] += row["minutes"] or 0
    shares: dict[int, dict[datetime.date, float]] = {}
    for (coach_id, week), (total, coaching) in totals.items():
        if total:
            shares.setdefault(coach_id, {})[week] = 100 * coaching / total
    return shares


def coaches_time(
    user: AnyUser, coaches: QuerySet[Coach], today: datetime.date, weeks: int = 4
) -> list[CoachTime]:
    """Share of logged time spent coaching per finished week, and the two-week warning, per coach."""
    allowed = coaches.filter(pk__in=access.time_log_coaches_for(user)).select_related("user", "district")
    this_week = timeshare.monday(today)
    shown = [this_week - datetime.timedelta(days=7 * k) for k in range(weeks, 0, -1)]
    listed = list(allowed)
    shares = _weekly_shares(listed, shown[0])
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
