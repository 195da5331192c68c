"""Surveys are anonymous: answers cannot be tied to a teacher through any page, export or API route,
not even by narrowing the view down to a group of one."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.urls import reverse

from coachmap.coaching.models import CoachingSession
from coachmap.core import schoolyear
from coachmap.core.models import Teacher, User
from coachmap.feedback import queries, services
from coachmap.feedback.models import (
    PulseReceipt,
    PulseResponse,
    SealedAnswer,
    SurveyAnswer,
    SurveyReceipt,
    SurveyResponse,
    SurveyStatus,
)
from tests.conftest import World
from tests.factories import CycleFactory, SessionFactory, TeacherFactory

pytestmark = pytest.mark.django_db
NOON = datetime.datetime(2026, 10, 20, 12, tzinfo=ZoneInfo("America/New_York"))
TODAY = NOON.date()


@pytest.mark.parametrize("model", [PulseResponse, SurveyResponse, SurveyAnswer, SealedAnswer])
def test_an_anonymous_answer_has_no_link_to_a_person_a_session_a_time_or_an_order(
    model: type[models.Model],
) -> None:
    for f in model._meta.get_fields():
        if f.is_relation and f.concrete:
            assert f.related_model not in (Teacher, User, CoachingSession), f"{model.__name__}.{f.name}"
        assert not isinstance(f, models.DateField | models.DateTimeField | models.TimeField), (
            f"{model.__name__}.{f.name}"
        )
    assert isinstance(model._meta.pk, models.UUIDField)  # no sequential id to order answers by


def _session_for_new_teacher(world: World, day: datetime.date = TODAY) -> tuple[Teacher, CoachingSession]:
    teacher = TeacherFactory(school=world.school)
    cycle = CycleFactory(
        coach=world.coach, request__goal__teacher=teacher, opened_on=datetime.date(2026, 9, 1)
    )
    return teacher, SessionFactory(cycle=cycle, date=day)


@time_machine.travel(NOON)
def test_the_teacher_answers_the_pulse_in_one_click_from_home_and_is_not_asked_again(world: World) -> None:
    session = SessionFactory(cycle=world.cycle, date=TODAY - datetime.timedelta(days=1))
    client = world.client("teacher")
    home = client.get(reverse("home")).content.decode()
    assert reverse("feedback:pulse", args=[session.pk]) in home
    response = client.post(
        reverse("feedback:pulse", args=[session.pk]), {"useful": "5", "will_use": "4", "respected": "5"}
    )
    assert response.status_code == 302
    # The answer waits sealed in the pool until enough different teachers have answered.
    assert SealedAnswer.objects.count() == 1 and not PulseResponse.objects.exists()
    assert PulseReceipt.objects.filter(teacher=world.teacher).count() == 1
    assert reverse("feedback:pulse", args=[session.pk]) not in client.get(reverse("home")).content.decode()
    with pytest.raises(ValidationError, match="already answered or skipped"):
        services.pulse_skip(teacher=world.teacher, session=session)
    with pytest.raises(PermissionDenied, match="your own coaching sessions"):
        services.pulse_answer(teacher=world.other_teacher, session=session, useful=1, will_use=1, respected=1)


@time_machine.travel(NOON)
def test_an_old_session_is_no_longer_asked_about(world: World) -> None:
    old = SessionFactory(cycle=world.cycle, date=TODAY - datetime.timedelta(days=15))
    assert queries.pending_pulse(world.teacher, TODAY) is None
    with pytest.raises(ValidationError, match="has closed"):
        services.pulse_answer(teacher=world.teacher, session=old, useful=3, will_use=3, respected=3)


@time_machine.travel(NOON)
def test_pulse_results_move_only_in_whole_batches_so_no_view_isolates_one_answer(world: World) -> None:
    year = schoolyear.school_year_of(TODAY)
    for _ in range(9):
        teacher, session = _session_for_new_teacher(world)
        services.pulse_answer(teacher=teacher, session=session, useful=5, will_use=4, respected=5)
        assert queries.pulse_results(world.coach.user, world.coach, year).n == 0
    teacher, session = _session_for_new_teacher(world)
    services.pulse_answer(teacher=teacher, session=session, useful=1, will_use=1, respected=1)
    released = queries.pulse_results(world.lead, world.coach, year)
    assert released.shown and released.n == 10
    # One more answer, a distinctive one: no view changes until a whole new batch has come in.
    teacher, session = _session_for_new_teacher(world)
    services.pulse_answer(teacher=teacher, session=session, useful=2, will_use=2, respected=2)
    again = queries.pulse_results(world.coach.user, world.coach, year)
    assert (again.n, [q.mean for q in again.questions]) == (10, [q.mean for q in released.questions])
    # Within the shown result, the one low answer is not printed as a count of one.
    useful = {c.value: c.count for c in again.questions[0].counts}
    assert useful[1] is None


@time_machine.travel(NOON)
def test_pulse_results_are_for_the_coach_the_lead_and_the_district_only(world: World) -> None:
    year = schoolyear.school_year_of(TODAY)
    for who in ("teacher", "principal", "other_coach"):
        with pytest.raises(PermissionDenied):
            queries.pulse_results(world.users[who], world.coach, year)
    assert queries.pulse_results(world.admin, world.coach, year).n == 0


@time_machine.travel(NOON)
def test_a_single_answer_shows_nowhere_even_where_the_district_reports_groups_of_one(world: World) -> None:
    world.district.min_group_size = 1
    world.district.save()
    teacher, session = _session_for_new_teacher(world)
    services.pulse_answer(teacher=teacher, session=session, useful=1, will_use=2, respected=1)
    assert not PulseResponse.objects.exists()  # the floor of 5 still holds it back, sealed
    assert SealedAnswer.objects.count() == 1
    for role in ("coach", "lead", "admin"):
        client = world.client(role)
        for period in ("year", "fall", "spring", "last-year"):
            url = reverse("reports:impact") + f"?coach={world.coach.pk}&period={period}"
            body = client.get(url).content.decode()
            assert "Not enough anonymous answers yet" in body, (role, period)


def test_the_lead_writes_opens_and_closes_the_faculty_survey(world: World) -> None:
    survey = services.survey_write(
        actor=world.lead, district=world.district, title="Year-end survey", school_year=2027
    )
    with pytest.raises(ValidationError, match="at least one question"):
        services.survey_status_set(actor=world.lead, survey=survey, status=SurveyStatus.OPEN)
    services.question_add(actor=world.lead, survey=survey, text="Coaching was worth my time.", kind="scale")
    with pytest.raises(ValidationError, match="at least two choices"):
        services.question_add(
            actor=world.lead, survey=survey, text="Which format?", kind="choice", options=["Only one"]
        )
    services.question_add(
        actor=world.lead,
        survey=survey,
        text="Which format helped most?",
        kind="choice",
        options=["Co-teaching", "Micro-coaching"],
    )
    with pytest.raises(PermissionDenied):
        services.question_add(actor=world.principal, survey=survey, text="Sneaky?", kind="scale")
    services.survey_status_set(actor=world.lead, survey=survey, status=SurveyStatus.OPEN)
    with pytest.raises(ValidationError, match="while the survey is a draft"):
        services.question_add(actor=world.lead, survey=survey, text="Late question", kind="scale")
    with pytest.raises(ValidationError, match="cannot become draft"):
        services.survey_status_set(actor=world.lead, survey=survey, status=SurveyStatus.DRAFT)


def test_faculty_results_show_only_once_closed_and_with_enough_answers(world: World) -> None:
    survey = world.open_survey
    question = survey.questions.get()
    teachers = [TeacherFactory(school=world.school) for _ in range(10)]
    for i, teacher in enumerate(teachers[:9]):
        services.survey_answer(teacher=teacher, survey=survey, answers={question.pk: 5 if i < 7 else 4})
    with pytest.raises(ValidationError, match="already answered"):
        services.survey_answer(teacher=teachers[0], survey=survey, answers={question.pk: 1})
    assert SurveyReceipt.objects.filter(survey=survey).count() == 9
    assert not queries.survey_results(world.lead, survey).shown  # still open
    services.survey_status_set(actor=world.lead, survey=survey, status=SurveyStatus.CLOSED)
    closed = queries.survey_results(world.principal, survey)
    assert not closed.shown and closed.questions == []  # 9 < 10
    with pytest.raises(ValidationError, match="not open"):
        services.survey_answer(teacher=teachers[9], survey=survey, answers={question.pk: 1})
    survey.status = SurveyStatus.OPEN
    survey.save()
    services.survey_answer(teacher=teachers[9], survey=survey, answers={question.pk: 1})
    services.survey_status_set(actor=world.lead, survey=survey, status=SurveyStatus.CLOSED)
    results = queries.survey_results(world.admin, survey)
    assert results.shown and results.respondents == 10
    counts = {c.value: c.count for c in results.questions[0].counts}
    assert counts[1] is None and counts[2] == 0  # the one dissent is hidden, with a complement
    page = world.client("lead").get(reverse("feedback:survey-results", args=[survey.pk])).content.decode()
    assert "10 teachers answered" in page and 'class="suppressed"' in page
    with pytest.raises(PermissionDenied):
        queries.survey_results(world.coach.user, survey)
