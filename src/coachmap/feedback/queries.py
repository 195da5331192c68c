"""Reads for surveys. Results are aggregates only, through `anonymity.summarise`; nothing here ever
returns one response."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from coachmap.coaching.models import CoachingSession
from coachmap.core import access
from coachmap.core.access import AnyUser
from coachmap.core.models import Coach, Role, Teacher
from coachmap.feedback import anonymity
from coachmap.feedback.models import (
    SCALE,
    PulseReceipt,
    PulseResponse,
    Survey,
    SurveyAnswer,
    SurveyReceipt,
    SurveyStatus,
)
from coachmap.feedback.services import PULSE_QUESTIONS, PULSE_WINDOW_DAYS


def pending_pulse(teacher: Teacher, today: datetime.date) -> CoachingSession | None:
    """The teacher's latest session of the last two weeks that they have not answered or skipped."""
    handled = PulseReceipt.objects.filter(teacher=teacher).values("session")
    return (
        CoachingSession.objects.filter(
            cycle__teacher=teacher,
            date__gte=today - datetime.timedelta(days=PULSE_WINDOW_DAYS),
            date__lte=today,
        )
        .exclude(pk__in=handled)
        .select_related("cycle__coach__user")
        .defer("notes")
        .order_by("-date", "-id")
        .first()
    )


@dataclass(frozen=True)
class PulseResults:
    coach: Coach
    school_year: int
    min_size: int
    n: int
    questions: list[anonymity.QuestionResult]

    @property
    def shown(self) -> bool:
        return self.n >= self.min_size


def pulse_results(user: AnyUser, coach: Coach, school_year: int) -> PulseResults:
    """A coach's pulse for a school year, counting released answers only: for the coach, the
    program lead and the district admin. Never by session, teacher, school or date."""
    access.require(
        access.impact_coaches_for(user).filter(pk=coach.pk).exists(),
        "These results are not part of your role.",
    )
    min_size = anonymity.minimum(coach.district.min_group_size)
    rows = list(
        PulseResponse.objects.filter(coach=coach, school_year=school_year, batch__isnull=False).values_list(
            *PULSE_QUESTIONS
        )
    )
    questions = [
        anonymity.summarise(text, [row[i] for row in rows], SCALE, min_size)
        for i, text in enumerate(PULSE_QUESTIONS.values())
    ]
    return PulseResults(coach, school_year, min_size, len(rows), questions)


def surveys_to_answer(teacher: Teacher) -> QuerySet[Survey]:
    answered = SurveyReceipt.objects.filter(teacher=teacher).values("survey")
    return Survey.objects.filter(district_id=teacher.school.district_id, status=SurveyStatus.OPEN).exclude(
        pk__in=answered
    )


@dataclass(frozen=True)
class SurveyResults:
    survey: Survey
    respondents: int
    min_size: int
    questions: list[anonymity.QuestionResult]

    @property
    def shown(self) -> bool:
        return self.survey.status == SurveyStatus.CLOSED and self.respondents >= self.min_size


def survey_results(user: AnyUser, survey: Survey) -> SurveyResults:
    """District-wide results of a faculty survey, shown once it is closed and enough have answered.

    There is no breakdown by school or anything else: each cut is another chance to single someone out.
    """
    access.require(
        access.has_role(user, Role.PROGRAM_LEAD, Role.PRINCIPAL, Role.DISTRICT_ADMIN)
        and access.surveys_visible_to(user).filter(pk=survey.pk).exists(),
        "Survey results are for the program lead, principals and the district.",
    )
    min_size = anonymity.minimum(survey.district.min_group_size)
    respondents = survey.responses.count()
    questions = []
    if survey.status == SurveyStatus.CLOSED and respondents >= min_size:
        values: dict[int, list[int]] = defaultdict(list)
        for question_id, value in SurveyAnswer.objects.filter(response__survey=survey).values_list(
            "question_id", "value"
        ):
            values[question_id].append(value)
        questions = [
            anonymity.summarise(q.text, values[q.pk], q.labels, min_size) for q in survey.questions.all()
        ]
    return SurveyResults(survey, respondents, min_size, questions)
