"""Indicators: the measurable signs, attached to a goal, that the school's levers are working."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from coachmap.core.groups import GROUP_CHOICES
from coachmap.improvement.models.goals import ImprovementGoal
from coachmap.roster.models import Subject


class IndicatorKind(models.TextChoices):
    LITERACY_GAINS = "literacy_gains", "Literacy gains: growth of matched students since fall"
    EQUITY_GAP = "equity_gap", "Equity benchmark: gap between a group and all students"
    TIME_ON_TASK = "time_on_task", "Time on task: minutes of use per student per week"
    ASSESSED_SHARE = "assessed_share", "Assessment throughput: share of students assessed"
    SCORE_TURNAROUND = "score_turnaround", "Assessment throughput: days from due date to score"
    CUSTOM = "custom", "Custom: measurements entered by hand"

    @property
    def unit(self) -> str:
        return {
            IndicatorKind.LITERACY_GAINS: "scale points",
            IndicatorKind.EQUITY_GAP: "points below all students",
            IndicatorKind.TIME_ON_TASK: "minutes per student per week",
            IndicatorKind.ASSESSED_SHARE: "% of students",
            IndicatorKind.SCORE_TURNAROUND: "days",
            IndicatorKind.CUSTOM: "",
        }[self]

    @property
    def lower_is_better(self) -> bool:
        return self in (IndicatorKind.EQUITY_GAP, IndicatorKind.SCORE_TURNAROUND)

    @property
    def computed(self) -> bool:
        """Computed from imported data; a custom indicator's measurements are entered by hand."""
        return self is not IndicatorKind.CUSTOM


class Indicator(models.Model):
    goal = models.ForeignKey(ImprovementGoal, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField(max_length=20, choices=IndicatorKind.choices)
    name = models.CharField(max_length=200)
    subject = models.CharField(max_length=20, choices=Subject.choices, blank=True)
    student_group = models.CharField(max_length=40, choices=GROUP_CHOICES, blank=True)
    unit = models.CharField(max_length=40, blank=True, help_text="For a custom indicator: what it counts.")
    lower_is_better = models.BooleanField(default=False)
    baseline = models.FloatField(null=True, blank=True)
    target = models.FloatField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["goal", "created_at", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def kind_enum(self) -> IndicatorKind:
        return IndicatorKind(self.kind)

    @property
    def unit_label(self) -> str:
        return self.unit or self.kind_enum.unit


class Measurement(models.Model):
    """A value of a custom indicator, entered by hand."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField()
    value = models.FloatField()
    note = models.CharField(max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator", "measured_on", "id"]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value:g} on {self.measured_on}"
