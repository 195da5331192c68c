"""A needs table's disclosure audit runs once and is kept: every process and restart reads it back,
and a summaries rebuild (new figures) lets it go."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from coachmap.core.models import Role
from coachmap.improvement.models import AuditedTable
from coachmap.improvement.needs import table
from coachmap.improvement.summaries import summaries_rebuild
from coachmap.roster.models import Subject, Window
from tests.factories import (
    AssessmentFactory,
    DistrictFactory,
    ResultFactory,
    SchoolFactory,
    StudentFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db


def _school_with_small_groups():  # type: ignore[no-untyped-def]
    district = DistrictFactory(min_group_size=10)
    school = SchoolFactory(district=district, grade_low=3, grade_high=3)
    ela = AssessmentFactory(district=district, subject=Subject.ELA, school_year=2026, window=Window.STATE)
    for race, n, proficient in (("white", 15, 8), ("hispanic", 6, 0), ("asian", 4, 0)):
        for i in range(n):
            student = StudentFactory(school=school, grade=3, race_ethnicity=race)
            ResultFactory(student=student, assessment=ela, proficient=i < proficient)
    summaries_rebuild(district=district)
    principal = member(UserFactory(), Role.PRINCIPAL, district=district, school=school)
    return district, school, principal


def _page(principal, school) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(principal)
    response = client.get(reverse("improvement:school", args=[school.pk]))
    assert response.status_code == 200
    return "".join(re.findall(r"<table.*?</table>", response.content.decode(), flags=re.S))


def test_a_table_is_audited_once_and_read_back_by_a_fresh_process(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    district, school, principal = _school_with_small_groups()
    first = _page(principal, school)
    assert 'class="suppressed"' in first
    kept = AuditedTable.objects.filter(district=district)
    assert kept.exists()
    assert any(row.tested for row in kept), "the small groups' cells are kept as hidden"

    # A new process has an empty memory: forget this one's, and fail if the audit runs again.
    table._audited_once.cache_clear()  # noqa: SLF001 -- a fresh process starts with an empty cache

    def audit_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("the kept audit should have been read back")

    monkeypatch.setattr(table, "audited", audit_again)
    assert _page(principal, school) == first


def test_a_rebuild_lets_the_kept_audits_go_and_the_command_audits_every_school() -> None:
    district, school, principal = _school_with_small_groups()
    _page(principal, school)
    assert AuditedTable.objects.filter(district=district).exists()
    summaries_rebuild(district=district)
    assert not AuditedTable.objects.filter(district=district).exists()

    call_command("audit_tables", "--district", district.slug, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert AuditedTable.objects.filter(district=district).exists()
