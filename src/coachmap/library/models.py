"""The district's shared library: lesson plans, rubrics, video case studies and exemplars.

A resource is a link or an uploaded file. Files are stored under a random name outside any
served directory and only ever leave through `library.views.resource_open` (or the API's
`library.api.resource_file`, with the same check and response), which checks who is asking,
counts the use and serves anything that is not plainly safe as a download (see `library/files.py`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from coachmap.core.models import District
from coachmap.improvement.models import ImprovementGoal
from coachmap.roster.models import Subject


class ResourceKind(models.TextChoices):
    LESSON_PLAN = "lesson_plan", "Lesson plan"
    RUBRIC = "rubric", "Rubric"
    VIDEO_CASE = "video_case", "Video case study"
    EXEMPLAR = "exemplar", "Exemplar"


class Quadrant(models.TextChoices):
    """The four teacher types of article 001, for tagging what a resource suits best."""

    NEW_CONFIDENT = "new_confident", "Newer teacher, high pedagogical confidence"
    NEW_DEVELOPING = "new_developing", "Newer teacher, growing pedagogical confidence"
    EXPERIENCED_CONFIDENT = "experienced_confident", "Experienced teacher, high pedagogical confidence"
    EXPERIENCED_DEVELOPING = "experienced_developing", "Experienced teacher, growing pedagogical confidence"


class Resource(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=ResourceKind.choices)
    description = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True, help_text="A link, when the resource lives elsewhere.")
    file = models.FileField(upload_to="library/", blank=True, max_length=300)
    file_name = models.CharField(max_length=200, blank=True, help_text="The uploaded file's name, cleaned.")
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    # Tags. Tools and practices are normalised names (`library/tags.py`) so they match the
    # technology map and the cycle's tools whatever their spelling.
    goals = models.ManyToManyField(ImprovementGoal, blank=True, related_name="resources")
    subjects = models.JSONField(default=list, blank=True)
    grades = models.JSONField(default=list, blank=True)
    tools = models.JSONField(default=list, blank=True)
    practices = models.JSONField(default=list, blank=True)
    quadrants = models.JSONField(default=list, blank=True)
    search_text = models.TextField(blank=True, editable=False, help_text="Description and tags, for search.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(url="") | ~models.Q(file=""),
                name="resource_link_or_file",
                violation_error_message="Give a link or upload a file.",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def subject_labels(self) -> list[str]:
        """The subjects as people write them: "Social studies", not "social_studies"."""
        labels = dict(Subject.choices)
        return [labels.get(s, s.replace("_", " ").capitalize()) for s in self.subjects]


class UseKind(models.TextChoices):
    OPENED = "opened", "Opened"
    SESSION = "session", "Used in a session"


class ResourceUse(models.Model):
    """A use of a resource: opened from the library, or used in a coaching session."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="uses")
    kind = models.CharField(max_length=8, choices=UseKind.choices)
    session = models.ForeignKey(
        "coaching.CoachingSession",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="resource_uses",
    )
    cycle = models.ForeignKey(
        "coaching.CoachingCycle",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="resource_uses",
    )
    on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["resource", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "session"],
                condition=models.Q(session__isnull=False),
                name="resource_once_per_session",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.get_kind_display().lower()} on {self.on}"
