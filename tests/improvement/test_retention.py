"""Retention (District → Settings, `coachmap purge-student-data`): students' results, usage and
gradebook scores older than the district keeps are deleted after a check, audited, and the
summaries keep those years' figures through every later rebuild."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from coachmap.core.models import AuditAction, AuditEvent, Role
from coachmap.improvement.models import ResultCell, UsageCell
from coachmap.improvement.retention import student_data_purge
from coachmap.improvement.summaries import summaries_rebuild
from coachmap.roster.models import Result, Student, UsageWeek
from tests.factories import UserFactory, member
from tests.improvement.conftest import Maple

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 6)  # the 2026–27 school year


def _cells(maple: Maple, school_year: int) -> list[tuple[Any, ...]]:
    return sorted(
        ResultCell.objects.filter(district=maple.district, assessment__school_year=school_year).values_list(
            "school_id", "grade", "english_learner", "race_ethnicity", "tested", "proficient", "score_sum"
        ),
        key=repr,
    )


@pytest.fixture
def kept_two_years(maple: Maple) -> Maple:
    """Keep two school years (2025–26 and 2026–27): the 2024–25 results (school year 2025) go."""
    maple.district.retention_years = 2
    maple.district.save()
    student = Student.objects.filter(district=maple.district).first()
    assert student is not None
    UsageWeek.objects.create(
        district=maple.district, student=student, tool="Lexia", week=datetime.date(2025, 3, 3), minutes=40
    )
    UsageWeek.objects.create(
        district=maple.district, student=student, tool="Lexia", week=datetime.date(2026, 3, 2), minutes=55
    )
    summaries_rebuild(district=maple.district)
    return maple


def test_the_check_says_what_would_go_and_deletes_nothing(kept_two_years: Maple) -> None:
    maple = kept_two_years
    plan = student_data_purge(actor=maple.admin, district=maple.district, today=TODAY)

    assert (plan.results, plan.usage_weeks, plan.scores) == (
        40,
        1,
        0,
    )  # the 40 results of 2025, one week of 2025
    assert plan.keep_from == datetime.date(2025, 8, 1)
    assert plan.words().startswith(
        "Deletes 40 test results, 1 weeks of tool usage and 0 gradebook scores from before August 1, 2025"
    )
    assert Result.objects.filter(assessment__school_year=2025).count() == 40
    assert not AuditEvent.objects.filter(action=AuditAction.DATA_PURGE).exists()


def test_the_purge_deletes_old_student_data_keeps_its_figures_and_is_audited(kept_two_years: Maple) -> None:
    maple = kept_two_years
    before_2025, before_2026 = _cells(maple, 2025), _cells(maple, 2026)
    old_usage = list(
        UsageCell.objects.filter(week__lt=datetime.date(2025, 8, 1)).values_list(
            "week", "students", "minutes"
        )
    )
    assert before_2025 and old_usage == [(datetime.date(2025, 3, 3), 1, 40.0)]

    student_data_purge(actor=maple.admin, district=maple.district, today=TODAY, dry_run=False)

    assert not Result.objects.filter(assessment__school_year=2025).exists()
    assert Result.objects.filter(assessment__school_year=2026).count() == 40, "the kept years are untouched"
    assert list(UsageWeek.objects.values_list("week", flat=True)) == [datetime.date(2026, 3, 2)]
    maple.district.refresh_from_db()
    assert maple.district.student_data_kept_from == datetime.date(2025, 8, 1)
    event = AuditEvent.objects.get(action=AuditAction.DATA_PURGE)
    assert event.actor == maple.admin
    assert (event.detail["results"], event.detail["usage_weeks"]) == (40, 1)

    # Every later rebuild (an import's, by hand) leaves the old years' figures as they were.
    for _ in range(2):
        summaries_rebuild(district=maple.district)
        assert _cells(maple, 2025) == before_2025
        assert _cells(maple, 2026) == before_2026
    assert (
        list(
            UsageCell.objects.filter(week__lt=datetime.date(2025, 8, 1)).values_list(
                "week", "students", "minutes"
            )
        )
        == old_usage
    )


def test_no_purge_without_a_retention_setting_and_only_by_a_district_admin(maple: Maple) -> None:
    with pytest.raises(ValidationError, match="Set how many school years to keep"):
        student_data_purge(actor=maple.admin, district=maple.district, today=TODAY)
    maple.district.retention_years = 1
    maple.district.save()
    lead = member(UserFactory(username="lena"), Role.PROGRAM_LEAD, district=maple.district)
    for person in (lead, maple.principal):
        with pytest.raises(PermissionDenied):
            student_data_purge(actor=person, district=maple.district, today=TODAY, dry_run=False)
    assert Result.objects.count() == 80


def test_the_command_checks_first_and_deletes_only_when_confirmed(kept_two_years: Maple, capsys: Any) -> None:
    slug = kept_two_years.district.slug
    call_command("purge_student_data", "--district", slug)
    assert "Check only, nothing deleted. Deletes 40 test results" in capsys.readouterr().out
    assert Result.objects.count() == 80

    call_command("purge_student_data", "--district", slug, "--confirm")
    assert "Done. Deletes 40 test results" in capsys.readouterr().out
    assert Result.objects.count() == 40
    with pytest.raises(CommandError, match="No district with the slug"):
        call_command("purge_student_data", "--district", "nowhere")


def test_the_admin_sets_how_many_years_to_keep_on_the_settings_page(maple: Maple, client: Any) -> None:
    client.force_login(maple.admin)
    page = client.get(reverse("district-settings")).content.decode()
    assert "Keep students&#x27; results, usage and gradebook scores for (school years)" in page
    form = {
        "min_group_size": 10,
        "coaching_time_target": 80,
        "time_zone": maple.district.time_zone,
        "state": "",
        "state_id": "",
        "source_id": "",
        "import_hold_percent": 5,
        "retention_years": 0,
    }
    refused = client.post(reverse("district-settings"), form)
    assert "Ensure this value is greater than or equal to 1." in refused.content.decode()
    form["retention_years"] = 7
    assert client.post(reverse("district-settings"), form).status_code == 302
    maple.district.refresh_from_db()
    assert maple.district.retention_years == 7
    event = AuditEvent.objects.filter(action=AuditAction.SETTINGS_CHANGE).latest("at")
    assert (event.detail["before"]["retention_years"], event.detail["after"]["retention_years"]) == (None, 7)
