"""Lighter supports (issue 16, part 1): what a teacher takes up instead of a full cycle, each with its
own record and life (article 001: support "that may not involve a full coaching cycle").

- `LighterSupport`: one offer the teacher took up (micro-coaching, a peer observation, a workshop
  seat, a resource set), with the request it answers and a status that says what happens next.
- `MicroConversation`: a short coaching conversation logged without a cycle; its focus, next step
  and notes are the teacher's and the coach's only, like session notes.
- `PeerObservation`: a visit to a colleague's classroom, which happens only with the host's yes;
  the observer writes a reflection afterwards. A host who declines is never shown to anyone else.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from coachmap.coaching.requests.models import CoachingRequest, TeacherGoal
from coachmap.core.models import Coach, Teacher


class SupportKind(models.TextChoices):
    """The lighter offers (`bestfit.routing.Offer`), as a record's kind; the values are the offers'."""

    MICRO = "micro_coaching", "Micro-coaching"
    PEER = "peer_observation", "Peer observation"
    WORKSHOP = "workshop", "Workshop seat"
    RESOURCE = "resource_set", "Resource set"


class SupportStatus(models.TextChoices):
    WAITING = "waiting", "Waiting to be arranged"
    UNDER_WAY = "under_way", "Under way"
    DONE = "done", "Done"
    ENDED = "ended", "Ended"


class LighterSupport(models.Model):
    """A lighter offer a teacher took up. Made by the teacher's yes to an offer or a referral.

    A workshop seat waits here (status "waiting") until an offering that serves it is added: then
    `offering` points at it (the teacher was told, with a link). When the teacher signs up, `seat`
    points at their seat and the status moves on with it (`lighter.workshops`).
    """

    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="lighter_supports")
    goal = models.ForeignKey(
        TeacherGoal, on_delete=models.SET_NULL, null=True, blank=True, related_name="lighter_supports"
    )
    request = models.ForeignKey(
        CoachingRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="lighter_supports"
    )
    kind = models.CharField(max_length=20, choices=SupportKind.choices)
    status = models.CharField(max_length=10, choices=SupportStatus.choices, default=SupportStatus.WAITING)
    coach = models.ForeignKey(
        Coach,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lighter_supports",
        help_text="Micro-coaching: the coach who holds the conversations.",
    )
    offering = models.ForeignKey(
        "coaching.Offering",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Workshop: an open offering that serves it, which the teacher was told about.",
    )
    seat = models.ForeignKey(
        "coaching.Seat",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lighter_supports",
        help_text="Workshop: the teacher's seat (or waitlist place) in an offering that serves it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.teacher}"


class MicroConversation(models.Model):
    """A short coaching conversation, logged without a cycle. Focus, next step and notes are
    confidential: the teacher and the coach only (`coaching.access.may_read_micro_notes`)."""

    coach = models.ForeignKey(Coach, on_delete=models.CASCADE, related_name="micro_conversations")
    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="micro_conversations")
    support = models.ForeignKey(
        LighterSupport, on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    date = models.DateField()
    minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(120)])
    focus = models.CharField(max_length=200, help_text="The practice or look-for the conversation was about.")
    next_step = models.TextField(help_text="What the teacher will try next.")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["coach", "date"])]

    def __str__(self) -> str:
        return f"Micro-coaching with {self.teacher} on {self.date}"


class ObservationStatus(models.TextChoices):
    ASKED = "asked", "Waiting for the host's answer"
    SCHEDULED = "scheduled", "Scheduled"
    DECLINED = "declined", "The host declined"
    DONE = "done", "Reflection written"


class PeerObservation(models.Model):
    """A visit to a colleague's classroom for a teacher who took up a peer observation."""

    support = models.ForeignKey(LighterSupport, on_delete=models.CASCADE, related_name="observations")
    host = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="hosted_observations")
    date = models.DateField()
    focus = models.CharField(max_length=200, help_text="The practice the observer will watch for.")
    status = models.CharField(
        max_length=10, choices=ObservationStatus.choices, default=ObservationStatus.ASKED
    )
    arranged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    host_answered_at = models.DateTimeField(null=True, blank=True)
    reflection = models.TextField(blank=True)
    reflected_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"Peer observation on {self.date}"
