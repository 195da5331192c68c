"""The program as a whole (issue 16, parts 5 and 6): the coaches' own growth (a competency rubric,
a self-assessment each term, goals, a learning log) and the program's vision and annual review."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from coachmap.core.models import Coach, District


class Term(models.TextChoices):
    FALL = "fall", "Fall term"
    SPRING = "spring", "Spring term"


class RubricLevel(models.IntegerChoices):
    BEGINNING = 1, "Beginning"
    DEVELOPING = 2, "Developing"
    PROFICIENT = 3, "Proficient"
    LEADING = 4, "Leading"


class Competency(models.Model):
    """One area of the coaches' competency rubric. Taken off the rubric, never deleted, so past
    self-assessments keep their meaning."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="competencies")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=400, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["district", "position", "id"]
        verbose_name_plural = "competencies"

    def __str__(self) -> str:
        return self.name


class SelfAssessment(models.Model):
    """A coach's own reading of themselves on the rubric, once a term. Theirs alone; the program
    lead sees only the team's counts per level, suppressed below the minimum group size."""

    coach = models.ForeignKey(Coach, on_delete=models.CASCADE, related_name="self_assessments")
    school_year = models.PositiveSmallIntegerField()
    term = models.CharField(max_length=6, choices=Term.choices)
    reflection = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-school_year", "-term"]
        constraints = [
            models.UniqueConstraint(
                fields=["coach", "school_year", "term"], name="self_assessment_once_a_term"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_term_display()} {self.school_year - 1}–{self.school_year}"


class SelfRating(models.Model):
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="ratings")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="ratings")
    level = models.PositiveSmallIntegerField(
        choices=RubricLevel.choices, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )

    class Meta:
        ordering = ["competency__position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "competency"], name="self_rating_once_per_area")
        ]

    def __str__(self) -> str:
        return f"{self.competency}: {self.get_level_display()}"


class GoalStatus(models.TextChoices):
    ACTIVE = "active", "Working on it"
    MET = "met", "Met"
    SET_ASIDE = "set_aside", "Set aside"


class CoachGoal(models.Model):
    coach = models.ForeignKey(Coach, on_delete=models.CASCADE, related_name="growth_goals")
    text = models.CharField(max_length=300)
    competency = models.ForeignKey(
        Competency, on_delete=models.SET_NULL, null=True, blank=True, related_name="goals"
    )
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)
    set_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["status", "-set_on", "-id"]

    def __str__(self) -> str:
        return self.text


class LearningKind(models.TextChoices):
    BOOK = "book", "Book study"
    COURSE = "course", "Course or workshop"
    CONFERENCE = "conference", "Conference"
    NETWORK = "network", "Coaching network or peer coaching"
    PRESENTING = "presenting", "Presenting professional learning"
    OTHER = "other", "Other"


class LearningEntry(models.Model):
    coach = models.ForeignKey(Coach, on_delete=models.CASCADE, related_name="learning_log")
    on = models.DateField()
    kind = models.CharField(max_length=12, choices=LearningKind.choices)
    title = models.CharField(max_length=200)
    minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(1440)])
    reflection = models.TextField(blank=True, help_text="What you will do differently with teachers.")
    competency = models.ForeignKey(
        Competency, on_delete=models.SET_NULL, null=True, blank=True, related_name="learning"
    )

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name_plural = "learning entries"

    def __str__(self) -> str:
        return self.title


class ProgramVision(models.Model):
    """What the coaching program is for: the lead writes it, everyone in the district reads it."""

    district = models.OneToOneField(District, on_delete=models.CASCADE, related_name="program_vision")
    vision = models.TextField()
    aims = models.JSONField(default=list, blank=True, help_text="The program's aims, one a line.")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return "The coaching program's vision"


class AnnualReview(models.Model):
    """One school year of the program, gathered from its figures (all suppressed aggregates) and
    annotated by the lead with what to change. A past year is read-only."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="annual_reviews")
    school_year = models.PositiveSmallIntegerField()
    figures = models.JSONField(default=dict, blank=True)
    gathered_at = models.DateTimeField(null=True, blank=True)
    what_worked = models.TextField(blank=True)
    what_to_change = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["district", "-school_year"]
        constraints = [
            models.UniqueConstraint(fields=["district", "school_year"], name="annual_review_once_a_year")
        ]

    def __str__(self) -> str:
        return f"Annual review {self.school_year - 1}–{self.school_year}"


class YearRollover(models.Model):
    """A school year closed by the program lead (program/rollover.py): once per district and year."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="rollovers")
    school_year = models.PositiveSmallIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    done_at = models.DateTimeField(auto_now_add=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["district", "-school_year"]
        constraints = [
            models.UniqueConstraint(fields=["district", "school_year"], name="rollover_once_a_year")
        ]

    def __str__(self) -> str:
        return f"School year {self.school_year - 1}–{self.school_year} closed"
