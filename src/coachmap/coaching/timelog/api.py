"""The time log through the API (issue 20): the coach's week, as on the week page, and the program
lead's team view. The same queries and services as the pages."""

import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from coachmap.coaching.timelog import queries, services, timeshare
from coachmap.coaching.timelog.models import TimeCategory
from coachmap.core import access
from coachmap.core.models import Role

router = Router(tags=["time log"])

# A day a time log can hold: the page reads its week the same way (a year 9999 is no week).
Day = Annotated[datetime.date, Field(ge=datetime.date(2000, 1, 1), le=datetime.date(2100, 12, 31))]


class TimeRowOut(Schema):
    category: str
    label: str
    coaching: bool
    minutes: list[int]
    total: int


class WeekOut(Schema):
    week: datetime.date
    days: list[datetime.date]
    confirmed: bool
    sessions: int
    calendar_events: int
    rows: list[TimeRowOut]


def _coach(request: HttpRequest, page: str) -> Any:
    access.require(access.may_open(request.user, page), "The time log is the coach's own.")
    return request.user.coach  # type: ignore[union-attr]


def _week_out(request: HttpRequest, week: datetime.date) -> dict[str, Any]:
    grid = queries.week_grid(request.user, _coach(request, "coaching:time-week"), week)
    return {
        "week": grid.week,
        "days": grid.days,
        "confirmed": grid.confirmed is not None,
        "sessions": grid.sessions,
        "calendar_events": grid.calendar_events,
        "rows": [
            {
                "category": r.category,
                "label": r.label,
                "coaching": r.coaching,
                "minutes": r.cells,
                "total": r.total,
            }
            for r in grid.rows
        ],
    }


@router.get("/time/week", response=WeekOut)
def time_week(request: HttpRequest, week: Day | None = None) -> dict[str, Any]:
    """The coach's week (the Monday of `week`, this week by default), minutes by category and day:
    confirmed entries, or else what sessions and the calendar suggest."""
    return _week_out(request, timeshare.monday(week or timezone.localdate()))


class CellIn(Schema):
    day: Day
    category: TimeCategory
    minutes: int = Field(..., ge=0, le=24 * 60)


class WeekIn(Schema):
    week: Day
    entries: list[CellIn] = Field(..., max_length=7 * len(TimeCategory))


@router.post("/time/week", response=WeekOut)
def time_week_confirm(request: HttpRequest, payload: WeekIn) -> dict[str, Any]:
    """Confirm a week (it starts on a Monday): the minutes replace the week's entries."""
    coach = _coach(request, "coaching:time-week")
    services.time_week_confirm(
        coach=coach,
        week=payload.week,
        minutes={(e.day, e.category.value): e.minutes for e in payload.entries},
    )
    return _week_out(request, payload.week)


class CoachWeekOut(Schema):
    week: datetime.date
    coaching_percent: int | None


class CoachTimeOut(Schema):
    coach: str
    target_percent: int
    below_target_two_weeks: bool
    weeks_not_confirmed: int
    weeks: list[CoachWeekOut]


@router.get("/time/team", response=list[CoachTimeOut])
def time_team(request: HttpRequest) -> list[dict[str, Any]]:
    """The program lead's team: each coach's share of time coaching in the last four finished weeks."""
    access.require(
        access.may_open(request.user, "coaching:time-team"), "The team's time is the program lead's."
    )
    coaches = access.time_log_coaches_for(request.user).filter(
        district_id__in=access.district_ids(request.user, Role.PROGRAM_LEAD)
    )
    return [
        {
            "coach": str(row.coach),
            "target_percent": row.target,
            "below_target_two_weeks": row.warning,
            "weeks_not_confirmed": row.overdue,
            "weeks": [
                {"week": w, "coaching_percent": p} for (w, _), p in zip(row.weeks, row.recent, strict=True)
            ],
        }
        for row in queries.coaches_time(request.user, coaches, timezone.localdate())
    ]


# --- calendar import (issue 20: the page's upload through the API) ----------------------------------


class CalendarImportOut(Schema):
    events: int
    counted: int
    all_day: int
    sessions: int
    minutes: dict[str, int]
    since: datetime.date | None
    until: datetime.date | None


@router.post("/time/calendar", response=CalendarImportOut)
def calendar_import(request: HttpRequest, calendar: File[UploadedFile]) -> services.CalendarImport:
    """The coach sends their calendar (.ics, multipart field `calendar`), as on "Import a calendar":
    this school year's events become suggestions for the time log; sending again replaces the last
    import. A file coachmap cannot read is a 422 naming `calendar`."""
    access.require(
        access.may_open(request.user, "coaching:calendar-import"), "Calendar import is for coaches."
    )
    coach = access.coach_of(request.user)
    assert coach is not None  # noqa: S101 - the role guarantees one
    return services.calendar_import(coach=coach, data=calendar.read(services.ics.MAX_BYTES + 1))
