"""Matching rounds and what comes of them: proposals, referrals, handovers, notifications.

A round is run by the program lead and stays a draft until they confirm it; only then do
teachers see their proposals, and only the teacher's acceptance lets a cycle open.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from coachmap.coaching.bestfit.models import SUPPORT_TYPE_CHOICES
from coachmap.coaching.bestfit.routing import OFFER_CHOICES
from coachmap.coaching.cycles.models import CoachingCycle
from coachmap.coaching.requests.models import CoachingRequest, TeacherGoal
from coachmap.core.models import Coach, Teacher


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
