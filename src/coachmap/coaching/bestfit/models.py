"""What best fit is made of: the teacher's intake and placement, coaches' competencies, look-fors,
and the district's routing policy.

Placement and routing are computed by the pure modules `bestfit.placement` and
`bestfit.routing`; these models keep their inputs, and the intake keeps its computed placement
so that quadrant counts are plain SQL.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from coachmap.coaching.bestfit.matching.model import Weights
from coachmap.coaching.bestfit.placement import QUADRANT_CHOICES, Quadrant, Thresholds
from coachmap.coaching.bestfit.routing import (
    DEFAULT_ROUTES,
    OFFER_CHOICES,
    SUPPORT_TYPE_LABELS,
    Route,
    routes_from_json,
    routes_to_json,
)
from coachmap.coaching.requests.models import CoachingRequest
from coachmap.core.models import Coach, District, Teacher

AVAILABILITY_CHOICES = [
    ("before_school", "Before school"),
    ("planning", "During my planning period"),
    ("after_school", "After school"),
    ("in_class", "During class (for modeling or co-teaching)"),
]

SUPPORT_TYPE_CHOICES = list(SUPPORT_TYPE_LABELS.items())


class CoachProfile(models.Model):
    """A coach's competencies, beside `core.Coach` (type, schools served, capacity)."""

    coach = models.OneToOneField(Coach, on_delete=models.CASCADE, related_name="profile")
    tools = models.JSONField(default=list, blank=True, help_text="Technology tools, e.g. Lexia, Seesaw.")
    content_areas = models.JSONField(default=list, blank=True, help_text="Subject codes, e.g. ela, math.")
    grade_bands = models.JSONField(default=list, blank=True, help_text="elementary, middle, high.")
    practices = models.JSONField(
        default=list, blank=True, help_text="e.g. small-group rotations, exit tickets."
    )
    quadrants = models.JSONField(default=list, blank=True, help_text="Quadrants this coach works best with.")
    languages = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.coach}"

    @property
    def competencies(self) -> list[str]:
        return [*self.tools, *self.practices, *self.content_areas]


class TeacherIntake(models.Model):
    """The teacher's own answers, and the placement computed from them (and coaches' observations)."""

    teacher = models.OneToOneField(Teacher, on_delete=models.CASCADE, related_name="intake")
    years_experience = models.PositiveSmallIntegerField(validators=[MaxValueValidator(60)])
    new_to_adoption = models.BooleanField(
        default=False, help_text="New to the curriculum the district adopted most recently."
    )
    confidence_answers = models.JSONField(default=dict, blank=True)
    tech_comfort = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    needs_tools = models.JSONField(default=list, blank=True)
    needs_content = models.JSONField(default=list, blank=True)
    needs_practices = models.JSONField(default=list, blank=True)
    availability = models.JSONField(default=list, blank=True)
    preferred_coach = models.ForeignKey(
        Coach, on_delete=models.SET_NULL, null=True, blank=True, related_name="preferred_by"
    )
    language = models.CharField(
        max_length=40, blank=True, help_text="A language the teacher prefers to be coached in."
    )
    # The placement, recomputed whenever the answers, an observation or the district's cuts change.
    experience_axis = models.FloatField(default=0)
    confidence_axis = models.FloatField(default=0)
    quadrant = models.CharField(max_length=24, choices=QUADRANT_CHOICES)
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["quadrant"])]

    def __str__(self) -> str:
        return f"Intake of {self.teacher}"

    @property
    def needs(self) -> list[str]:
        return [*self.needs_tools, *self.needs_content, *self.needs_practices]

    @property
    def availability_labels(self) -> list[str]:
        labels = dict(AVAILABILITY_CHOICES)
        return [labels.get(code, code) for code in self.availability]


