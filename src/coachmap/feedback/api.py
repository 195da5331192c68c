"""Surveys through the API (issue 20): the after-session pulse, the faculty survey's life
(written, opened and closed by the program lead, answered by teachers), the questions after a
professional-learning offering, and results only as released, suppressed aggregates (the same
queries as the results pages).

Every write calls the page's service, so answers are kept exactly as the pages keep them: a
receipt that the teacher has dealt with the questions (holding no answer) and the answer sealed
apart, counted only in batches. No route reads, or answers with, an individual answer.
"""

import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from coachmap.coaching import access as coaching_access
from coachmap.core import access, tokens
from coachmap.core.access import teacher_of
from coachmap.core.inputs import Id, Pages, errors_on, form_checked
from coachmap.core.models import Role
from coachmap.core.schoolyear import school_year_of
from coachmap.feedback import access as feedback_access
from coachmap.feedback import anonymity, queries, services
from coachmap.feedback.forms import QuestionForm, SurveyForm
from coachmap.feedback.models import Question, QuestionKind, Survey, SurveyStatus

router = Router(tags=["surveys"])


class SurveyOut(Schema):
    id: int
    title: str
    school_year: int
    status: str
    created_at: datetime.datetime


@router.get("/surveys", response=list[SurveyOut])
@tokens.service(tokens.Scope.READ_AGGREGATES)
@paginate(Pages, page_size=50)
def surveys(
    request: HttpRequest,
    status: SurveyStatus | None = None,
    school_year: int | None = None,
    to_answer: bool = False,
) -> QuerySet[Survey]:
    """The faculty surveys the user may see (the district's), newest first. `to_answer=true`: only
    the open ones the signed-in teacher has not answered yet (as listed on the surveys page)."""
    access.require(
        access.may_open(request.user, "feedback:surveys"),
        "Surveys are for teachers, leads, principals and the district.",
    )
    rows = feedback_access.surveys_visible_to(request.user)
    if to_answer:
        teacher = teacher_of(request.user)
        rows = rows.filter(pk__in=queries.surveys_to_answer(teacher).values("pk")) if teacher else rows.none()
    if status:
        rows = rows.filter(status=status)
    if school_year is not None:
        rows = rows.filter(school_year=school_year)
    return rows.order_by("-school_year", "-created_at", "-id")


class CountOut(Schema):
    value: int
    label: str
    count: int | None


class QuestionOut(Schema):
    text: str
    answered: int | None
    shown: bool
    mean: float | None
    agree_percent: int | None
    counts: list[CountOut]


class ResultsOut(Schema):
    survey_id: int
    title: str
    status: str
    shown: bool
    respondents: int | None
    min_group_size: int
    questions: list[QuestionOut]


@router.get("/surveys/{survey_id}/results", response=ResultsOut)
@tokens.service(tokens.Scope.READ_AGGREGATES)
def survey_results(request: HttpRequest, survey_id: Id) -> dict[str, Any]:
    """District-wide results once the survey is closed and enough people answered: counts below the
    minimum are null; nothing is broken down by school or person."""
    access.require(
        access.may_open(request.user, "feedback:survey-results"),
        "Survey results are for the program lead, principals and the district.",
    )
    survey = access.fetch(feedback_access.surveys_visible_to, request.user, pk=survey_id)
    results = queries.survey_results(request.user, survey)
    return {
        "survey_id": survey.pk,
        "title": survey.title,
        "status": survey.status,
        "shown": results.shown,
        "respondents": results.respondents if results.shown else None,
        "min_group_size": results.min_size,
        "questions": [
            {
                "text": q.text,
                "answered": q.n if q.shown else None,
                "shown": q.shown,
                "mean": q.mean,
                "agree_percent": q.agree_percent,
                "counts": [{"value": c.value, "label": c.label, "count": c.count} for c in q.counts]
                if q.shown
                else [],
            }
            for q in results.questions
        ],
    }


# --- the pulse after a session (the home page's three questions) ---------------------------------


class PulseSessionOut(Schema):
    session_id: int
    date: datetime.date
    coach: str
    questions: dict[str, str]


