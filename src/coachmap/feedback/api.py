"""Surveys through the API (issue 20): the list, and results only as released, suppressed
aggregates (the same query as the results page). No route reads an individual answer."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from coachmap.core import access, tokens
from coachmap.core.inputs import Id, Pages
from coachmap.feedback import access as feedback_access
from coachmap.feedback import queries
from coachmap.feedback.models import Survey, SurveyStatus

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
    request: HttpRequest, status: SurveyStatus | None = None, school_year: int | None = None
) -> QuerySet[Survey]:
    """The faculty surveys the user may see (the district's), newest first."""
    access.require(
        access.may_open(request.user, "feedback:surveys"),
        "Surveys are for teachers, leads, principals and the district.",
    )
    rows = feedback_access.surveys_visible_to(request.user)
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
