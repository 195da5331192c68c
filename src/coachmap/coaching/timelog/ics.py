"""Reading a coach's calendar (.ics) into time-log suggestions.

Recurring events are expanded (RRULE, RDATE, EXDATE and moved occurrences), times are turned
into the district's local time whatever zone the event was written in, floating times are read
as local, and all-day events are kept but never counted as working minutes. Each event is given
a guessed category from its title, which the coach confirms on the weekly grid; events that look
like coaching sessions are not counted, because sessions come from the session log.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

MAX_BYTES = 2 * 1024 * 1024


class CalendarError(ValueError):
    """The file cannot be read as a calendar; the message says why, for the person who uploaded it."""


@dataclass(frozen=True)
class Occurrence:
    uid: str
    start: datetime.datetime
    end: datetime.datetime
    all_day: bool
    summary: str
    category: str | None


# Checked in order; the first match wins. `None` means "a coaching session: from the session log".
_RULES: list[tuple[str | None, re.Pattern[str]]] = [
    (
        None,
        re.compile(
            r"\b(co-?teach\w*|co-?plan\w*|observ\w*|modell?ing|model lesson|debrief|micro-?coach\w*)\b"
        ),
    ),
    ("substitute", re.compile(r"\b(sub|subbing|substitut\w*|cover(ing)? (for|class)|coverage)\b")),
    ("testing", re.compile(r"\b(test\w*|proctor\w*|exam\w*|assessment (window|coordination)|map growth)\b")),
    ("supervision", re.compile(r"\b(duty|recess|bus|hallway|arrival|dismissal|supervis\w*|cafeteria)\b")),
    ("pd", re.compile(r"\b(pd|workshop|training|professional (learning|development)|present\w*)\b")),
    ("planning", re.compile(r"\b(plan|planning|prep\w*|prepare)\b")),
    (None, re.compile(r"\b(coach\w*|feedback|reflection)\b")),
    ("admin", re.compile(r"\b(meeting|email\w*|admin\w*|paperwork|report\w*|inventory|data entry)\b")),
]


def categorise(summary: str) -> str | None:
    """A guessed time category for an event title; None for a coaching session."""
    text = summary.casefold()
    for category, pattern in _RULES:
        if pattern.search(text):
            return category
    return "other"


def _as_local(value: datetime.date | datetime.datetime, tz: ZoneInfo) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:  # floating time: the coach's own clock
            return value.replace(tzinfo=tz)
        return value.astimezone(tz)
    return datetime.datetime.combine(value, datetime.time(), tzinfo=tz)


def read_calendar(data: bytes, *, tz: ZoneInfo, start: datetime.date, end: datetime.date) -> list[Occurrence]:
    """Every occurrence between `start` (inclusive) and `end` (exclusive), in `tz`, by start time."""
    if len(data) > MAX_BYTES:
        raise CalendarError(
            f"The calendar file is larger than {MAX_BYTES // (1024 * 1024)} MB; export a shorter range."
        )
    if b"BEGIN:VCALENDAR" not in data[:4096].upper():
        raise CalendarError("This is not an iCalendar (.ics) file: it does not start with BEGIN:VCALENDAR.")
    try:
        calendar = icalendar.Calendar.from_ical(data)
        events = recurring_ical_events.of(calendar).between(start, end)
    except Exception as exc:  # icalendar raises ValueError, KeyError and its own errors for bad input
        raise CalendarError(f"The calendar file could not be read: {exc}") from exc
    found = []
    for event in events:
        if event.name != "VEVENT" or str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        if str(event.get("TRANSP", "")).upper() == "TRANSPARENT" and "DTEND" not in event:
            continue
        dtstart = event.get("DTSTART")
        if dtstart is None:
            continue
        begin_value = dtstart.dt
        all_day = not isinstance(begin_value, datetime.datetime)
        dtend = event.get("DTEND")
        if dtend is not None:
            end_value = dtend.dt
        elif event.get("DURATION") is not None:
            end_value = begin_value + event.get("DURATION").dt
        else:
            end_value = begin_value + (datetime.timedelta(days=1) if all_day else datetime.timedelta())
        summary = str(event.get("SUMMARY", "")).strip()
        begin, finish = _as_local(begin_value, tz), _as_local(end_value, tz)
        if finish < begin:
            continue
        found.append(
            Occurrence(
                uid=str(event.get("UID", "")) or f"no-uid-{begin.isoformat()}",
                start=begin,
                end=finish,
                all_day=all_day,
                summary=summary[:300],
                category=None if all_day else categorise(summary),
            )
        )
    return sorted(found, key=lambda o: (o.start, o.summary))


def minutes_by_day(occurrences: list[Occurrence]) -> dict[tuple[datetime.date, str], int]:
    """Counted minutes per (local day, category). All-day events and sessions count nothing; an event
    that runs past midnight is split between the days."""
    totals: dict[tuple[datetime.date, str], int] = defaultdict(int)
    for occurrence in occurrences:
        if occurrence.all_day or occurrence.category is None:
            continue
        cursor = occurrence.start
        while cursor < occurrence.end:
            next_midnight = datetime.datetime.combine(
                cursor.date() + datetime.timedelta(days=1), datetime.time(), tzinfo=cursor.tzinfo
            )
            piece_end = min(occurrence.end, next_midnight)
            # Timestamps, not wall-clock differences: a day that changes the clocks keeps its real length.
            minutes = round((piece_end.timestamp() - cursor.timestamp()) / 60)
            if minutes:
                totals[(cursor.date(), occurrence.category)] += minutes
            cursor = piece_end
    return dict(totals)
