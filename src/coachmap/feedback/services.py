"""Writes for surveys: answering or skipping the after-session pulse, and the faculty survey's
life (the program lead writes it, opens it, closes it; teachers answer it once).

Answers are stored without the teacher (see `models.py`); a receipt keeps a teacher from being
asked twice and says nothing about their answer. Answers first wait sealed in the pool and are
written to the answer tables only in shuffled batches (pulse: one answer from each of enough
different teachers; faculty survey: everything, when it closes), so no row order, id or time
pairs an answer with the receipt written beside it.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from coachmap.coaching.models import CoachingSession, Offering
from coachmap.core import access
from coachmap.core.models import Coach, District, Teacher, User
from coachmap.core.schoolyear import school_year_of
from coachmap.core.words import with_article
from coachmap.feedback import access as feedback_access
from coachmap.feedback import anonymity, sealing
from coachmap.feedback.models import (
    OfferingFeedback,
    OfferingFeedbackReceipt,
    PulseReceipt,
    PulseResponse,
    Question,
    QuestionKind,
    SealedAnswer,
    Survey,
    SurveyAnswer,
    SurveyReceipt,
    SurveyResponse,
    SurveyStatus,
)

MIN_CHOICES = 2  # a choice question offers at least this many answers


PULSE_WINDOW_DAYS = 14
"""A session's pulse is asked for two weeks; after that the memory is too faint to be useful."""

PULSE_QUESTIONS = {
    "useful": "The session helped me with my goal.",
    "will_use": "I will use something from it with my students this week.",
    "respected": "I felt respected and in charge of my own learning.",
}


def _pulse_receipt(teacher: Teacher, session: CoachingSession, today: datetime.date) -> None:
    access.require(
        feedback_access.may_answer_pulse(teacher.user, session),
        "You can only answer about your own coaching sessions.",
    )
    if session.date > today or (today - session.date).days > PULSE_WINDOW_DAYS:
        raise ValidationError("This session’s quick survey has closed.")
    _, created = PulseReceipt.objects.get_or_create(session=session, teacher=teacher)
    if not created:
        raise ValidationError("You have already answered or skipped the survey for this session.")


_SHUFFLE = random.SystemRandom()
PULSE_SEAL_WIDTH = 120
"""Every sealed pulse entry is padded to this many characters: an answer and a skip look alike."""


def _pulse_seal(teacher: Teacher, coach: Coach, school_year: int, values: list[int]) -> None:
    """Put an answer (or, with zeros, a skip) into the pool, sealed."""
    who = sealing.respondent("pulse", coach.pk, school_year, teacher.pk)
    SealedAnswer.objects.create(
        coach=coach, school_year=school_year, sealed=sealing.seal({"r": who, "a": values}, PULSE_SEAL_WIDTH)
    )


def _release(coach: Coach, school_year: int) -> None:
    """Release one answer from each different teacher waiting about a coach, once there are enough
    of them; the rest are sealed again in a new random order, so the pool's rows say nothing
    about who is still waiting."""
    Coach.objects.select_for_update().filter(pk=coach.pk).first()
    pool = SealedAnswer.objects.filter(coach=coach, school_year=school_year)
    waiting = []
    for sealed in pool.values_list("sealed", flat=True):
        entry = sealing.unseal(sealed)
        if entry is not None and any(entry["a"]):
            waiting.append((str(entry["r"]), tuple(int(v) for v in entry["a"])))
    released = anonymity.batch(waiting, anonymity.minimum(coach.district.min_group_size), _SHUFFLE)
    if not released:
        return
    last = PulseResponse.objects.filter(coach=coach, school_year=school_year).aggregate(b=Max("batch"))["b"]
    PulseResponse.objects.bulk_create(
        PulseResponse(
            district_id=coach.district_id,
            coach=coach,
            school_year=school_year,
            useful=useful,
            will_use=will_use,
            respected=respected,
            batch=(last or 0) + 1,
        )
        for _, (useful, will_use, respected) in released
    )
    remaining = list(waiting)
    for item in released:
        remaining.remove(item)
    _SHUFFLE.shuffle(remaining)
    pool.delete()
    SealedAnswer.objects.bulk_create(
        SealedAnswer(
            coach=coach,
            school_year=school_year,
            sealed=sealing.seal({"r": who, "a": list(values)}, PULSE_SEAL_WIDTH),
        )
        for who, values in remaining
    )


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
    year = school_year_of(session.date)
    with transaction.atomic():
        _pulse_receipt(teacher, session, today)
        _pulse_seal(teacher, coach, year, [useful, will_use, respected])
        _release(coach, year)


def pulse_skip(*, teacher: Teacher, session: CoachingSession, today: datetime.date | None = None) -> None:
    """The teacher would rather not answer about this session; they are not asked again."""
    coach = session.cycle.coach
    with transaction.atomic():
        _pulse_receipt(teacher, session, today or timezone.localdate())
        # Sealed like an answer, so the pool does not tell a skip from an answer; never counted.
        _pulse_seal(teacher, coach, school_year_of(session.date), [0, 0, 0])


# --- the faculty survey ---------------------------------------------------------------------------


