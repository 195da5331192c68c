"""Professional-learning offerings (issue 16): a catalog designed around the district's goals and
indicators, sign-up with a waitlist, attendance the presenter marks, and follow-up coaching.

Feedback after an offering is anonymous exactly as the pulse is: it lives in `coachmap.feedback`
(`OfferingFeedback`), above this app.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from coachmap.core.models import Coach, District, Teacher
from coachmap.improvement.models import ImprovementGoal, Indicator, Tool


class GradeBand(models.TextChoices):
    K2 = "k2", "Kindergarten to grade 2"
    G35 = "3-5", "Grades 3 to 5"
    G68 = "6-8", "Grades 6 to 8"
    G912 = "9-12", "Grades 9 to 12"


class OfferingStatus(models.TextChoices):
    OPEN = "open", "Open for sign-up"
    CANCELLED = "cancelled", "Cancelled"


class Offering(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="offerings")
    title = models.CharField(max_length=200)
    description = models.TextField()
    goals = models.ManyToManyField(ImprovementGoal, blank=True, related_name="offerings")
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="offerings")
    tools = models.ManyToManyField(Tool, blank=True, related_name="offerings")
    grade_bands = models.JSONField(default=list, blank=True)
    seats = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(500)])
    presenter_coach = models.ForeignKey(
        Coach, on_delete=models.PROTECT, null=True, blank=True, related_name="offerings"
    )
    presenter_name = models.CharField(
        max_length=120, blank=True, help_text="An outside presenter, when no coach presents."
    )
    status = models.CharField(max_length=10, choices=OfferingStatus.choices, default=OfferingStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(presenter_coach__isnull=False) | ~Q(presenter_name=""),
                name="offering_has_presenter",
                violation_error_message="Name a presenter: a coach or someone from outside.",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def presenter(self) -> str:
        return str(self.presenter_coach) if self.presenter_coach_id else self.presenter_name

    @property
    def grade_band_labels(self) -> list[str]:
        return [GradeBand(b).label for b in self.grade_bands if b in GradeBand.values]


class OfferingSession(models.Model):
    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(600)])
    place = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.offering} at {self.starts_at:%Y-%m-%d %H:%M}"


class SeatStatus(models.TextChoices):
    ENROLLED = "enrolled", "You have a seat"
    WAITLISTED = "waitlisted", "On the waitlist: you are told if a seat frees up"
    CANCELLED = "cancelled", "Cancelled"


class Seat(models.Model):
    """A teacher's seat (or place on the waitlist) in an offering. The waitlist is first come,
    first served: `created_at`, then id."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="seats_taken")
    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="pd_seats")
    status = models.CharField(max_length=10, choices=SeatStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    follow_up_request = models.ForeignKey(
        "coaching.CoachingRequest", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["offering", "teacher"], name="offering_seat_once")]

    def __str__(self) -> str:
        return f"{self.teacher} in {self.offering}"


class Attendance(models.Model):
    """That an enrolled teacher came to one session, as the presenter marked it."""

    session = models.ForeignKey(OfferingSession, on_delete=models.CASCADE, related_name="attendance")
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="attendance")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "seat"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.seat.teacher} at {self.session}"
