"""Time-log pages: the coach's week, calendar import, the program lead's team view."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from coachmap.coaching.timelog import forms, queries, services, timeshare
from coachmap.core import access, inputs
from coachmap.core.access import AuthedRequest
from coachmap.core.forms import add_service_errors
from coachmap.core.models import Role


def _week(request: AuthedRequest) -> datetime.date:
    day = inputs.parse_day(request.GET.get("week"), what="week", default=timezone.localdate())
    return timeshare.monday(day)


@access.route_required("coaching:time-week")
def time_week(request: AuthedRequest) -> HttpResponse:
    """The coach's week by category, prefilled from sessions and calendar: confirm rather than retype."""
    coach = request.user.coach
    week = _week(request)
    grid = queries.week_grid(request.user, coach, week)
    values = {(day, row.category): row.cells[i] for row in grid.rows for i, day in enumerate(grid.days)}
    form = forms.TimeGridForm(request.POST or None, week=week, initial_values=values)
    if request.method == "POST" and form.is_valid():
        try:
            services.time_week_confirm(coach=coach, week=week, minutes=form.minutes())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Week of {week:%B %-d} confirmed.")
            return redirect(f"{request.path}?week={week.isoformat()}")
    today = timezone.localdate()
    rows = [
        (row, [(form[forms.TimeGridForm.key(row.category, day)], day) for day in grid.days])
        for row in grid.rows
    ]
    return render(
        request,
        "coaching/timelog/time_week.html",
        {
            "grid": grid,
            "form": form,
            "rows": rows,
            "summary": queries.coaches_time(
                request.user, access.time_log_coaches_for(request.user).filter(pk=coach.pk), today
            )[0],
            "future": week > today,
            "this_week": timeshare.monday(today),
        },
    )


@access.route_required("coaching:calendar-import")
def calendar_import(request: AuthedRequest) -> HttpResponse:
    coach = request.user.coach
    form = forms.CalendarForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["calendar"]
        try:
            report = services.calendar_import(coach=coach, data=upload.read(services.ics.MAX_BYTES + 1))
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "coaching/timelog/calendar_import.html", {"form": form, "report": report})


@access.route_required("coaching:time-team")
def time_team(request: AuthedRequest) -> HttpResponse:
    """The program lead's view of every coach's share of time coaching, and who is slipping."""
    today = timezone.localdate()
    coaches = access.time_log_coaches_for(request.user).filter(
        district_id__in=access.district_ids(request.user, Role.PROGRAM_LEAD)
    )
    rows = queries.coaches_time(request.user, coaches, today)
    weeks = [w for w, _ in rows[0].weeks] if rows else []
    return render(request, "coaching/timelog/time_team.html", {"rows": rows, "weeks": weeks})
