"""Improvement goals: the one or two student-centered goals each school works toward."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from coachmap.core.groups import GROUP_CHOICES
from coachmap.core.models import School
from coachmap.roster.models import Subject

MAX_ACTIVE_GOALS = 2


class Metric(models.TextChoices):
    PROFICIENCY_RATE = "proficiency_rate", "Share of students proficient (%)"
    MEAN_SCALE_SCORE = "mean_scale_score", "Mean scale score"
    GROWTH = "growth", "Growth of matched students (scale points)"
    GAP = "gap", "Gap to all students (percentage points)"


class GoalStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    MET = "met", "Met"
    RETIRED = "retired", "Retired"


class ImprovementGoal(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="goals")
    statement = models.TextField(help_text="A student-centered goal in one or two sentences.")
    subject = models.CharField(max_length=20, choices=Subject.choices)
    student_group = models.CharField(max_length=40, choices=GROUP_CHOICES, default="all")
    metric = models.CharField(max_length=30, choices=Metric.choices, default=Metric.PROFICIENCY_RATE)
    baseline = models.FloatField()
    target = models.FloatField()
    target_date = models.DateField()
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
