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
# What one import may expand to. A school year of a busy coach's calendar is ~10 events a school
# day, ~2,000 occurrences; a file that expands to more is refused, not truncated.
MAX_OCCURRENCES = 4_000
# Steps the recurrence library may take to reach the school year: it walks a rule from its first
# occurrence, so a daily rule begun in year 1 costs minutes before it yields anything.
MAX_RULE_STEPS = 200_000
_TOO_OFTEN = {"SECONDLY": "every second", "MINUTELY": "every minute", "HOURLY": "every hour"}
_PERIOD_DAYS = {"YEARLY": 365.25, "MONTHLY": 30.44, "WEEKLY": 7.0, "DAILY": 1.0}
_EXPANDING = ("BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY", "BYHOUR", "BYMINUTE", "BYSECOND")


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
    # Delivering PD to a team is PD, not the team's meeting.
    ("pd", re.compile(r"\b(present\w*|workshop)\b")),
    # After subbing, testing and delivering PD, before "meeting" (admin) and "training"/"professional learning" (PD): a
    # committee, a grade-level team or PLC, and the coach's own learning are coaching-related time
    # (docs/time-log.md).
    (
        "committee",
        re.compile(
            r"\b(leadership (committee|team)|committee|site council|school improvement team|building leadership)\b"
        ),
    ),
    (
        "plc",
        re.compile(
            r"\b(plcs?|professional learning communit\w*|grade[- ]level( team)?|grade (\d+|k|[a-z]+) team"
            r"|(\d+(st|nd|rd|th)|kindergarten|k) grade team|department meeting|team meeting|data team)\b"
        ),
    ),
    (
        "learning",
        re.compile(
            r"\b(book stud\w*|book club|webinar|(?<!parent )(?<!parent-teacher )conference|course|certification|coach(es|ing)? network"
            r"|own learning|coaching institute)\b"
        ),
    ),
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


def read_calendar(data: bytes, *, tz: ZoneInfo, start: datetime.date, end: datetime.date) -> list[Occurrence]:  # noqa: PLR0912 - each branch refuses one kind of bad calendar
    """Every occurrence between `start` (inclusive) and `end` (exclusive), in `tz`, by start time."""
    if len(data) > MAX_BYTES:
        raise CalendarError(
            f"The calendar file is larger than {MAX_BYTES // (1024 * 1024)} MB; export a shorter range."
        )
    if b"BEGIN:VCALENDAR" not in data[:4096].upper():
        raise CalendarError("This is not an iCalendar (.ics) file: it does not start with BEGIN:VCALENDAR.")
    try:
        calendar = icalendar.Calendar.from_ical(data)
        for event in calendar.walk("VEVENT"):
            _check_repetition(event, end)
        events = _expand(calendar, start, end)
    except CalendarError:
        raise
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


def _title(event: icalendar.cal.Component) -> str:
    summary = str(event.get("SUMMARY", "")).strip()[:80] or "(no title)"
    start = event.get("DTSTART")
    when = (
        f", starting {start.dt.isoformat()[:10]}" if start is not None and hasattr(start.dt, "year") else ""
    )
    return f"“{summary}”{when}"


def _check_repetition(event: icalendar.cal.Component, end: datetime.date) -> None:
    """Refuse a repeating event that could expand to more than a time log can use, naming it."""
    rules = event.get("RRULE")
    for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
        freq = str((rule.get("FREQ") or [""])[0]).upper()
        if freq in _TOO_OFTEN:
            raise CalendarError(
                f"The event {_title(event)} repeats {_TOO_OFTEN[freq]} (FREQ={freq}). A time log reads "
                "events that repeat at most daily: change or delete that event in your calendar, "
                "export it again and upload the new file."
            )
        if freq not in _PERIOD_DAYS:
            continue
        start = event.get("DTSTART")
        first = start.dt if start is not None else end
        first = first.date() if isinstance(first, datetime.datetime) else first
        interval = max(int((rule.get("INTERVAL") or [1])[0]), 1)
        steps = max((end - first).days, 0) / _PERIOD_DAYS[freq] / interval + 1
        for part in _EXPANDING:
            steps *= max(len(rule.get(part) or []), 1)
        if steps > MAX_RULE_STEPS:
            raise CalendarError(
                f"The event {_title(event)} repeats too often over too long a time to read "
                f"(about {int(steps):,} repetitions before this school year ends). Shorten it in your "
                "calendar — start it this school year, or repeat it less often — and upload again."
            )


def _expand(
    calendar: icalendar.Calendar, start: datetime.date, end: datetime.date
) -> list[icalendar.cal.Component]:
    """Occurrences between start and end, expanded one at a time so that a file which would expand
    to more than MAX_OCCURRENCES stops there, naming the event that ran over."""
    query = recurring_ical_events.of(calendar)
    span_start, span_end = query.to_datetime(start), query.to_datetime(end)
    found: list[icalendar.cal.Component] = []
    for series in query.series:
        for occurrence in series.between(span_start, span_end):
            found.append(occurrence.as_component(False))
            if len(found) > MAX_OCCURRENCES:
                raise CalendarError(
                    f"The calendar holds more than {MAX_OCCURRENCES:,} events in this school year (the "
                    f"event {_title(found[-1])} went over). Export a shorter range or a calendar with "
                    "only your working events, and upload again."
                )
    return found


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
