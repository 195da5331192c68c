"""The coach's time log: minutes by category and day, confirmed weeks, imported calendar events."""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models

from coachmap.core.models import Coach


class TimeCategory(models.TextChoices):
    """Where a coach's working time goes. The first block counts as coaching; the second (meetings,
    committees, own learning) counts as the district chooses; the rest are other duties."""

    CO_PLAN = "co_plan", "Co-planning"
    MODEL = "model", "Modeling"
    CO_TEACH = "co_teach", "Co-teaching"
    OBSERVE = "observe", "Observation"
    FEEDBACK = "feedback", "Feedback"
    REFLECT = "reflect", "Reflection"
    MICRO = "micro", "Micro-coaching"
    PLANNING = "planning", "Planning for coaching"
    PD_DELIVERED = "pd", "PD the coach delivers"
    PLC = "plc", "Grade-level or PLC meeting"
    COMMITTEE = "committee", "Leadership committee"
    OWN_LEARNING = "learning", "The coach's own learning"
    SUBSTITUTE = "substitute", "Substitute teaching"
    TESTING = "testing", "Testing coordination"
    SUPERVISION = "supervision", "Supervision duty"
    ADMIN = "admin", "Administrative tasks"
    OTHER = "other", "Other"


class TimeEntry(models.Model):
    """Minutes of one category on one day, as the coach confirmed them."""

    coach = models.ForeignKey(Coach, on_delete=models.CASCADE, related_name="time_entries")
    date = models.DateField()
    category = models.CharField(max_length=12, choices=TimeCategory.choices)
    minutes = models.PositiveSmallIntegerField(validators=[MaxValueValidator(24 * 60)])

    class Meta:
        ordering = ["date", "category"]
        constraints = [
            models.UniqueConstraint(fields=["coach", "date", "category"], name="time_entry_once_per_day")
        ]
        indexes = [models.Index(fields=["coach", "date"])]

    def __str__(self) -> str:
        return f"{self.coach} {self.date} {self.get_category_display()}: {self.minutes} min"


class TimeWeek(models.Model):
    """A week (Monday) of a coach's time log that the coach has confirmed."""

    coach = models.ForeignKey(Coach, on_delete=models.CASCADE, related_name="time_weeks")
    week = models.DateField(help_text="The Monday the week starts on.")
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["-week"]
        constraints = [models.UniqueConstraint(fields=["coach", "week"], name="time_week_once")]

    def __str__(self) -> str:
        return f"{self.coach}, week of {self.week}"


class CalendarEvent(models.Model):
    """One occurrence from a coach's imported calendar, in local time: a suggestion for the time log."""

    coach = models.ForeignKey(Coach, on_delete=models.CASCADE, related_name="calendar_events")
    uid = models.CharField(max_length=300)
    start = models.DateTimeField()
    end = models.DateTimeField()
    all_day = models.BooleanField(default=False)
    summary = models.CharField(max_length=300, blank=True)
    category = models.CharField(
        max_length=12,
        choices=TimeCategory.choices,
        blank=True,
        help_text="Empty when the event does not count toward the log (all-day, or a session logged anyway).",
    )

    class Meta:
        ordering = ["start"]
        indexes = [models.Index(fields=["coach", "start"])]

    def __str__(self) -> str:
        return f"{self.summary} at {self.start:%Y-%m-%d %H:%M}"
