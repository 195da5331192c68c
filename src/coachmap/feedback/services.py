"""Writes for surveys: answering or skipping the after-session pulse, and the faculty survey's
life (the program lead writes it, opens it, closes it; teachers answer it once).

Answers are stored without the teacher (see `models.py`); a receipt keeps a teacher from being
asked twice and says nothing about their answer.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from coachmap.coaching.models import CoachingSession
from coachmap.core import access
from coachmap.core.models import Coach, District, Role, Teacher, User
from coachmap.feedback import anonymity
from coachmap.feedback.models import (
    PulseReceipt,
    PulseResponse,
    Question,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyReceipt,
    SurveyResponse,
    SurveyStatus,
)
from coachmap.reports.queries import school_year_start

PULSE_WINDOW_DAYS = 14
"""A session's pulse is asked for two weeks; after that the memory is too faint to be useful."""

PULSE_QUESTIONS = {
    "useful": "The session helped me with my goal.",
    "will_use": "I will use something from it with my students this week.",
    "respected": "I felt respected and in charge of my own learning.",
}


def school_year_of(day: datetime.date) -> int:
    return school_year_start(day).year + 1


def _pulse_receipt(teacher: Teacher, session: CoachingSession, today: datetime.date) -> None:
    if session.cycle.teacher_id != teacher.pk:
        raise ValidationError("You can only answer about your own coaching sessions.")
    if session.date > today or (today - session.date).days > PULSE_WINDOW_DAYS:
        raise ValidationError("This session’s quick survey has closed.")
    _, created = PulseReceipt.objects.get_or_create(session=session, teacher=teacher)
    if not created:
        raise ValidationError("You have already answered or skipped the survey for this session.")


def _release(coach: Coach, school_year: int) -> None:
    """Release the waiting answers about a coach together once there are enough of them."""
    Coach.objects.select_for_update().filter(pk=coach.pk).first()
    waiting = PulseResponse.objects.filter(coach=coach, school_year=school_year, batch__isnull=True)
    if anonymity.releasable(waiting.count(), anonymity.minimum(coach.district.min_group_size)):
        last = PulseResponse.objects.filter(coach=coach, school_year=school_year).aggregate(b=Max("batch"))[
            "b"
        ]
        waiting.update(batch=(last or 0) + 1)


def pulse_answer(
    *,
    teacher: Teacher,
    session: CoachingSession,
    useful: int,
    will_use: int,
    respected: int,
    today: datetime.date | None = None,
) -> None:
    """The teacher answers the three-question pulse about a session, anonymously."""
    today = today or timezone.localdate()
    values = {"useful": useful, "will_use": will_use, "respected": respected}
    bad = [PULSE_QUESTIONS[k] for k, v in values.items() if v not in range(1, 6)]
    if bad:
        raise ValidationError(f"Choose an answer from 1 to 5 for: {' '.join(bad)}")
    coach = session.cycle.coach
    with transaction.atomic():
        _pulse_receipt(teacher, session, today)
        PulseResponse.objects.create(
            district_id=coach.district_id, coach=coach, school_year=school_year_of(session.date), **values
        )
        _release(coach, school_year_of(session.date))


def pulse_skip(*, teacher: Teacher, session: CoachingSession, today: datetime.date | None = None) -> None:
    """The teacher would rather not answer about this session; they are not asked again."""
    with transaction.atomic():
        _pulse_receipt(teacher, session, today or timezone.localdate())


# --- the faculty survey ---------------------------------------------------------------------------


def _lead(actor: User, district_id: int) -> None:
    access.require(
        district_id in access.district_ids(actor, Role.PROGRAM_LEAD), "Only the program lead edits surveys."
    )


def _draft(survey: Survey) -> None:
    if survey.status != SurveyStatus.DRAFT:
        raise ValidationError("Questions can only change while the survey is a draft, before anyone answers.")


def survey_write(
    *,
    actor: User,
    district: District,
    title: str,
    introduction: str = "",
    school_year: int,
    survey: Survey | None = None,
) -> Survey:
    """The program lead writes a faculty survey, or changes its title and introduction."""
    _lead(actor, district.pk)
    with transaction.atomic():
        survey = survey or Survey(district=district, created_by=actor)
        survey.title = title.strip()
        survey.introduction = introduction.strip()
        survey.school_year = school_year
        survey.full_clean()
        survey.save()
    return survey


def question_add(
    *, actor: User, survey: Survey, text: str, kind: QuestionKind | str, options: list[str] | None = None
) -> Question:
    _lead(actor, survey.district_id)
    _draft(survey)
    choices = [o.strip() for o in options or [] if o.strip()]
    if kind == QuestionKind.CHOICE and len(choices) < 2:
        raise ValidationError({"options": "A choice question needs at least two choices, one a line."})
    with transaction.atomic():
        position = (survey.questions.aggregate(p=Max("position"))["p"] or 0) + 1
        question = Question(
            survey=survey,
            text=text.strip(),
            kind=kind,
            options=choices if kind == QuestionKind.CHOICE else [],
            position=position,
        )
        question.full_clean()
        question.save()
    return question


def question_remove(*, actor: User, question: Question) -> None:
    _lead(actor, question.survey.district_id)
    _draft(question.survey)
    question.delete()


def survey_status_set(*, actor: User, survey: Survey, status: SurveyStatus | str) -> Survey:
    """Open a draft for answers, or close an open survey (its results show once it is closed)."""
    _lead(actor, survey.district_id)
    moves = {SurveyStatus.DRAFT: SurveyStatus.OPEN, SurveyStatus.OPEN: SurveyStatus.CLOSED}
    if moves.get(SurveyStatus(survey.status)) != status:
        raise ValidationError(f"A {survey.get_status_display().lower()} survey cannot become {status}.")
    if status == SurveyStatus.OPEN and not survey.questions.exists():
        raise ValidationError("Add at least one question before opening the survey.")
    survey.status = status
    survey.save(update_fields=["status"])
    return survey


def survey_answer(*, teacher: Teacher, survey: Survey, answers: Mapping[int, int]) -> None:
    """A teacher answers the faculty survey once, anonymously. Unanswered questions are left out."""
    if survey.district_id != teacher.school.district_id or survey.status != SurveyStatus.OPEN:
        raise ValidationError("This survey is not open for you.")
    questions = {q.pk: q for q in survey.questions.all()}
    for question_id, value in answers.items():
        question = questions.get(question_id)
        if question is None:
            raise ValidationError("An answer is for a question that is not in this survey.")
        if value not in {v for v, _ in question.labels}:
            raise ValidationError(f"“{value}” is not one of the answers to “{question.text}”.")
    if not answers:
        raise ValidationError("Answer at least one question.")
    with transaction.atomic():
        _, created = SurveyReceipt.objects.get_or_create(survey=survey, teacher=teacher)
        if not created:
            raise ValidationError("You have already answered this survey. Thank you!")
        response = SurveyResponse.objects.create(survey=survey)
        SurveyAnswer.objects.bulk_create(
            SurveyAnswer(response=response, question_id=qid, value=value) for qid, value in answers.items()
        )