@router.get("/pulse", response=PulseSessionOut | None)
def pulse_pending(request: HttpRequest) -> dict[str, Any] | None:
    """The session the signed-in teacher is asked about on their home page (their latest of the last
    two weeks not yet answered or skipped), or null. The three questions are keyed as the answer is."""
    access.require(
        access.may_open(request.user, "feedback:pulse"), "The pulse is for the teacher of a session."
    )
    teacher = teacher_of(request.user)
    session = queries.pending_pulse(teacher, timezone.localdate()) if teacher else None
    if session is None:
        return None
    return {
        "session_id": session.pk,
        "date": session.date,
        "coach": str(session.cycle.coach),
        "questions": services.PULSE_QUESTIONS,
    }


Scale = Field(None, ge=1, le=5, description="1 strongly disagree … 5 strongly agree")


class PulseIn(Schema):
    skip: bool = Field(False, description="Not to answer: not asked about this session again.")
    useful: int | None = Scale
    will_use: int | None = Scale
    respected: int | None = Scale


class AnsweredOut(Schema):
    done: str
    detail: str


def _three(payload: Schema, keys: dict[str, str]) -> dict[str, int]:
    """The three answers, each named when missing (as the page's form asks for each)."""
    values = {key: getattr(payload, key) for key in keys}
    missing = {
        key: "Choose an answer from 1 to 5, or skip." for key, value in values.items() if value is None
    }
    if missing:
        raise ValidationError(missing)
    return values


@router.post("/sessions/{session_id}/pulse", response=AnsweredOut)
def pulse_answer(request: HttpRequest, session_id: Id, payload: PulseIn) -> dict[str, str]:
    """The teacher answers (or skips) the three-question pulse about their session, as on the home
    page. Anonymous as there: a receipt says the session is dealt with (not how); the answer is
    sealed apart and counted only in a batch of enough different teachers. Nothing is echoed back."""
    access.require(
        access.may_open(request.user, "feedback:pulse"), "The pulse is for the teacher of a session."
    )
    session = access.fetch(coaching_access.sessions_visible_to, request.user, pk=session_id)
    access.require(
        feedback_access.may_answer_pulse(request.user, session),
        "Only the teacher answers about their session.",
    )
    teacher = request.user.teacher  # type: ignore[union-attr]
    if payload.skip:
        services.pulse_skip(teacher=teacher, session=session)
        return {"done": "skipped", "detail": "Skipped. We will not ask about that session again."}
    given = _three(payload, services.PULSE_QUESTIONS)
    services.pulse_answer(
        teacher=teacher,
        session=session,
        useful=given["useful"],
        will_use=given["will_use"],
        respected=given["respected"],
    )
    return {
        "done": "answered",
        "detail": "Thank you. Your answers are anonymous and counted only with others’.",
    }


# --- the faculty survey: written, opened and closed by the program lead; answered by teachers ----


class ChoiceOut(Schema):
    value: int
    label: str


class SurveyQuestionOut(Schema):
    id: int
    position: int
    text: str
    kind: str
    choices: list[ChoiceOut]


class SurveyDetailOut(SurveyOut):
    introduction: str
    questions: list[SurveyQuestionOut]


def _survey(survey: Survey) -> dict[str, Any]:
    return {
        "id": survey.pk,
        "title": survey.title,
        "introduction": survey.introduction,
        "school_year": survey.school_year,
        "status": survey.status,
        "created_at": survey.created_at,
        "questions": [
            {
                "id": q.pk,
                "position": q.position,
                "text": q.text,
                "kind": q.kind,
                "choices": [{"value": v, "label": label} for v, label in q.labels],
            }
            for q in survey.questions.all()
        ],
    }


@router.get("/surveys/{survey_id}", response=SurveyDetailOut)
@tokens.service(tokens.Scope.READ_AGGREGATES)
def survey_detail(request: HttpRequest, survey_id: Id) -> dict[str, Any]:
    """A survey and its questions (with the answers a teacher picks from), for those who see it."""
    access.require(
        access.may_open(request.user, "feedback:surveys"),
        "Surveys are for teachers, leads, principals and the district.",
    )
    return _survey(access.fetch(feedback_access.surveys_visible_to, request.user, pk=survey_id))


class SurveyIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    introduction: str = Field("", max_length=4000)


