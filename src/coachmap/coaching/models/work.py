"""Cycle work: student evidence, fidelity check-ins, the coach's time log and calendar, and
partnership agreements between a coach and a principal."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from coachmap.coaching.models.chain import CoachingCycle


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
