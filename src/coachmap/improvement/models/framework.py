"""The district's look-for framework: what quality technology use looks like at each grade band,
at each level (Entry → Transformation, after the Technology Integration Matrix), and the
walkthroughs that observe classrooms against it.

A version is never changed once published: editing the framework publishes a new version, and a
check-in, a micro-coaching log or a walkthrough keeps pointing at the version it used.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from coachmap.core.models import District, School


class GradeBand(models.TextChoices):
    K2 = "k2", "Kindergarten to grade 2"
    G35 = "g35", "Grades 3 to 5"
    G68 = "g68", "Grades 6 to 8"
    G912 = "g912", "Grades 9 to 12"


def band_of_grade(grade: int) -> str:
    """The framework's band for one grade (pre-K reads with K–2)."""
    if grade <= 2:  # noqa: PLR2004 - the bands' edges
        return GradeBand.K2
    if grade <= 5:  # noqa: PLR2004
        return GradeBand.G35
    if grade <= 8:  # noqa: PLR2004
        return GradeBand.G68
    return GradeBand.G912


class FrameworkVersion(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="framework_versions")
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    change_note = models.CharField(max_length=300, blank=True, help_text="What changed, in a sentence.")

    class Meta:
        ordering = ["district", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["district", "number"], name="framework_version_number_once")
        ]

    def __str__(self) -> str:
        return f"Look-for framework, version {self.number}"


class FrameworkLevel(models.Model):
    """One level of use, e.g. “Adoption: the teacher directs students' conventional use of tools”."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=60)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="framework_level_position_once")
        ]

    def __str__(self) -> str:
        return self.name


class FrameworkLookFor(models.Model):
    """One look-for of quality technology use at one grade band."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="look_fors")
    grade_band = models.CharField(max_length=4, choices=GradeBand.choices)
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["version", "grade_band", "position"]

    def __str__(self) -> str:
        return self.text


class Walkthrough(models.Model):
    """A short classroom visit by a coach or principal, observed against the framework.

    It names no teacher: a walkthrough records a school, a grade band, the level seen and the
    look-fors seen, and counts only in aggregates. The observer alone sees their own list.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="walkthroughs")
    observer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    observed_on = models.DateField()
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="walkthroughs")
    grade_band = models.CharField(max_length=4, choices=GradeBand.choices)
    level = models.ForeignKey(FrameworkLevel, on_delete=models.PROTECT, related_name="walkthroughs")
    look_fors = models.ManyToManyField(FrameworkLookFor, blank=True, related_name="walkthroughs")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-observed_on", "-id"]
        indexes = [models.Index(fields=["school", "observed_on"])]

    def __str__(self) -> str:
        return f"Walkthrough on {self.observed_on}"
