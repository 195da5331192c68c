"""Forms for the time log: the week grid and the calendar upload."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from coachmap.coaching.timelog import timeshare
from coachmap.coaching.timelog.models import TimeCategory


def cell_label(category: str, day: datetime.date) -> str:
    """What a cell is called on the page and in its error message: "Modeling, Monday November 30"."""
    return f"{TimeCategory(category).label}, {day:%A %B} {day.day}"


class TimeGridForm(forms.Form):
    """One number field per category and working day, named `m-<category>-<yyyy-mm-dd>`.

    Any whole number of minutes is accepted (prefilled figures come from logged sessions and
    calendar events, so they are rarely multiples of five); an error names the cell it is in.
    """

    def __init__(
        self,
        *args: Any,
        week: datetime.date,
        initial_values: dict[tuple[datetime.date, str], int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.week = week
        for category in timeshare.CATEGORIES:
            for day in timeshare.week_days(week):
                label = cell_label(category, day)
                most = timeshare.MAX_MINUTES_A_DAY
                self.fields[self.key(category, day)] = forms.IntegerField(
                    label=label,
                    min_value=0,
                    max_value=most,
                    required=False,
                    initial=initial_values.get((day, category), 0),
                    error_messages={
                        "invalid": f"{label}: enter whole minutes, such as 45 (no letters or decimals).",
                        "min_value": f"{label}: minutes cannot be below 0.",
                        "max_value": f"{label}: at most {most} minutes ({most // 60} hours) in one day.",
                    },
                )

    @staticmethod
    def key(category: str, day: datetime.date) -> str:
        return f"m-{category}-{day.isoformat()}"

    def minutes(self) -> dict[tuple[datetime.date, str], int]:
        return {
            (day, category): self.cleaned_data.get(self.key(category, day)) or 0
            for category in timeshare.CATEGORIES
            for day in timeshare.week_days(self.week)
        }


class CalendarForm(forms.Form):
    calendar = forms.FileField(
        label="Calendar file (.ics)",
        help_text="Export it from Google Calendar, Outlook or Apple Calendar. Importing again replaces the last import.",
        widget=forms.ClearableFileInput(attrs={"accept": ".ics,text/calendar"}),
    )
