"""The technology map: the tools and initiatives a school uses, each tied to the goals and
indicators it is meant to move, with the reason why."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from coachmap.core.models import School
from coachmap.improvement.models.goals import ImprovementGoal
from coachmap.improvement.models.indicators import Indicator
from coachmap.roster.models import Subject


class ToolKind(models.TextChoices):
    TOOL = "tool", "Technology tool"
    INITIATIVE = "initiative", "Initiative"


class Tool(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="tools")
    name = models.CharField(max_length=100)
    vendor = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=12, choices=ToolKind.choices, default=ToolKind.TOOL)
    grades = models.JSONField(default=list, blank=True, help_text="Grades using it, as numbers (0 = KG).")
    subjects = models.JSONField(default=list, blank=True)
    usage_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="The tool's name in usage exports, when it differs; time on task is read under this name.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="tool_name_once_per_school")]

    def __str__(self) -> str:
        return self.name

    @property
    def subject_labels(self) -> list[str]:
        """The subjects as people write them: "Social studies", not "social_studies"."""
        labels = dict(Subject.choices)
        return [labels.get(s, s.replace("_", " ").capitalize()) for s in self.subjects]

    @property
    def usage_key(self) -> str:
        """The normalised name usage rows are stored under (see roster.models.UsageWeek.tool)."""
        return (self.usage_name or self.name).strip().lower()


class ToolLink(models.Model):
    """A tool meant to move a goal, through one of its indicators when one is named."""

    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="links")
    goal = models.ForeignKey(ImprovementGoal, on_delete=models.CASCADE, related_name="tool_links")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, null=True, blank=True, related_name="tool_links"
    )
    rationale = models.TextField(help_text="Why this tool should move this goal.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tool", "goal", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["tool", "indicator"],
                condition=Q(indicator__isnull=False),
                name="tool_link_once_per_indicator",
            ),
            models.UniqueConstraint(
                fields=["tool", "goal"], condition=Q(indicator__isnull=True), name="tool_link_once_per_goal"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tool} → {self.indicator or self.goal}"
