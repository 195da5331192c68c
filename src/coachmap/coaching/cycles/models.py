"""Coaching cycles and what happens in them: sessions (micro-coaching too), student evidence,
fidelity check-ins.

A cycle opens only after the teacher accepts the proposed coach; session notes are for the two of them.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from coachmap.coaching.requests.models import CoachingRequest, TeacherGoal
from coachmap.core.models import Coach, Teacher
from coachmap.improvement.models import FrameworkLevel, FrameworkLookFor, FrameworkVersion, GradeBand


class FrameworkPick(models.Model):
    """What a check-in or a micro-coaching log saw against the district's look-for framework
    (issue 16): the version it used (kept when the framework changes), a grade band, a level and
    the look-fors seen. All optional: free-text look-fors stay possible."""

    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    framework_band = models.CharField(max_length=4, choices=GradeBand.choices, blank=True)
    framework_level = models.ForeignKey(
        FrameworkLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    framework_look_fors = models.ManyToManyField(FrameworkLookFor, blank=True, related_name="+")

    class Meta:
        abstract = True


class CycleStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class CycleStage(models.TextChoices):
    """The stages of a cycle (issue 6), in order; see `coaching/cycles/rules.py` for the moves between them."""

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
    # Set when a session is logged; the teacher and the coach are reminded the day before.
    next_meeting_on = models.DateField(
        null=True,
        blank=True,
        help_text="The next meeting the coach and teacher agreed, as the coach last logged it.",
    )
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


class CoachingSession(FrameworkPick):
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


class FidelityCheckIn(FrameworkPick):
    """A look at how the practice is going in class: to remove barriers and celebrate adaptations,
    never to police. For the teacher and the coach only."""

    cycle = models.ForeignKey(CoachingCycle, on_delete=models.CASCADE, related_name="checkins")
    date = models.DateField()
    look_fors = models.JSONField(
        default=list, blank=True, help_text="The cycle's look-fors at the time of the check-in."
    )
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
