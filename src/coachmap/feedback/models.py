"""Surveys: the three-question pulse after each session and the end-of-year faculty survey.

Answers are anonymous. A response row holds no teacher, no session, no time and no sequential
id: only the coach (pulse) or survey it is about, the school year and the answers. Which teacher
has already answered or skipped is kept apart in a receipt that holds no answer, and says
nothing about whether the teacher answered or skipped. Answers first wait sealed in a pool
(`SealedAnswer`) and reach the answer tables only in shuffled batches: pulse answers one per
different teacher, in batches of at least the minimum group size; survey answers all at once
when the survey closes (see `feedback/anonymity.py` and `feedback/sealing.py`). So neither
the order of rows nor their ids pair an answer with the receipt written beside it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from coachmap.coaching.models import CoachingSession, Offering
from coachmap.core.models import Coach, District, Teacher

SCALE = [(1, "Strongly disagree"), (2, "Disagree"), (3, "Neutral"), (4, "Agree"), (5, "Strongly agree")]
scale_field_validators = [MinValueValidator(1), MaxValueValidator(5)]


class PulseResponse(models.Model):
    """One anonymous answer to the after-session pulse."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    coach = models.ForeignKey(Coach, on_delete=models.CASCADE, related_name="+")
    school_year = models.PositiveSmallIntegerField()
    useful = models.PositiveSmallIntegerField(choices=SCALE, validators=scale_field_validators)
    will_use = models.PositiveSmallIntegerField(choices=SCALE, validators=scale_field_validators)
    respected = models.PositiveSmallIntegerField(choices=SCALE, validators=scale_field_validators)
    batch = models.PositiveIntegerField(
        null=True, blank=True, help_text="Set when enough answers have come in to be counted together."
    )

    class Meta:
        indexes = [models.Index(fields=["coach", "school_year", "batch"])]

    def __str__(self) -> str:
        return "Anonymous pulse answer"


class PulseReceipt(models.Model):
    """That a teacher has dealt with the pulse for a session (answered or skipped: not which)."""

    session = models.ForeignKey(CoachingSession, on_delete=models.CASCADE, related_name="+")
    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "teacher"], name="pulse_receipt_once"),
        ]

    def __str__(self) -> str:
        return f"Pulse handled for session {self.session_id}"


class SealedAnswer(models.Model):
    """An answer waiting in the pool, sealed so that no one can read it as an answer.

    A pulse answer (or a skip: sealed alike, so the pool does not tell which a teacher chose) waits
    here until a batch of enough different teachers is released; a faculty-survey answer waits until
    the survey closes. Then the pool is opened with a key derived from the server's secret (not in
    the database), its answers are written to the answer tables in random order, and its rows are
    deleted. The row holds no teacher, session, time or order; the sealed text holds who answered
    only as a keyed hash, used to count different people, and is never stored anywhere else.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    coach = models.ForeignKey(Coach, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    school_year = models.PositiveSmallIntegerField(null=True, blank=True)
    survey = models.ForeignKey("Survey", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    sealed = models.BinaryField()

    class Meta:
        indexes = [models.Index(fields=["coach", "school_year"])]

    def __str__(self) -> str:
        return "Sealed answer waiting to be counted"


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Survey(models.Model):
    """The end-of-year faculty survey, written and edited by the program lead."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)
    school_year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=6, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-school_year", "-created_at"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SCALE = "scale", "Agree–disagree scale (1–5)"
    CHOICE = "choice", "One choice from a list"


class Question(models.Model):
    """A question of a faculty survey. No free-text questions: a comment can name its writer, and
    only aggregates are ever shown."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=6, choices=QuestionKind.choices, default=QuestionKind.SCALE)
    options = models.JSONField(default=list, blank=True, help_text="The choices, for a choice question.")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def labels(self) -> list[tuple[int, str]]:
        """(value, label) pairs a teacher picks from."""
        if self.kind == QuestionKind.SCALE:
            return SCALE
        return [(i + 1, str(option)) for i, option in enumerate(self.options)]


class SurveyResponse(models.Model):
    """One anonymous set of answers to a faculty survey."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")

    def __str__(self) -> str:
        return "Anonymous survey response"


class SurveyAnswer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once"),
        ]

    def __str__(self) -> str:
        return "Anonymous answer"


class SurveyReceipt(models.Model):
    """That a teacher has answered a survey, so they are not asked twice; holds no answer."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="receipts")
    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "teacher"], name="survey_receipt_once")]

    def __str__(self) -> str:
        return f"Survey {self.survey_id} answered"


class OfferingFeedback(models.Model):
    """One anonymous answer to the questions after a professional-learning offering (issue 16).

    Like `PulseResponse`: no teacher, no enrollment, no time, no sequential id; released from the
    sealed pool in shuffled batches of one answer from each of enough different attendees."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="+")
    useful = models.PositiveSmallIntegerField(choices=SCALE, validators=scale_field_validators)
    will_use = models.PositiveSmallIntegerField(choices=SCALE, validators=scale_field_validators)
    fits_goal = models.PositiveSmallIntegerField(choices=SCALE, validators=scale_field_validators)
    batch = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["offering", "batch"])]

    def __str__(self) -> str:
        return "Anonymous answer about an offering"


class OfferingFeedbackReceipt(models.Model):
    """That an attendee has answered or skipped an offering's questions (not which); holds no answer."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="+")
    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["offering", "teacher"], name="offering_feedback_receipt_once"),
        ]

    def __str__(self) -> str:
        return f"Offering {self.offering_id} feedback handled"
