"""Matching rounds and what comes of them: proposals, referrals, handovers, notifications.

A round is run by the program lead and stays a draft until they confirm it; only then do
teachers see their proposals, and only the teacher's acceptance lets a cycle open.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from coachmap.coaching.cycles.models import CoachingCycle
from coachmap.coaching.requests.models import CoachingRequest, TeacherGoal
from coachmap.coaching.routing import OFFER_CHOICES, SUPPORT_TYPE_LABELS
from coachmap.core.models import Coach, District, Teacher

SUPPORT_TYPE_CHOICES = list(SUPPORT_TYPE_LABELS.items())


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "Draft: only the program lead sees it"
    CONFIRMED = "confirmed", "Confirmed: sent to teachers"
    DISCARDED = "discarded", "Discarded"


class MatchingRound(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="matching_rounds")
    status = models.CharField(max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    run_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    settings_used = models.JSONField(default=dict, help_text="Policy the round ran with.")
    figures = models.JSONField(default=dict, help_text="Requests, matches, offers, total fit, timings.")

    class Meta:
        ordering = ["-run_at", "-id"]

    def __str__(self) -> str:
        return f"Matching round {self.pk} ({self.get_status_display()})"


class ProposalKind(models.TextChoices):
    COACH = "coach", "Coach"
    OFFER = "offer", "Lighter offer"
    NONE = "none", "Nothing this round"


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Waiting for the teacher"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    DISCARDED = "discarded", "Discarded"


class MatchProposal(models.Model):
    """What one request got in one round, with the explanation as it stood when the round ran."""

    round = models.ForeignKey(MatchingRound, on_delete=models.CASCADE, related_name="proposals")
    request = models.ForeignKey(CoachingRequest, on_delete=models.CASCADE, related_name="proposals")
    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="proposals")
    kind = models.CharField(max_length=6, choices=ProposalKind.choices)
    coach = models.ForeignKey(
        Coach, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    support_type = models.CharField(max_length=20, choices=SUPPORT_TYPE_CHOICES, blank=True)
    offer = models.CharField(max_length=20, choices=OFFER_CHOICES, blank=True)
    score = models.IntegerField(null=True, blank=True, help_text="Fit in tenths of a point.")
    explanation = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    edit_reason = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "id"]
        indexes = [models.Index(fields=["teacher", "status"]), models.Index(fields=["coach", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["round", "request"], name="proposal_once_per_round"),
            models.CheckConstraint(
                condition=Q(kind="coach", coach__isnull=False) | ~Q(kind="coach"),
                name="proposal_coach_names_coach",
            ),
            models.CheckConstraint(
                condition=Q(kind="offer") & ~Q(offer="") | ~Q(kind="offer"),
                name="proposal_offer_names_offer",
            ),
        ]

    def __str__(self) -> str:
        return f"Proposal for {self.teacher} in round {self.round_id}"

    @property
    def points(self) -> str:
        return "" if self.score is None else f"{self.score / 10:.1f}"


class Handover(models.Model):
    """A coach hands a teacher over to another coach or support type; the note is for the receiving coach only.

    Handed to a support type, the receiving coach is the one the teacher accepts from the next
    matching round; `to_coach` is filled in then, and only then can anyone read the note.
    """

    from_cycle = models.OneToOneField(CoachingCycle, on_delete=models.CASCADE, related_name="handover")
    from_coach = models.ForeignKey(Coach, on_delete=models.CASCADE, related_name="handovers_out")
    to_coach = models.ForeignKey(
        Coach, on_delete=models.CASCADE, null=True, blank=True, related_name="handovers_in"
    )
    support_type = models.CharField(max_length=20, choices=SUPPORT_TYPE_CHOICES, blank=True)
    new_request = models.OneToOneField(CoachingRequest, on_delete=models.CASCADE, related_name="handover_in")
    reason = models.TextField(
        help_text="Why another coach fits better; the teacher and program lead see this."
    )
    note = models.TextField(blank=True, help_text="Confidential: only the receiving coach reads this.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Handover from {self.from_coach} to {self.to_label}"

    @property
    def to_label(self) -> str:
        if self.to_coach is not None:
            return str(self.to_coach)
        return f"the next {self.get_support_type_display().lower()} the teacher accepts"


class ReferralStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for the teacher"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Referral(models.Model):
    """A cycle ends with a referral to another kind of support or a lighter offer."""

    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="referrals")
    goal = models.ForeignKey(TeacherGoal, on_delete=models.CASCADE, related_name="referrals")
    from_cycle = models.OneToOneField(
        CoachingCycle, on_delete=models.CASCADE, related_name="referral", null=True, blank=True
    )
    from_coach = models.ForeignKey(
        Coach, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals_made"
    )
    support_type = models.CharField(max_length=20, choices=SUPPORT_TYPE_CHOICES, blank=True)
    offer = models.CharField(max_length=20, choices=OFFER_CHOICES, blank=True)
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.WAITING)
    new_request = models.OneToOneField(
        CoachingRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="referral_in"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(~Q(support_type="") & Q(offer="")) | (Q(support_type="") & ~Q(offer="")),
                name="referral_to_one_support",
                violation_error_message="Refer to either a support type or a lighter offer.",
            )
        ]

    def __str__(self) -> str:
        return f"Referral of {self.teacher}"

    @property
    def to_label(self) -> str:
        return self.get_support_type_display() if self.support_type else self.get_offer_display()
