"""The principal's path through the pages, and what the district admin sees that the principal does not."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from coachmap.core.models import AuditAction, AuditEvent
from coachmap.improvement.models import GoalStatus, ImprovementGoal, NeedNote
from tests.improvement.conftest import Maple

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _csv(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_principal_sees_figures_and_hidden_cells_the_admin_sees_everything(maple: Maple) -> None:
    url = reverse("improvement:school", kwargs={"school_id": maple.school.pk})
    page = _client(maple.principal).get(url).content.decode()
    assert "English learners" in page and "25%" in page
    assert "Hidden: fewer than 10 students" in page
    # The need, in words, on the school page.
    assert (
        "English learners: 25% proficient in ELA, 25 points below all students, widening since 2025; 12 students"
        in page
    )
    owner = _client(maple.admin).get(url).content.decode()
    assert "Hidden: fewer than 10 students" not in owner
    assert "You own the district's student data" in owner


def test_needs_are_ranked_by_score_and_the_principal_reorders_and_annotates(maple: Maple) -> None:
    client = _client(maple.principal)
    url = reverse("improvement:needs", kwargs={"school_id": maple.school.pk})
    page = client.get(url).content.decode()
    # 25 points × 12 students × 1.5 (widening) = 450 before 25 × 12 × 1 = 300 for grade 4 alone.
    assert page.index("English learners: 25%") < page.index("Grade 4 English learners: 25%")
    assert ">450<" in page and ">300<" in page
    order = "ela:all:el,ela:4:el"
    response = client.post(
        reverse("improvement:need-move", kwargs={"school_id": maple.school.pk}),
        {"key": "ela:4:el", "order": order, "direction": "up"},
    )
    assert response.status_code == 302
    assert dict(NeedNote.objects.values_list("key", "position")) == {"ela:4:el": 0, "ela:all:el": 1}
    client.post(
        reverse("improvement:need-note", kwargs={"school_id": maple.school.pk}),
        {"key": "ela:4:el", "note": '=HYPERLINK("http://evil") Our newcomers arrived in March.'},
    )
    page = client.get(url).content.decode()
    assert re.findall(r'<h2 class="h3">(Grade 4 )?English learners', page) == ["Grade 4 ", ""]
    assert "placed here by you" in page and "Our newcomers arrived in March." in page
    rows = _csv(
        client.get(
            reverse("improvement:school-export", kwargs={"school_id": maple.school.pk, "table": "priorities"})
        )
    )
    assert rows[1][:2] == [
        "1",
        "Grade 4 English learners: 25% proficient in ELA, 25 points below all students; 12 students",
    ]
    assert rows[1][-1].startswith("'=HYPERLINK")  # a spreadsheet shows it, never runs it
    client.post(reverse("improvement:need-reset", kwargs={"school_id": maple.school.pk}))
    assert NeedNote.objects.get(key="ela:4:el").position is None  # the note stays
    assert not NeedNote.objects.filter(key="ela:all:el").exists()


def test_a_need_drafts_a_goal_in_one_click_and_the_third_is_refused(maple: Maple) -> None:
    client = _client(maple.principal)
    url = reverse("improvement:goal-new", kwargs={"school_id": maple.school.pk})
    page = client.get(url, {"need": "ela:all:el"}).content.decode()
    # Baseline 25%; half of the 25-point gap, 12.5, rounds up to 13: 38%.
    assert (
        "38% of our English learners will be proficient in ELA, up from 25% on the state assessment, 2025–26"
        in page
    )
    form = {
        "statement": "By June 15, 2027, 37% of our English learners will be proficient in ELA.",
        "subject": "ela",
        "student_group": "el",
        "grade": "",
        "metric": "proficiency_rate",
        "source": "results",
        "window": "state",
        "baseline": "25",
        "baseline_date": "2026-04-25",
        "target": "37",
        "target_date": "2027-06-15",
        "need_key": "ela:all:el",
    }
    response = client.post(url, form)
    goal = ImprovementGoal.objects.get(need_key="ela:all:el")
    assert response.status_code == 302 and response["Location"] == reverse(
        "improvement:goal", kwargs={"goal_id": goal.pk}
    )
    client.post(url, {**form, "need_key": "ela:4:el", "grade": "4"})
    refused = client.post(url, {**form, "statement": "A third"})
    assert "already has 2 active improvement goals" in refused.content.decode()
    assert ImprovementGoal.objects.filter(school=maple.school, status=GoalStatus.ACTIVE).count() == 2


def test_a_goal_page_shows_progress_and_an_indicator_starts_from_the_data(maple: Maple) -> None:
    goal = ImprovementGoal.objects.create(
        school=maple.school,
        statement="EL proficiency up",
        subject="ela",
        student_group="el",
        baseline=40.0,
        baseline_date=datetime.date(2025, 4, 25),
        target=60.0,
        target_date=datetime.date(2027, 4, 25),
        window="state",
    )
    client = _client(maple.principal)
    page = client.get(reverse("improvement:goal", kwargs={"goal_id": goal.pk})).content.decode()
    # Halfway in time, the line says 50; the newest figure is 25: at risk.
    assert "At risk" in page and "Now 25.0" in page and "the straight line says 50.0" in page
    response = client.post(
        reverse("improvement:indicator-new", kwargs={"goal_id": goal.pk}),
        {"kind": "equity_gap", "target": "15"},
    )
    assert response.status_code == 302
    indicator = goal.indicators.get()
    assert indicator.baseline == pytest.approx(25.0)  # 50% − 25%: today's gap
    assert indicator.lower_is_better
    refused = client.post(
        reverse("improvement:measurement-new", kwargs={"indicator_id": indicator.pk}),
        {"measured_on": "2026-09-01", "value": "3"},
    )
    assert "only custom indicators take measurements" in refused.content.decode()


def test_exports_are_audited_and_hide_what_the_page_hides(maple: Maple) -> None:
    response = _client(maple.principal).get(
        reverse("improvement:school-export", kwargs={"school_id": maple.school.pk, "table": "needs"})
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    asian = next(r for r in rows if r[1] == "all" and r[2] == "Asian")
    assert asian[3] == "*" and asian[4] == "*"
    el = next(r for r in rows if r[1] == "all" and r[2] == "English learners")
    assert el[3:5] == ["12", "25.0"] and el[9] == "-25.0"  # a negative number stays a number
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == maple.principal and event.detail["table"] == "needs"
    assert (
        _client(maple.principal)
        .get(reverse("improvement:school-export", kwargs={"school_id": maple.school.pk, "table": "secrets"}))
        .status_code
        == 404
    )


def test_a_teacher_writing_a_goal_sees_the_schools_goals_with_their_progress(maple: Maple) -> None:
    from tests.factories import IndicatorFactory, TeacherFactory

    goal = ImprovementGoal.objects.create(
        school=maple.school,
        statement="By June 2027, 45% of our English learners will be proficient in ELA.",
        subject="ela",
        student_group="el",
        baseline=40.0,
        baseline_date=datetime.date(2025, 4, 25),
        target=45.0,
        target_date=datetime.date(2027, 4, 25),
    )
    IndicatorFactory(goal=goal, name="Exit tickets back the same day")
    teacher = TeacherFactory(school=maple.school)
    page = _client(teacher.user).get(reverse("coaching:my-goals")).content.decode()
    assert "Our school’s goals" in page and goal.statement in page
    assert "At risk" in page  # 25% against a line at 42.5
    assert "Exit tickets back the same day" in page


def test_an_import_after_the_last_rebuild_says_the_figures_lag(maple: Maple) -> None:
    from django.utils import timezone

    from coachmap.roster.models import ImportRun, ImportStatus

    url = reverse("improvement:school", kwargs={"school_id": maple.school.pk})
    assert "coachmap rebuild-summaries" not in _client(maple.principal).get(url).content.decode()
    ImportRun.objects.create(
        district=maple.district,
        kind="results",
        filename="spring.csv",
        status=ImportStatus.DONE,
        finished_at=timezone.now(),
    )
    assert "coachmap rebuild-summaries" in _client(maple.principal).get(url).content.decode()
