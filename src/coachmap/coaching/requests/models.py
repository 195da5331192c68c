"""The teacher's side of the chain: professional goals and voluntary coaching requests.

Coaching is voluntary: a request comes only from the teacher, on one of their own goals.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from coachmap.core.models import Coach, Teacher
from coachmap.improvement.models import DistrictGoal, ImprovementGoal


class TeacherGoal(models.Model):
    """A teacher's professional goal, written from one of their school's improvement goals."""

    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="goals")
    improvement_goal = models.ForeignKey(
        ImprovementGoal, on_delete=models.PROTECT, null=True, blank=True, related_name="teacher_goals"
    )
    district_goal = models.ForeignKey(
        DistrictGoal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teacher_goals",
        help_text="A district-wide goal, for a teacher whose school goal does not fit (or has none).",
    )
    statement = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(improvement_goal__isnull=False, district_goal__isnull=True)
                | Q(improvement_goal__isnull=True, district_goal__isnull=False),
                name="teacher_goal_serves_one_goal",
            )
        ]

    def __str__(self) -> str:
        return self.statement[:80]

    @property
    def serves(self) -> str:
        """The goal this one serves, in words: "our school goal: …" or "the district goal: …"."""
        if self.improvement_goal_id is not None:
            return f"our school goal: {self.improvement_goal.statement}"  # type: ignore[union-attr]
        return f"the district goal: {self.district_goal.statement}"  # type: ignore[union-attr]

    @property
    def serves_statement(self) -> str:
        goal = self.improvement_goal or self.district_goal
        return goal.statement if goal is not None else ""


class RequestStatus(models.TextChoices):
    OPEN = "open", "Waiting for a coach"
    PROPOSED = "proposed", "Coach proposed"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    IN_CYCLE = "in_cycle", "In a coaching cycle"
    REFERRED = "referred", "Took another kind of support"


class CoachingRequest(models.Model):
    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="requests")
    goal = models.ForeignKey(TeacherGoal, on_delete=models.CASCADE, related_name="requests")
    needs = models.JSONField(
        default=list, blank=True, help_text="Tools, content or practices the teacher wants help with."
    )
    note = models.TextField(blank=True)
    preferred_type = models.CharField(
        max_length=20,
        blank=True,
        help_text="A support type a referral or handover asks for; routing tries it first.",
    )
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    coach = models.ForeignKey(
        Coach, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "withdrawn", "referred"]) | Q(coach__isnull=False),
                name="request_coach_when_proposed",
            )
        ]

    def __str__(self) -> str:
        return f"Request {self.pk} from {self.teacher}"
