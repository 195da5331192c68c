"""The coaching chain on the teacher's side: professional goals, requests, cycles and sessions.

Coaching is voluntary and confidential. A request comes only from the teacher; a cycle opens
only after the teacher accepts the proposed coach; session notes are for the two of them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from coachmap.core.models import Coach, Teacher
from coachmap.improvement.models import ImprovementGoal


class TeacherGoal(models.Model):
    """A teacher's professional goal, written from one of their school's improvement goals."""

    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="goals")
    improvement_goal = models.ForeignKey(
        ImprovementGoal, on_delete=models.PROTECT, related_name="teacher_goals"
    )
    statement = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.statement[:80]


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


class CycleStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class CycleStage(models.TextChoices):
    """The stages of a cycle (issue 6), in order; see `coaching/work/rules.py` for the moves between them."""

    GOAL = "goal", "Goal and baseline evidence"
    LEARNING = "learning", "Learning and planning"
    IMPLEMENTATION = "implementation", "Implementation: model, co-teach, observe"
    REFLECTION = "reflection", "Reflection and feedback"
    CLOSE = "close", "Closed"


class CycleOutcome(models.TextChoices):
    """How a cycle ended, said honestly."""

    GOAL_MET = "goal_met", "Goal met"
    REFERRED = "referred", "Referred on"
    HANDED_OVER = "handed_over", "Handed over to another coach"
    STEPPED_BACK = "stepped_back", "Teacher stepped back"
    PAUSED = "paused", "Paused"


class CoachingCycle(models.Model):
    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="cycles")
    coach = models.ForeignKey(Coach, on_delete=models.PROTECT, related_name="cycles")
    goal = models.ForeignKey(TeacherGoal, on_delete=models.PROTECT, related_name="cycles")
    request = models.OneToOneField(CoachingRequest, on_delete=models.PROTECT, related_name="cycle")
    status = models.CharField(max_length=10, choices=CycleStatus.choices, default=CycleStatus.ACTIVE)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    # Cycle work (issue 6): stage, what students should learn, the practice and tools, the honest end.
    stage = models.CharField(max_length=16, choices=CycleStage.choices, default=CycleStage.GOAL)
    stage_changed_on = models.DateField(null=True, blank=True)
    learning_target = models.TextField(
        blank=True, help_text="What students will be able to do, e.g. “explain their reasoning in writing”."
    )
    practice = models.CharField(
        max_length=120, blank=True, help_text="The teaching practice the cycle works on."
    )
    tools = models.JSONField(default=list, blank=True, help_text="Technology tools the cycle uses, by name.")
    look_fors = models.JSONField(
        default=list, blank=True, help_text="What the teacher and coach agreed to look for in class."
    )
    outcome = models.CharField(max_length=16, choices=CycleOutcome.choices, blank=True)
    referred_to = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-opened_on"]
        indexes = [models.Index(fields=["coach", "status"])]

    def __str__(self) -> str:
        return f"{self.teacher} with {self.coach}"


class SessionType(models.TextChoices):
    CO_PLAN = "co_plan", "Co-planning"
    MODEL = "model", "Modeling"
    CO_TEACH = "co_teach", "Co-teaching"
    OBSERVE = "observe", "Observation"
    FEEDBACK = "feedback", "Feedback"
    REFLECT = "reflect", "Reflection"
    MICRO = "micro", "Micro-coaching"


class CoachingSession(models.Model):
    cycle = models.ForeignKey(CoachingCycle, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField()
    minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(600)])
    session_type = models.CharField(max_length=10, choices=SessionType.choices)
    notes = models.TextField(
        blank=True, help_text="Confidential: only the teacher and the coach can read these."
    )
    next_steps = models.TextField(blank=True)
    look_fors_seen = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.get_session_type_display()} on {self.date}"
