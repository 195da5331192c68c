"""Partnership agreements between a coach and a principal: who is coached, what the principal will and will not ask."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from coachmap.core.models import Coach, School


class ScheduleSetter(models.TextChoices):
    COACH = "coach", "The coach, with teachers"
    PRINCIPAL = "principal", "The principal"
    TOGETHER = "together", "The coach and principal together"
    PROGRAM_LEAD = "program_lead", "The district's coaching program lead"


class PartnershipAgreement(models.Model):
    """What a coach and a principal agree about coaching at a school for a school year (article 002).

    Both acknowledge it; any change afterwards asks both to acknowledge again. Teachers at the
    school can read it.
    """

    coach = models.ForeignKey(Coach, on_delete=models.CASCADE, related_name="agreements")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="agreements")
    school_year = models.PositiveSmallIntegerField(help_text="The year the school year ends in.")
    who_is_coached = models.TextField()
    schedule_set_by = models.CharField(max_length=14, choices=ScheduleSetter.choices)
    success_looks_like = models.TextField()
    principal_will_ask = models.TextField()
    principal_will_not_ask = models.TextField()
    data_collected = models.TextField(
        "data the coach collects",
        blank=True,
        help_text="What the coach collects to show the program's progress, reviewed at check-ins (article 002).",
    )
    coach_acknowledged_at = models.DateTimeField(null=True, blank=True)
    principal_acknowledged_at = models.DateTimeField(null=True, blank=True)
    principal_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-school_year", "school__name"]
        constraints = [
            models.UniqueConstraint(fields=["coach", "school", "school_year"], name="agreement_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.coach} and {self.school}, {self.school_year - 1}–{str(self.school_year)[-2:]}"

    @property
    def acknowledged(self) -> bool:
        return self.coach_acknowledged_at is not None and self.principal_acknowledged_at is not None


class PrincipalCheckIn(models.Model):
    """A scheduled meeting of a school's principal and its coach to check on progress (article 002:
    "scheduling regular meetings", "opportunities during meetings together to review this data").

    The figures reviewed are the school's aggregates (`agreements.figures`), stored as they stood
    when the meeting was recorded; never session notes, never a teacher's name. The notes are for
    the principal, the coach and the program lead.
    """

    coach = models.ForeignKey(Coach, on_delete=models.CASCADE, related_name="principal_checkins")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="principal_checkins")
    date = models.DateField()
    figure_keys = models.JSONField(default=list, help_text="The school figures chosen to review.")
    figures = models.JSONField(
        default=list,
        blank=True,
        help_text="The figures as reviewed: label and value, recorded with the notes.",
    )
    notes = models.TextField(blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    notes_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["school", "date"])]

    def __str__(self) -> str:
        return f"Check-in of {self.coach} and {self.school} on {self.date:%B %-d, %Y}"
