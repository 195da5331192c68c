"""Improvement goals: the one or two student-centered goals each school works toward, and the
principal's own order and notes on the needs they come from."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models

from coachmap.core.grades import GRADE_CHOICES
from coachmap.core.groups import GROUP_CHOICES
from coachmap.core.models import District, School
from coachmap.roster.models import Subject, Window

MAX_ACTIVE_GOALS = 2


class Metric(models.TextChoices):
    PROFICIENCY_RATE = "proficiency_rate", "Share of students proficient (%)"
    MEAN_SCALE_SCORE = "mean_scale_score", "Mean scale score"
    GROWTH = "growth", "Growth of matched students (scale points)"
    GAP = "gap", "Gap to all students (percentage points)"

    @property
    def lower_is_better(self) -> bool:
        return self is Metric.GAP


class GoalStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    MET = "met", "Met"
    RETIRED = "retired", "Retired"


class DataSource(models.TextChoices):
    RESULTS = "results", "Student results"
    PUBLISHED = "published", "Published state results"


class ImprovementGoal(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="goals")
    statement = models.TextField(help_text="A student-centered goal in one or two sentences.")
    subject = models.CharField(max_length=20, choices=Subject.choices)
    student_group = models.CharField(max_length=40, choices=GROUP_CHOICES, default="all")
    grade = models.SmallIntegerField(
        choices=GRADE_CHOICES, null=True, blank=True, help_text="Empty for all grades."
    )
    metric = models.CharField(max_length=30, choices=Metric.choices, default=Metric.PROFICIENCY_RATE)
    source = models.CharField(max_length=10, choices=DataSource.choices, default=DataSource.RESULTS)
    window = models.CharField(
        max_length=10,
        choices=Window.choices,
        blank=True,
        help_text="The testing window progress is measured in; empty for any window.",
    )
    baseline = models.FloatField()
    baseline_date = models.DateField(
        null=True, blank=True, help_text="When the baseline was measured; empty for the day the goal was set."
    )
    target = models.FloatField()
    target_date = models.DateField()
    need_key = models.CharField(
        max_length=80, blank=True, help_text="The prioritised need this goal was drafted from."
    )
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school", "-status", "created_at"]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return self.statement[:80]

    @property
    def starts_on(self) -> datetime.date:
        """The start of the straight line progress is judged against."""
        if self.baseline_date is not None:
            return self.baseline_date
        return self.created_at.date() if self.created_at else datetime.date.today()  # noqa: DTZ011 - unsaved goals only


class NeedNote(models.Model):
    """The principal's place for a need in their own order, and their note on it."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="need_notes")
    key = models.CharField(max_length=80, help_text="subject:grade:group, e.g. ela:4:el")
    position = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["school", "position", "key"]
        constraints = [models.UniqueConstraint(fields=["school", "key"], name="need_note_once_per_need")]

    def __str__(self) -> str:
        return f"{self.school}: {self.key}"


class DistrictGoal(models.Model):
    """A district-wide goal beside the schools' goals (article 003: "a system-wide strategy for your
    coaching program"), written by the district admin or the coaching program lead. A teacher whose
    school has no active goal can write their professional goal from one."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="goals")
    statement = models.TextField(help_text="A student-centered goal in one or two sentences.")
    subject = models.CharField(max_length=20, choices=Subject.choices)
    student_group = models.CharField(max_length=40, choices=GROUP_CHOICES, default="all")
    target_date = models.DateField()
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["district", "-status", "created_at"]
        indexes = [models.Index(fields=["district", "status"])]

    def __str__(self) -> str:
        return self.statement[:80]


class GoalChange(models.Model):
    """One edit of a school or district goal: who changed what, and when (shown on the goal's page)."""

    school_goal = models.ForeignKey(
        ImprovementGoal, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    district_goal = models.ForeignKey(
        DistrictGoal, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    changes = models.JSONField(help_text="What changed: field label, the value before and after.")

    class Meta:
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(school_goal__isnull=False, district_goal__isnull=True)
                | models.Q(school_goal__isnull=True, district_goal__isnull=False),
                name="goal_change_names_one_goal",
            )
        ]

    def __str__(self) -> str:
        return f"Goal change at {self.changed_at:%Y-%m-%d %H:%M}"
