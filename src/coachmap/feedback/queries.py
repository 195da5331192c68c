"""Reads for surveys. Results are aggregates only, through `anonymity.summarise`; nothing here ever
returns one response."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from coachmap.coaching.models import Attendance, CoachingSession, Offering
from coachmap.core import access
from coachmap.core.access import AnyUser
from coachmap.core.models import Coach, Teacher
from coachmap.feedback import access as feedback_access
from coachmap.feedback import anonymity
from coachmap.feedback.models import (
    SCALE,
    OfferingFeedback,
    OfferingFeedbackReceipt,
    PulseReceipt,
    PulseResponse,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyReceipt,
    SurveyStatus,
)
from coachmap.feedback.services import (
    OFFERING_FEEDBACK_DAYS,
    OFFERING_QUESTIONS,
    PULSE_QUESTIONS,
    PULSE_WINDOW_DAYS,
)


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
        feedback_access.may_read_pulse_results(user, coach), "These results are not part of your role."
    )
    min_size = anonymity.minimum(coach.district.min_group_size)
    batches: dict[int, list[tuple[int, ...]]] = defaultdict(list)
    for batch, *values in PulseResponse.objects.filter(
        coach=coach, school_year=school_year, batch__isnull=False
    ).values_list("batch", *PULSE_QUESTIONS):
        batches[batch].append(tuple(values))
    # Each release is decided knowing what the releases before it showed, as a reader who looked
    # after every batch would know it: the latest is what the pages show.
    in_order = [batches[b] for b in sorted(batches)]
    questions = []
    for i, text in enumerate(PULSE_QUESTIONS.values()):
        releases = anonymity.summarise_releases(
            text, [[row[i] for row in b] for b in in_order], SCALE, min_size
        )
        questions.append(releases[-1] if releases else anonymity.summarise(text, [], SCALE, min_size))
    n = sum(len(b) for b in in_order)
    return PulseResults(coach, school_year, min_size, n, questions)


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
        feedback_access.may_read_survey_results(user, survey),
        "Survey results are for the program lead, principals and the district.",
    )
    min_size = anonymity.minimum(survey.district.min_group_size)
    respondents = SurveyReceipt.objects.filter(survey=survey).count()
    questions = []
    if survey.status == SurveyStatus.CLOSED and respondents >= min_size:
        answered = survey.responses.count()
        values: dict[int, list[int]] = defaultdict(list)
        for question_id, value in SurveyAnswer.objects.filter(response__survey=survey).values_list(
            "question_id", "value"
        ):
            values[question_id].append(value)
        # Everyone who answered the survey is counted in every question, those who skipped it as
        # "No answer" (a cell like any other): two questions' totals never differ by one person.
        no_answer = [(anonymity.NO_ANSWER, "No answer")]
        questions = [
            anonymity.summarise(
                q.text,
                values[q.pk] + [anonymity.NO_ANSWER] * (answered - len(values[q.pk])),
                [*q.labels, *no_answer],
                min_size,
                scale=q.kind == QuestionKind.SCALE,
            )
            for q in survey.questions.all()
        ]
    return SurveyResults(survey, respondents, min_size, questions)


# --- after a professional-learning offering (issue 16) ---------------------------------------------


def pending_offering_feedback(teacher: Teacher, today: datetime.date) -> Offering | None:
    """An offering the teacher came to in the last three weeks and has not answered or skipped."""
    handled = OfferingFeedbackReceipt.objects.filter(teacher=teacher).values("offering")
    since = today - datetime.timedelta(days=OFFERING_FEEDBACK_DAYS)
    attended = Attendance.objects.filter(seat__teacher=teacher, session__starts_at__date__gte=since).values(
        "seat__offering"
    )
    return Offering.objects.filter(pk__in=attended).exclude(pk__in=handled).order_by("-id").first()


@dataclass(frozen=True)
class OfferingResults:
    offering: Offering
    min_size: int
    n: int
    questions: list[anonymity.QuestionResult]

    @property
    def shown(self) -> bool:
        return self.n >= self.min_size


def offering_feedback_results(user: AnyUser, offering: Offering) -> OfferingResults:
    """An offering's feedback, released answers only, each release decided knowing what the ones before
    showed (as the pulse): for the presenting coach, the program lead and the district admin."""
    access.require(
        feedback_access.may_read_offering_feedback(user, offering), "These results are not part of your role."
    )
    min_size = anonymity.minimum(offering.district.min_group_size)
    batches: dict[int, list[tuple[int, ...]]] = defaultdict(list)
    for batch, *values in OfferingFeedback.objects.filter(offering=offering, batch__isnull=False).values_list(
        "batch", *OFFERING_QUESTIONS
    ):
        batches[batch].append(tuple(values))
    in_order = [batches[b] for b in sorted(batches)]
    questions = []
    for i, text in enumerate(OFFERING_QUESTIONS.values()):
        releases = anonymity.summarise_releases(
            text, [[row[i] for row in b] for b in in_order], SCALE, min_size
        )
        questions.append(releases[-1] if releases else anonymity.summarise(text, [], SCALE, min_size))
    return OfferingResults(offering, min_size, sum(len(b) for b in in_order), questions)