def _lead(actor: User, district_id: int) -> None:
    access.require(
        feedback_access.may_edit_surveys(actor, district_id), "Only the program lead edits surveys."
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
    if kind == QuestionKind.CHOICE and len(choices) < MIN_CHOICES:
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
        raise ValidationError(
            f"{with_article(survey.get_status_display().lower(), capital=True)} survey cannot become {status}."
        )
    if status == SurveyStatus.OPEN and not survey.questions.exists():
        raise ValidationError("Add at least one question before opening the survey.")
    with transaction.atomic():
        survey.status = status
        survey.save(update_fields=["status"])
        if status == SurveyStatus.CLOSED:
            _survey_release(survey)
    return survey


def _survey_release(survey: Survey) -> None:
    """Write the survey's sealed answers to the answer tables in random order, and empty its pool."""
    pool = SealedAnswer.objects.filter(survey=survey)
    questions = set(survey.questions.values_list("pk", flat=True))
    responses: list[SurveyResponse] = []
    answers: list[SurveyAnswer] = []
    for sealed in pool.values_list("sealed", flat=True):
        entry = sealing.unseal(sealed)
        if entry is None:
            continue
        response = SurveyResponse(survey=survey)
        responses.append(response)
        answers.extend(
            SurveyAnswer(response=response, question_id=int(qid), value=int(value))
            for qid, value in entry["a"].items()
            if int(qid) in questions
        )
    _SHUFFLE.shuffle(responses)
    _SHUFFLE.shuffle(answers)
    SurveyResponse.objects.bulk_create(responses)
    SurveyAnswer.objects.bulk_create(answers)
    pool.delete()


def survey_answer(*, teacher: Teacher, survey: Survey, answers: Mapping[int, int]) -> None:
    """A teacher answers the faculty survey once, anonymously. Unanswered questions are left out."""
    access.require(
        feedback_access.may_answer_survey(teacher.user, survey),
        "This survey is for another district's teachers.",
    )
    if survey.status != SurveyStatus.OPEN:
        raise ValidationError("This survey is not open for answers: it is a draft or already closed.")
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
        payload = {"a": {str(qid): value for qid, value in answers.items()}}
        SealedAnswer.objects.create(survey=survey, sealed=sealing.seal(payload, 24 + 16 * len(questions)))


# --- after a professional-learning offering (issue 16): anonymous exactly as the pulse -------------

OFFERING_FEEDBACK_DAYS = 21
"""An offering's questions are asked for three weeks after its last session has started."""

OFFERING_QUESTIONS = {
    "useful": "The session was worth my time.",
    "will_use": "I will use something from it with my students in the next two weeks.",
    "fits_goal": "It fits what my school is working on.",
}


def _offering_receipt(teacher: Teacher, offering: Offering, today: datetime.date) -> None:
    access.require(
        feedback_access.may_answer_offering_feedback(teacher.user, offering),
        "Only teachers who came to the offering answer about it.",
    )
    last = offering.sessions.aggregate(m=Max("starts_at"))["m"]
    if last is None or (today - timezone.localtime(last).date()).days > OFFERING_FEEDBACK_DAYS:
        raise ValidationError("The questions about this offering have closed.")
    _, created = OfferingFeedbackReceipt.objects.get_or_create(offering=offering, teacher=teacher)
    if not created:
        raise ValidationError("You have already answered or skipped the questions about this offering.")


def _offering_seal(teacher: Teacher, offering: Offering, values: list[int]) -> None:
    """An answer (or, with zeros, a skip) into the pool, sealed: the same pool and seal as the pulse."""
    who = sealing.respondent("offering", offering.pk, teacher.pk)
    SealedAnswer.objects.create(
        offering=offering, sealed=sealing.seal({"r": who, "a": values}, PULSE_SEAL_WIDTH)
    )


def _offering_release(offering: Offering) -> None:
    """As `_release` for the pulse: one answer from each different attendee waiting, once there are
    at least the minimum group size of them, written in random order; the rest are sealed again."""
    Offering.objects.select_for_update().filter(pk=offering.pk).first()
    pool = SealedAnswer.objects.filter(offering=offering)
    waiting = []
    for sealed in pool.values_list("sealed", flat=True):
        entry = sealing.unseal(sealed)
        if entry is not None and any(entry["a"]):
            waiting.append((str(entry["r"]), tuple(int(v) for v in entry["a"])))
    released = anonymity.batch(waiting, anonymity.minimum(offering.district.min_group_size), _SHUFFLE)
    if not released:
        return
    last = OfferingFeedback.objects.filter(offering=offering).aggregate(b=Max("batch"))["b"]
    OfferingFeedback.objects.bulk_create(
        OfferingFeedback(
            offering=offering, useful=useful, will_use=will_use, fits_goal=fits_goal, batch=(last or 0) + 1
        )
        for _, (useful, will_use, fits_goal) in released
    )
    remaining = list(waiting)
    for item in released:
        remaining.remove(item)
    _SHUFFLE.shuffle(remaining)
    pool.delete()
    SealedAnswer.objects.bulk_create(
        SealedAnswer(offering=offering, sealed=sealing.seal({"r": who, "a": list(values)}, PULSE_SEAL_WIDTH))
        for who, values in remaining
    )


def offering_feedback_answer(
    *,
    teacher: Teacher,
    offering: Offering,
    useful: int,
    will_use: int,
    fits_goal: int,
    today: datetime.date | None = None,
) -> None:
    """An attendee answers the three questions after an offering, anonymously."""
    today = today or timezone.localdate()
    values = {"useful": useful, "will_use": will_use, "fits_goal": fits_goal}
    bad = [OFFERING_QUESTIONS[k] for k, v in values.items() if v not in range(1, 6)]
    if bad:
        raise ValidationError(f"Choose an answer from 1 to 5 for: {' '.join(bad)}")
    with transaction.atomic():
        _offering_receipt(teacher, offering, today)
        _offering_seal(teacher, offering, [useful, will_use, fits_goal])
        _offering_release(offering)


def offering_feedback_skip(
    *, teacher: Teacher, offering: Offering, today: datetime.date | None = None
) -> None:
    """The attendee would rather not answer; sealed like an answer, never counted, not asked again."""
    with transaction.atomic():
        _offering_receipt(teacher, offering, today or timezone.localdate())
        _offering_seal(teacher, offering, [0, 0, 0])