@router.post("/surveys", response=SurveyDetailOut)
def survey_create(request: HttpRequest, payload: SurveyIn) -> dict[str, Any]:
    """The program lead writes a new survey for this school year, a draft: add its questions, then
    open it."""
    access.require(
        access.may_open(request.user, "feedback:survey-new"), "Only the program lead writes surveys."
    )
    district = access.acting_district(request.user, Role.PROGRAM_LEAD)
    access.require(district is not None, "Only the program lead writes surveys.")
    form = form_checked(SurveyForm(payload.dict()))
    survey = services.survey_write(
        actor=request.user,  # type: ignore[arg-type]
        district=district,  # type: ignore[arg-type]
        school_year=school_year_of(timezone.localdate()),
        **form.cleaned_data,
    )
    return _survey(survey)


def _editable(request: HttpRequest, survey_id: int, page: str) -> Survey:
    access.require(access.may_open(request.user, page), "Only the program lead edits surveys.")
    survey = access.fetch(feedback_access.surveys_visible_to, request.user, pk=survey_id)
    access.require(
        feedback_access.may_edit_surveys(request.user, survey.district_id),
        "Only the program lead edits surveys.",
    )
    return survey


@router.put("/surveys/{survey_id}", response=SurveyDetailOut)
def survey_update(request: HttpRequest, survey_id: Id, payload: SurveyIn) -> dict[str, Any]:
    """The program lead changes a survey's title and introduction."""
    survey = _editable(request, survey_id, "feedback:survey-edit")
    form = form_checked(SurveyForm(payload.dict()))
    services.survey_write(
        actor=request.user,  # type: ignore[arg-type]
        district=survey.district,
        school_year=survey.school_year,
        survey=survey,
        **form.cleaned_data,
    )
    return _survey(survey)


class QuestionIn(Schema):
    text: str = Field(..., min_length=1, max_length=300)
    kind: QuestionKind = QuestionKind.SCALE
    options: list[str] = Field(
        default_factory=list, max_length=50, description="The choices, for a choice question"
    )


@router.post("/surveys/{survey_id}/questions", response=SurveyDetailOut)
def survey_question_add(request: HttpRequest, survey_id: Id, payload: QuestionIn) -> dict[str, Any]:
    """Add a question to a draft survey (no free-text questions: only answers that can be counted)."""
    survey = _editable(request, survey_id, "feedback:survey-edit")
    # The page's form: one choice a line.
    form = form_checked(
        QuestionForm({"text": payload.text, "kind": payload.kind, "options": "\n".join(payload.options)})
    )
    with errors_on("survey"):
        services.question_add(actor=request.user, survey=survey, **form.cleaned_data)  # type: ignore[arg-type]
    return _survey(survey)


@router.delete("/surveys/{survey_id}/questions/{question_id}", response=SurveyDetailOut)
def survey_question_remove(request: HttpRequest, survey_id: Id, question_id: Id) -> dict[str, Any]:
    """Remove a question from a draft survey."""
    survey = _editable(request, survey_id, "feedback:survey-edit")
    question = access.fetch(lambda u: Question.objects.filter(survey=survey), request.user, pk=question_id)
    with errors_on("survey"):
        services.question_remove(actor=request.user, question=question)  # type: ignore[arg-type]
    return _survey(survey)


class SurveyStatusIn(Schema):
    status: Literal[SurveyStatus.OPEN, SurveyStatus.CLOSED] = Field(
        ..., description="open: a draft is answered from now on; closed: answers stop and results are counted"
    )


@router.post("/surveys/{survey_id}/status", response=SurveyOut)
def survey_status(request: HttpRequest, survey_id: Id, payload: SurveyStatusIn) -> Survey:
    """Open a draft for answers, or close an open survey: its sealed answers are then counted, in
    random order, and its results show once enough teachers answered."""
    access.require(
        access.may_open(request.user, "feedback:survey-status"),
        "Only the program lead opens and closes surveys.",
    )
    survey = access.fetch(feedback_access.surveys_visible_to, request.user, pk=survey_id)
    with errors_on("status"):
        return services.survey_status_set(actor=request.user, survey=survey, status=payload.status)  # type: ignore[arg-type]


class AnswerIn(Schema):
    question_id: Id
    value: int = Field(..., ge=1, le=100, description="One of the question's `choices`")


class SurveyAnswersIn(Schema):
    answers: list[AnswerIn] = Field(..., min_length=1, max_length=200)