class LookFor(models.Model):
    """A characteristic or classroom look-for that suggests a quadrant; the district's checklist."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="look_fors")
    quadrant = models.CharField(max_length=24, choices=QUADRANT_CHOICES)
    text = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["quadrant", "position", "id"]

    def __str__(self) -> str:
        return self.text


class IntakeObservation(models.Model):
    """A coach's look-fors for a teacher, and any move of the placement with its reason."""

    intake = models.ForeignKey(TeacherIntake, on_delete=models.CASCADE, related_name="observations")
    coach = models.ForeignKey(Coach, on_delete=models.CASCADE, related_name="observations")
    look_fors = models.ManyToManyField(LookFor, blank=True, related_name="observations")
    note = models.TextField(blank=True)
    experience_shift = models.FloatField(
        default=0, validators=[MinValueValidator(-5), MaxValueValidator(5)], help_text="In years."
    )
    confidence_shift = models.FloatField(
        default=0, validators=[MinValueValidator(-2), MaxValueValidator(2)], help_text="On the 1–5 scale."
    )
    reason = models.TextField(blank=True, help_text="Why the placement moves; kept with the move.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Observation of {self.intake.teacher} by {self.coach}"

    @property
    def moves(self) -> bool:
        return bool(self.experience_shift or self.confidence_shift)


class RoutingPolicy(models.Model):
    """The district's cuts, routes and matching weights. Defaults: docs/matching.md."""

    district = models.OneToOneField(District, on_delete=models.CASCADE, related_name="routing_policy")
    experience_threshold = models.FloatField(
        default=Thresholds.experience_years,
        validators=[MinValueValidator(0), MaxValueValidator(40)],
        help_text="Teachers with fewer years than this count as newer.",
    )
    adoption_discount = models.FloatField(
        default=Thresholds.adoption_discount_years,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text="Years taken off for a teacher new to the current curriculum adoption.",
    )
    confidence_threshold = models.FloatField(
        default=Thresholds.confidence,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="Below this self-assessed confidence (1–5) a teacher is building confidence.",
    )
    weight_needs = models.PositiveSmallIntegerField(
        default=Weights.needs, validators=[MaxValueValidator(100)]
    )
    weight_grade_subject = models.PositiveSmallIntegerField(
        default=Weights.grade_subject, validators=[MaxValueValidator(100)]
    )
    weight_quadrant = models.PositiveSmallIntegerField(
        default=Weights.quadrant, validators=[MaxValueValidator(100)]
    )
    weight_continuity = models.PositiveSmallIntegerField(
        default=Weights.continuity, validators=[MaxValueValidator(100)]
    )
    weight_preference = models.PositiveSmallIntegerField(
        default=Weights.preference, validators=[MaxValueValidator(100)]
    )
    weight_load = models.PositiveSmallIntegerField(default=Weights.load, validators=[MaxValueValidator(100)])
    routes = models.JSONField(
        default=dict, blank=True, help_text="Per quadrant: support types and offers, in order."
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "routing policies"

    def __str__(self) -> str:
        return f"Routing policy of {self.district}"

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(self.experience_threshold, self.confidence_threshold, self.adoption_discount)

    @property
    def weights(self) -> Weights:
        return Weights(
            self.weight_needs,
            self.weight_grade_subject,
            self.weight_quadrant,
            self.weight_continuity,
            self.weight_preference,
            self.weight_load,
        )

    @property
    def route_map(self) -> dict[Quadrant, Route]:
        return routes_from_json(self.routes or {})

    def snapshot(self) -> dict[str, Any]:
        """What a matching round ran with, kept on the round."""
        return {
            "experience_threshold": self.experience_threshold,
            "adoption_discount": self.adoption_discount,
            "confidence_threshold": self.confidence_threshold,
            "weights": self.weights.as_dict(),
            "routes": routes_to_json(self.route_map),
        }


DEFAULT_LOOK_FORS: dict[Quadrant, tuple[str, ...]] = {
    Quadrant.NEW_CONFIDENT: (
        "Brings new ideas to the classroom",
        "Excitement, passion and eagerness to teach",
        "Inflexible when plans change; finds it hard to pivot",
    ),
    Quadrant.EXPERIENCED_CONFIDENT: (
        "Adapts lessons on the fly to what students show",
        "Shares practice with colleagues",
        "Adopts a new tool only when it clearly serves the lesson",
    ),
    Quadrant.NEW_DEVELOPING: (
        "Follows the pacing guide closely, unsure when to depart from it",
        "Asks for ready-made materials",
        "Classroom routines still forming",
    ),
    Quadrant.EXPERIENCED_DEVELOPING: (
        "Comfortable, but lets others do the work",
        "Compliance-dependent learning: students work for points, not understanding",
        "Relies on the same few routines for every lesson",
    ),
}
DEFAULT_ROUTES_JSON = routes_to_json(DEFAULT_ROUTES)


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
