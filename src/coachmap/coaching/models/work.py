"""Cycle work: student evidence, fidelity check-ins, the coach's time log and calendar, and
partnership agreements between a coach and a principal."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from coachmap.coaching.models.chain import CoachingCycle
from coachmap.core.models import Coach, School


class EvidenceKind(models.TextChoices):
    PRE = "pre", "Before (baseline)"
    POST = "post", "After"


class StudentEvidence(models.Model):
    """How many students met the cycle's learning target on one measure, before or after.

    Counts only, never students: "14 of 26 students met the target on the exit ticket".
    """

    cycle = models.ForeignKey(CoachingCycle, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=4, choices=EvidenceKind.choices)
    measured_on = models.DateField()
    measure = models.CharField(max_length=200, help_text="What was used, e.g. “exit ticket on main idea”.")
    students_assessed = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    students_meeting = models.PositiveSmallIntegerField(validators=[MaxValueValidator(500)])

    class Meta:
        ordering = ["measured_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(students_meeting__lte=models.F("students_assessed")),
                name="evidence_meeting_at_most_assessed",
                violation_error_message="More students met the target than were assessed.",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()}: {self.students_meeting}/{self.students_assessed} on {self.measure}"
        )

    @property
    def share(self) -> float:
        return 100 * self.students_meeting / self.students_assessed


class FidelityCheckIn(models.Model):
    """A look at how the practice is going in class: to remove barriers and celebrate adaptations,
    never to police. For the teacher and the coach only."""

    cycle = models.ForeignKey(CoachingCycle, on_delete=models.CASCADE, related_name="checkins")
    date = models.DateField()
    look_fors = models.JSONField(default=list, help_text="The cycle's look-fors at the time of the check-in.")
    seen = models.JSONField(default=list, blank=True, help_text="The look-fors seen in class.")
    barriers = models.TextField(blank=True)
    adaptations = models.TextField(blank=True, help_text="Changes the teacher made: something to celebrate.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"Check-in on {self.date}"

    @property
    def fidelity(self) -> float | None:
        """Share of look-fors seen, in percent."""
        return 100 * len(self.seen) / len(self.look_fors) if self.look_fors else None


class TimeCategory(models.TextChoices):
    """Where a coach's working time goes. The first block counts as coaching."""

    CO_PLAN = "co_plan", "Co-planning"
    MODEL = "model", "Modeling"
    CO_TEACH = "co_teach", "Co-teaching"
    OBSERVE = "observe", "Observation"
    FEEDBACK = "feedback", "Feedback"
    REFLECT = "reflect", "Reflection"
    MICRO = "micro", "Micro-coaching"
    PLANNING = "planning", "Planning for coaching"
    PD_DELIVERED = "pd", "PD the coach delivers"
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


class ScheduleSetter(models.TextChoices):
    COACH = "coach", "The coach, with teachers"
    PRINCIPAL = "principal", "The principal"
    TOGETHER = "together", "The coach and principal together"
    PROGRAM_LEAD = "program_lead", "The district's coaching program lead"


class PartnershipAgreement(models.Model):
    """What a coach and a principal agree about coaching at a school for a school year (article 002).

    Both acknowledge it; any change afterwards asks both to acknowledge again. Teachers at the
    school can read it.
    """

    coach = models.ForeignKey(Coach, on_delete=models.CASCADE, related_name="agreements")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="agreements")
    school_year = models.PositiveSmallIntegerField(help_text="The year the school year ends in.")
    who_is_coached = models.TextField()
    schedule_set_by = models.CharField(max_length=14, choices=ScheduleSetter.choices)
    success_looks_like = models.TextField()
    principal_will_ask = models.TextField()
    principal_will_not_ask = models.TextField()
    coach_acknowledged_at = models.DateTimeField(null=True, blank=True)
    principal_acknowledged_at = models.DateTimeField(null=True, blank=True)
    principal_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-school_year", "school__name"]
        constraints = [
            models.UniqueConstraint(fields=["coach", "school", "school_year"], name="agreement_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.coach} and {self.school}, {self.school_year - 1}–{str(self.school_year)[-2:]}"

    @property
    def acknowledged(self) -> bool:
        return self.coach_acknowledged_at is not None and self.principal_acknowledged_at is not None