@router.post("/surveys/{survey_id}/answers", response=AnsweredOut)
def survey_answer(request: HttpRequest, survey_id: Id, payload: SurveyAnswersIn) -> dict[str, str]:
    """A teacher answers an open survey, once and anonymously, as on its page: a receipt keeps them
    from being asked again; the answers wait sealed and are counted, shuffled, when it closes.
    Questions left out count as "No answer"."""
    access.require(
        access.may_open(request.user, "feedback:survey-answer"), "Surveys are answered by teachers."
    )
    survey = access.fetch(feedback_access.surveys_visible_to, request.user, pk=survey_id)
    answers = {a.question_id: a.value for a in payload.answers}
    if len(answers) != len(payload.answers):
        raise ValidationError({"answers": "Answer each question once."})
    with errors_on("answers"):
        services.survey_answer(teacher=request.user.teacher, survey=survey, answers=answers)  # type: ignore[union-attr]
    return {"done": "answered", "detail": "Thank you. Your answers are anonymous."}


# --- after a professional-learning offering (issue 16): anonymous exactly as the pulse ------------


class OfferingFeedbackIn(Schema):
    skip: bool = Field(False, description="Not to answer: not asked about this offering again.")
    useful: int | None = Scale
    will_use: int | None = Scale
    fits_goal: int | None = Scale


@router.post("/offerings/{offering_id}/feedback", response=AnsweredOut)
def offering_feedback_answer(
    request: HttpRequest, offering_id: Id, payload: OfferingFeedbackIn
) -> dict[str, str]:
    """A teacher who came to an offering answers (or skips) its three questions, anonymously as the
    pulse: a receipt apart, the answer sealed and counted only in batches."""
    access.require(
        access.may_open(request.user, "feedback:offering-feedback"),
        "Only teachers who came to the offering answer about it.",
    )
    offering = access.fetch(coaching_access.offerings_visible_to, request.user, pk=offering_id)
    access.require(
        feedback_access.may_answer_offering_feedback(request.user, offering),
        "Only teachers who came to the offering answer about it.",
    )
    teacher = request.user.teacher  # type: ignore[union-attr]
    if payload.skip:
        services.offering_feedback_skip(teacher=teacher, offering=offering)
        return {"done": "skipped", "detail": "Skipped. We will not ask about this offering again."}
    given = _three(payload, services.OFFERING_QUESTIONS)
    services.offering_feedback_answer(
        teacher=teacher,
        offering=offering,
        useful=given["useful"],
        will_use=given["will_use"],
        fits_goal=given["fits_goal"],
    )
    return {
        "done": "answered",
        "detail": "Thank you. Your answers are anonymous and counted only with others’.",
    }


class ReleasedQuestionOut(Schema):
    text: str
    shown: bool
    answered: int | None
    agree_percent: int | None
    mean: float | None
    counts: list[CountOut]


class ReleasedOut(Schema):
    shown: bool
    answers: int | None = Field(..., description="Answers counted so far; null until enough")
    min_group_size: int
    questions: list[ReleasedQuestionOut]


def released(shown: bool, n: int, min_size: int, questions: list[anonymity.QuestionResult]) -> dict[str, Any]:
    """Released pulse-like answers as the results pages show them: nothing until a batch of enough
    different people; within, counts and means suppressed (null) as `anonymity` decides."""
    return {
        "shown": shown,
        "answers": n if shown else None,
        "min_group_size": min_size,
        "questions": [
            {
                "text": q.text,
                "shown": q.shown,
                "answered": q.n if q.shown else None,
                "agree_percent": q.agree_percent,
                "mean": q.mean,
                "counts": [{"value": c.value, "label": c.label, "count": c.count} for c in q.counts]
                if q.shown
                else [],
            }
            for q in questions
        ]
        if shown
        else [],
    }


class OfferingResultsOut(ReleasedOut):
    offering_id: int


@router.get("/offerings/{offering_id}/feedback", response=OfferingResultsOut)
def offering_feedback_results(request: HttpRequest, offering_id: Id) -> dict[str, Any]:
    """An offering's released, suppressed feedback, as on its results page: its presenting coach, the
    program lead and the district admin."""
    access.require(
        access.may_open(request.user, "feedback:offering-results"),
        "These results are for the presenter, the program lead and the district.",
    )
    offering = access.fetch(coaching_access.offerings_visible_to, request.user, pk=offering_id)
    results = queries.offering_feedback_results(request.user, offering)
    return {
        "offering_id": offering.pk,
        **released(results.shown, results.n, results.min_size, results.questions),
    }
