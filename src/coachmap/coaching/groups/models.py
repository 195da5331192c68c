"""Group cycles (issue 16): a coaching cycle for a team or PLC.

Several teachers each consent (`GroupMember.consent`); the group meets in shared sessions that analyse
student work with a protocol, bringing evidence from several classrooms. Session notes are for the
accepted members and the coach only. A group cycle moves through the same stages as a one-teacher
cycle and ends as honestly (`coaching/cycles/rules.py`).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from coachmap.coaching.cycles.models import CycleOutcome, CycleStage, EvidenceKind, SessionType
from coachmap.core.models import Coach, School, Teacher
from coachmap.improvement.models import ImprovementGoal


class GroupKind(models.TextChoices):
    TEAM = "team", "Grade-level or subject team"
    PLC = "plc", "Professional learning community (PLC)"


class GroupStatus(models.TextChoices):
    FORMING = "forming", "Forming: waiting for teachers to answer"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class GroupCycle(models.Model):
    coach = models.ForeignKey(Coach, on_delete=models.PROTECT, related_name="group_cycles")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="group_cycles")
    improvement_goal = models.ForeignKey(
        ImprovementGoal, on_delete=models.PROTECT, related_name="group_cycles"
    )
    name = models.CharField(max_length=120, help_text="What the group calls itself, e.g. “Grade 3 team”.")
    kind = models.CharField(max_length=8, choices=GroupKind.choices, default=GroupKind.TEAM)
    focus = models.TextField(help_text="The question the group will look into together.")
    status = models.CharField(max_length=8, choices=GroupStatus.choices, default=GroupStatus.FORMING)
    stage = models.CharField(max_length=16, choices=CycleStage.choices, default=CycleStage.GOAL)
    stage_changed_on = models.DateField(null=True, blank=True)
    created_on = models.DateField()
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    learning_target = models.TextField(blank=True)
    look_fors = models.JSONField(default=list, blank=True)
    outcome = models.CharField(max_length=16, choices=CycleOutcome.choices, blank=True)
    referred_to = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_on", "-id"]
        indexes = [models.Index(fields=["coach", "status"])]

    def __str__(self) -> str:
        return self.name


class Consent(models.TextChoices):
    INVITED = "invited", "Invited: waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class GroupMember(models.Model):
    """One teacher's place in a group, with their own answer. A declined (or withdrawn) member is
    never shown to anyone but the coach."""

    group = models.ForeignKey(GroupCycle, on_delete=models.CASCADE, related_name="members")
    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="group_memberships")
    consent = models.CharField(max_length=8, choices=Consent.choices, default=Consent.INVITED)
    invited_on = models.DateField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["teacher__user__last_name", "teacher__user__first_name", "id"]
        constraints = [models.UniqueConstraint(fields=["group", "teacher"], name="group_member_once")]

    def __str__(self) -> str:
        return f"{self.teacher} in {self.group}"


class Protocol(models.TextChoices):
    LOOKING_AT_STUDENT_WORK = "lasw", "Looking at Student Work"
    TUNING = "tuning", "Tuning protocol"
    ATLAS = "atlas", "ATLAS: learning from student work"
    DATA_DIALOGUE = "data", "Data-driven dialogue"
    NONE = "none", "No protocol (planning or reflection)"


class GroupSession(models.Model):
    group = models.ForeignKey(GroupCycle, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField()
    minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(600)])
    session_type = models.CharField(max_length=10, choices=SessionType.choices)
    protocol = models.CharField(max_length=8, choices=Protocol.choices, default=Protocol.NONE)
    notes = models.TextField(
        blank=True, help_text="Confidential: only the group's members and the coach can read these."
    )
    next_steps = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_protocol_display()} on {self.date}"


class GroupEvidence(models.Model):
    """Student work one member brought to a session: counts only, never students."""

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="evidence")
    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4, choices=EvidenceKind.choices)
    measure = models.CharField(max_length=200)
    students_assessed = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    students_meeting = models.PositiveSmallIntegerField(validators=[MaxValueValidator(500)])

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(students_meeting__lte=models.F("students_assessed")),
                name="group_evidence_meeting_at_most_assessed",
                violation_error_message="More students met the target than were assessed.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.students_meeting}/{self.students_assessed}"
