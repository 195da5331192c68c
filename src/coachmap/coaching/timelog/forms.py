"""Forms for the time log: the week grid and the calendar upload."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from coachmap.coaching.timelog import timeshare


class TimeGridForm(forms.Form):
    """One number field per category and working day, named `m-<category>-<yyyy-mm-dd>`."""

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
                self.fields[self.key(category, day)] = forms.IntegerField(
                    min_value=0,
                    max_value=timeshare.MAX_MINUTES_A_DAY,
                    required=False,
                    initial=initial_values.get((day, category), 0),
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
