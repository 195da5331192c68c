"""The feedback pages' writes through the API (issue 20): the pulse, the faculty survey's life, the
questions after an offering, and the impact summary's pulse and fidelity. The same services as the
pages, so the same rows; anonymity kept exactly as the pages keep it."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.test import Client
from django.urls import reverse

from coachmap.core.models import Role, Teacher
from coachmap.feedback.models import (
    PulseReceipt,
    PulseResponse,
    SealedAnswer,
    Survey,
    SurveyReceipt,
    SurveyResponse,
    SurveyStatus,
)
from tests.conftest import World
from tests.factories import CycleFactory, DistrictFactory, SessionFactory, TeacherFactory, UserFactory, member
from tests.issue16_world import of as issue16

pytestmark = pytest.mark.django_db
NOON = datetime.datetime(2026, 10, 20, 12, tzinfo=ZoneInfo("America/New_York"))
TODAY = NOON.date()


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _rows() -> dict[str, int]:
    """How many rows each table holds: what a write added, wherever it went (sign-in sessions apart)."""
    return {m.__name__: m.objects.count() for m in apps.get_models() if m.__name__ != "Session"}


def _grew(before: dict[str, int]) -> dict[str, int]:
    after = _rows()
    return {name: after[name] - n for name, n in before.items() if after[name] != n}


def _new_teacher_session(world: World) -> tuple[Teacher, int]:
    teacher = TeacherFactory(school=world.school)
    cycle = CycleFactory(
        coach=world.coach, request__goal__teacher=teacher, opened_on=datetime.date(2026, 9, 1)
    )
    return teacher, SessionFactory(cycle=cycle, date=TODAY - datetime.timedelta(days=1)).pk


# --- the pulse ---------------------------------------------------------------------------------------


@time_machine.travel(NOON)
def test_the_pulse_answered_through_the_api_leaves_exactly_what_the_page_leaves(world: World) -> None:
    """A receipt (session, teacher: no answer) and a sealed answer (no teacher): nothing more, through
    either door, and the API's answer echoes nothing of the answer."""
    page_teacher, page_session = _new_teacher_session(world)
    before = _rows()
    _client(page_teacher.user).post(
        reverse("feedback:pulse", args=[page_session]), {"useful": "5", "will_use": "4", "respected": "2"}
    )
    by_page = _grew(before)

    api_teacher, api_session = _new_teacher_session(world)
    client = _client(api_teacher.user)
    assert client.get(reverse("api:pulse_pending")).json()["session_id"] == api_session
    before = _rows()
    response = client.post(
        reverse("api:pulse_answer", kwargs={"session_id": api_session}),
        {"useful": 5, "will_use": 4, "respected": 2},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() == {
        "done": "answered",
        "detail": "Thank you. Your answers are anonymous and counted only with others’.",
    }
    assert _grew(before) == by_page == {"PulseReceipt": 1, "SealedAnswer": 1}
    receipt = PulseReceipt.objects.get(teacher=api_teacher)
    assert receipt.session_id == api_session  # that they dealt with it; not how
    assert not PulseResponse.objects.exists()  # waits sealed for enough different teachers
    assert client.get(reverse("api:pulse_pending")).json() is None


@time_machine.travel(NOON)
def test_a_pulse_is_answered_once_and_bad_answers_change_nothing(world: World) -> None:
    teacher, session = _new_teacher_session(world)
    client = _client(teacher.user)
    url = reverse("api:pulse_answer", kwargs={"session_id": session})
    before = _rows()
    missing = client.post(url, {"useful": 5, "will_use": 4}, content_type="application/json")
    assert missing.status_code == 422 and "respected" in missing.json()["detail"]
    out_of_range = client.post(
        url, {"useful": 6, "will_use": 4, "respected": 4}, content_type="application/json"
    )
    assert out_of_range.status_code == 422 and "useful" in str(out_of_range.json()["detail"])
    assert _grew(before) == {}
    assert client.post(url, {"skip": True}, content_type="application/json").json()["done"] == "skipped"
    again = client.post(url, {"useful": 1, "will_use": 1, "respected": 1}, content_type="application/json")
    assert again.status_code == 422
    assert "already answered or skipped" in str(again.json()["detail"])
    assert SealedAnswer.objects.count() == 1  # the skip, sealed like an answer


@time_machine.travel(NOON)
def test_another_teachers_session_is_not_found_and_other_roles_are_refused(world: World) -> None:
    _, session = _new_teacher_session(world)
    url = reverse("api:pulse_answer", kwargs={"session_id": session})
    body = {"skip": True}
    assert world.client("teacher").post(url, body, content_type="application/json").status_code == 404
    assert world.client("coach").post(url, body, content_type="application/json").status_code == 403
    assert not PulseReceipt.objects.exists()


@time_machine.travel(NOON)
def test_an_old_sessions_pulse_has_closed_through_the_api_too(world: World) -> None:
    old = SessionFactory(cycle=world.cycle, date=TODAY - datetime.timedelta(days=15))
    response = world.client("teacher").post(
        reverse("api:pulse_answer", kwargs={"session_id": old.pk}),
        {"useful": 3, "will_use": 3, "respected": 3},
        content_type="application/json",
    )
    assert response.status_code == 422 and "has closed" in str(response.json()["detail"])
    assert not PulseReceipt.objects.exists()


# --- the faculty survey ------------------------------------------------------------------------------


def test_the_lead_writes_opens_and_closes_a_survey_through_the_api(world: World) -> None:
    lead = world.client("lead")
    made = lead.post(
        reverse("api:survey_create"),
        {"title": "  Year-end   survey ", "introduction": "Anonymous."},
        content_type="application/json",
    )
    assert made.status_code == 200
    survey = Survey.objects.get(pk=made.json()["id"])
    assert (survey.title, survey.status, survey.created_by) == ("Year-end   survey", "draft", world.lead)
    url = {"survey_id": survey.pk}

    opened_empty = lead.post(
        reverse("api:survey_status", kwargs=url), {"status": "open"}, content_type="application/json"
    )
    assert opened_empty.status_code == 422
    assert opened_empty.json()["detail"] == {
        "status": ["Add at least one question before opening the survey."]
    }

    one_choice = lead.post(
        reverse("api:survey_question_add", kwargs=url),
        {"text": "Which format?", "kind": "choice", "options": ["Only one"]},
        content_type="application/json",
    )
    assert one_choice.status_code == 422 and "options" in one_choice.json()["detail"]
    assert not survey.questions.exists()
    added = lead.post(
        reverse("api:survey_question_add", kwargs=url),
        {"text": "Which format helped most?", "kind": "choice", "options": ["Co-teaching", "Micro-coaching"]},
        content_type="application/json",
    ).json()
    assert added["questions"][0]["choices"] == [
        {"value": 1, "label": "Co-teaching"},
        {"value": 2, "label": "Micro-coaching"},
    ]
    extra = lead.post(
        reverse("api:survey_question_add", kwargs=url),
        {"text": "Coaching was worth my time."},
        content_type="application/json",
    ).json()["questions"][1]
    removed = lead.delete(reverse("api:survey_question_remove", kwargs={**url, "question_id": extra["id"]}))
    assert [q["text"] for q in removed.json()["questions"]] == ["Which format helped most?"]

    changed = lead.put(
        reverse("api:survey_update", kwargs=url),
        {"title": "Spring survey", "introduction": "Two minutes."},
        content_type="application/json",
    )
    assert changed.json()["title"] == "Spring survey"
    assert (
        lead.post(
            reverse("api:survey_status", kwargs=url), {"status": "open"}, content_type="application/json"
        ).json()["status"]
        == "open"
    )
    late = lead.post(
        reverse("api:survey_question_add", kwargs=url), {"text": "Late?"}, content_type="application/json"
    )
    assert late.status_code == 422 and "while the survey is a draft" in str(late.json()["detail"]["survey"])
    back = lead.post(
        reverse("api:survey_status", kwargs=url), {"status": "draft"}, content_type="application/json"
    )
    assert back.status_code == 422 and "status" in str(back.json()["detail"])
    assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.OPEN
    # The principal reads surveys but never writes them.
    assert (
        world.client("principal")
        .post(reverse("api:survey_status", kwargs=url), {"status": "closed"}, content_type="application/json")
        .status_code
        == 403
    )


def test_another_districts_lead_finds_no_survey_to_change(world: World) -> None:
    elsewhere = member(UserFactory(), Role.PROGRAM_LEAD, district=DistrictFactory())
    url = {"survey_id": world.draft_survey.pk}
    client = _client(elsewhere)
    assert client.get(reverse("api:survey_detail", kwargs=url)).status_code == 404
    response = client.post(
        reverse("api:survey_status", kwargs=url), {"status": "open"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert Survey.objects.get(pk=world.draft_survey.pk).status == SurveyStatus.DRAFT


def test_a_teacher_answers_a_survey_once_anonymously_and_it_leaves_the_page_s_rows(world: World) -> None:
    survey = world.open_survey
    question = survey.questions.get()
    page_teacher, api_teacher = TeacherFactory(school=world.school), TeacherFactory(school=world.school)
    before = _rows()
    _client(page_teacher.user).post(
        reverse("feedback:survey-answer", args=[survey.pk]), {f"q{question.pk}": "4"}
    )
    by_page = _grew(before)

    client = _client(api_teacher.user)
    assert [s["id"] for s in client.get(reverse("api:surveys"), {"to_answer": True}).json()["items"]] == [
        survey.pk
    ]
    url = reverse("api:survey_answer", kwargs={"survey_id": survey.pk})
    before = _rows()
    wrong = client.post(
        url, {"answers": [{"question_id": question.pk, "value": 9}]}, content_type="application/json"
    )
    assert wrong.status_code == 422 and "not one of the answers" in wrong.json()["detail"]["answers"][0]
    twice = client.post(
        url,
        {"answers": [{"question_id": question.pk, "value": 4}, {"question_id": question.pk, "value": 5}]},
        content_type="application/json",
    )
    assert twice.status_code == 422 and "answers" in twice.json()["detail"]
    assert _grew(before) == {}
    answered = client.post(
        url, {"answers": [{"question_id": question.pk, "value": 4}]}, content_type="application/json"
    )
    assert answered.json() == {"done": "answered", "detail": "Thank you. Your answers are anonymous."}
    assert _grew(before) == by_page == {"SurveyReceipt": 1, "SealedAnswer": 1}
    assert not SurveyResponse.objects.exists()  # counted, shuffled, only when the survey closes
    assert client.get(reverse("api:surveys"), {"to_answer": True}).json()["items"] == []
    again = client.post(
        url, {"answers": [{"question_id": question.pk, "value": 1}]}, content_type="application/json"
    )
    assert again.status_code == 422 and "already answered" in again.json()["detail"]["answers"][0]
    assert SurveyReceipt.objects.filter(survey=survey).count() == 2


def test_survey_results_through_the_api_never_show_one_persons_answer(world: World) -> None:
    survey = world.open_survey
    question = survey.questions.get()
    for i in range(10):
        teacher = TeacherFactory(school=world.school)
        _client(teacher.user).post(
            reverse("api:survey_answer", kwargs={"survey_id": survey.pk}),
            {"answers": [{"question_id": question.pk, "value": 1 if i == 0 else 5}]},
            content_type="application/json",
        )
    world.client("lead").post(
        reverse("api:survey_status", kwargs={"survey_id": survey.pk}),
        {"status": "closed"},
        content_type="application/json",
    )
    results = (
        world.client("principal").get(reverse("api:survey_results", kwargs={"survey_id": survey.pk})).json()
    )
    assert results["shown"] and results["respondents"] == 10
    counts = {c["value"]: c["count"] for c in results["questions"][0]["counts"]}
    assert counts[1] is None  # the one dissent is hidden
    # No route reads an answer: the survey's own answer is a write only.
    schema = world.client("lead").get(reverse("api:openapi-json")).json()
    assert set(schema["paths"]["/api/v1/surveys/{survey_id}/answers"]) == {"post"}


# --- after a professional-learning offering ----------------------------------------------------------


def test_an_attendee_answers_an_offering_s_questions_anonymously(world: World) -> None:
    offering = issue16(world).offering
    url = reverse("api:offering_feedback_answer", kwargs={"offering_id": offering.pk})
    refused = world.client("other_teacher").post(url, {"skip": True}, content_type="application/json")
    assert refused.status_code == 403
    client = world.client("teacher")
    missing = client.post(url, {"useful": 4}, content_type="application/json")
    assert missing.status_code == 422 and set(missing.json()["detail"]) == {"will_use", "fits_goal"}
    before = _rows()
    response = client.post(url, {"useful": 4, "will_use": 5, "fits_goal": 3}, content_type="application/json")
    assert response.json()["done"] == "answered"
    assert _grew(before) == {"OfferingFeedbackReceipt": 1, "SealedAnswer": 1}
    results = world.client("coach").get(url).json()
    assert results == {
        "offering_id": offering.pk,
        "shown": False,
        "answers": None,
        "min_group_size": 10,
        "questions": [],
    }
    assert world.client("other_coach").get(url).status_code == 403


# --- the impact summary's pulse and fidelity -----------------------------------------------------------


@time_machine.travel(NOON)
def test_the_impact_summary_carries_the_pages_pulse_and_fidelity_suppressed_alike(world: World) -> None:
    world.district.min_group_size = 1
    world.district.save()
    teacher, session = _new_teacher_session(world)
    _client(teacher.user).post(
        reverse("api:pulse_answer", kwargs={"session_id": session}),
        {"useful": 1, "will_use": 2, "respected": 1},
        content_type="application/json",
    )
    url = reverse("api:impact_summary")
    for role in ("coach", "lead", "admin"):
        summary = world.client(role).get(url, {"coach_id": world.coach.pk, "period": "year"}).json()
        # One answer, below the floor of five whatever the district says: not shown, as on the page.
        assert summary["pulse"] == {"shown": False, "answers": None, "min_group_size": 5, "questions": []}
        quarters = summary["fidelity"]
        assert quarters
    lead = world.client("lead").get(url, {"coach_id": world.coach.pk, "period": "year"}).json()
    fall = next(q for q in lead["fidelity"] if q["teachers"])
    assert fall["fidelity_percent"] == 50.0 and not fall["hidden"]  # one of two look-fors seen


@time_machine.travel(NOON)
def test_fidelity_about_too_few_teachers_is_hidden_from_all_but_the_coach(world: World) -> None:
    url = reverse("api:impact_summary")
    lead = world.client("lead").get(url, {"coach_id": world.coach.pk, "period": "year"}).json()
    assert all(
        q["hidden"] and q["fidelity_percent"] is None and q["teachers"] is None
        for q in lead["fidelity"]
        if q["hidden"]
    )
    assert any(q["hidden"] for q in lead["fidelity"])
    own = world.client("coach").get(url, {"period": "year"}).json()
    assert not any(q["hidden"] for q in own["fidelity"])
    page = world.client("lead").get(reverse("reports:impact"), {"coach": world.coach.pk, "period": "year"})
    assert page.context["s"].fidelity[0].hidden == lead["fidelity"][0]["hidden"]
