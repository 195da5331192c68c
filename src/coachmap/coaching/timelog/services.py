"""Writes for the time log: confirm a week, import a calendar. One transaction each."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coachmap.coaching.models import (
    CalendarEvent,
    TimeEntry,
    TimeWeek,
)
from coachmap.coaching.timelog import ics, timeshare
from coachmap.core.models import Coach
from coachmap.core.schoolyear import school_year_bounds, school_year_of


def time_week_confirm(
    *,
    coach: Coach,
    week: datetime.date,
    minutes: Mapping[tuple[datetime.date, str], int],
    today: datetime.date | None = None,
) -> TimeWeek:
    """The coach confirms a week of their time log: minutes by day and category replace the week's entries."""
    today = today or timezone.localdate()
    if week.weekday() != 0:
        raise ValidationError("A time-log week starts on a Monday.")
    if week > today:
        raise ValidationError("This week has not started yet; confirm it once it has.")
    days = timeshare.week_days(week)
    per_day: dict[datetime.date, int] = dict.fromkeys(days, 0)
    for (day, category), value in minutes.items():
        if day not in per_day:
            raise ValidationError(f"{day:%A %B %-d} is not a working day of the week of {week:%B %-d}.")
        if category not in timeshare.CATEGORIES:
            raise ValidationError(f"“{category}” is not a time-log category.")
        if value < 0:
            raise ValidationError(f"Minutes cannot be negative ({day:%A}, {category}).")
        per_day[day] += value
    for day, total in per_day.items():
        if total > timeshare.MAX_MINUTES_A_DAY:
            raise ValidationError(
                f"{day:%A} adds up to {total / 60:.1f} hours; check the figures (at most "
                f"{timeshare.MAX_MINUTES_A_DAY // 60} hours a day)."
            )
    with transaction.atomic():
        TimeEntry.objects.filter(coach=coach, date__in=days).delete()
        TimeEntry.objects.bulk_create(
            TimeEntry(coach=coach, date=day, category=category, minutes=value)
            for (day, category), value in sorted(minutes.items())
            if value
        )
        confirmed, _ = TimeWeek.objects.update_or_create(
            coach=coach, week=week, defaults={"confirmed_at": timezone.now()}
        )
    return confirmed


@dataclass
class CalendarImport:
    events: int = 0
    counted: int = 0
    all_day: int = 0
    sessions: int = 0
    minutes: dict[str, int] = field(default_factory=dict)
    since: datetime.date | None = None
    until: datetime.date | None = None


def calendar_import(*, coach: Coach, data: bytes, today: datetime.date | None = None) -> CalendarImport:
    """Read a coach's .ics file into suggestions for this school year's time log. Importing again
    replaces the earlier import, so it can be repeated whenever the calendar changes."""
    today = today or timezone.localdate()
    since = school_year_bounds(school_year_of(today))[0]
    until = school_year_bounds(school_year_of(today) + 1)[0]
    try:
        occurrences = ics.read_calendar(data, tz=ZoneInfo(settings.TIME_ZONE), start=since, end=until)
    except ics.CalendarError as exc:
        raise ValidationError({"calendar": str(exc)}) from exc
    report = CalendarImport(events=len(occurrences), since=since, until=until)
    for occurrence in occurrences:
        if occurrence.all_day:
            report.all_day += 1
        elif occurrence.category is None:
            report.sessions += 1
        else:
            report.counted += 1
    for (_, category), value in ics.minutes_by_day(occurrences).items():
        report.minutes[category] = report.minutes.get(category, 0) + value
    start_at = datetime.datetime.combine(since, datetime.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))
    end_at = datetime.datetime.combine(until, datetime.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))
    with transaction.atomic():
        CalendarEvent.objects.filter(coach=coach, start__gte=start_at, start__lt=end_at).delete()
        CalendarEvent.objects.bulk_create(
            CalendarEvent(
                coach=coach,
                uid=o.uid[:300],
                start=o.start,
                end=o.end,
                all_day=o.all_day,
                summary=o.summary,
                category=o.category or "",
            )
            for o in occurrences
        )
    return report
