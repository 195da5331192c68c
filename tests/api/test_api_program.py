"""The program's pages through the API (issue 20): family reports (and the program's own pages, as
they arrive). Each write has the page's effect, with the same service and audit row; bad input is a
422 naming the field and changes nothing; another school's report is a 404."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coachmap.core.models import AuditAction, AuditEvent
from coachmap.families import services
from coachmap.families.models import FamilyReport
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _post(client: Client, name: str, data: Any = None, **kwargs: Any) -> Any:
    return client.post(reverse(name, kwargs=kwargs), json.dumps(data or {}), content_type="application/json")


def _this_year() -> int:
    from django.utils import timezone

    from coachmap.core.schoolyear import school_year_of

    return school_year_of(timezone.localdate())


def test_a_family_report_is_started_written_published_and_taken_down(world: World) -> None:
    principal = world.client("principal")
    started = _post(
        principal,
        "api:family_report_start",
        {"school_id": world.school.pk, "school_year": _this_year(), "term": "fall"},
    )
    assert started.status_code == 201, started.content
    report_id = started.json()["id"]
    assert started.json()["state"] == "draft"

    early = _post(principal, "api:family_report_publish", report_id=report_id)
    assert early.status_code == 422 and "contact_en" in early.json()["detail"]
    assert FamilyReport.objects.get(pk=report_id).published_at is None

    _post(
        principal,
        "api:family_report_texts",
        {"texts": {"en": {"contact": "Call the office.", "help": "Read."}}},
        report_id=report_id,
    )
    written = _post(
        principal,
        "api:family_report_texts",
        {"texts": {"es": {"contact": "Llame a la oficina."}}},
        report_id=report_id,
    )
    assert written.status_code == 200
    assert written.json()["texts"]["en"] == {"help": "Read.", "contact": "Call the office."}, "left out: kept"
    assert written.json()["texts"]["es"]["contact"] == "Llame a la oficina."

    published = _post(principal, "api:family_report_publish", report_id=report_id)
    assert published.status_code == 200 and published.json()["state"] == "published"
    report = FamilyReport.objects.get(pk=report_id)
    assert report.token and report.token in published.json()["public_url"]
    assert AuditEvent.objects.filter(action=AuditAction.REPORT_PUBLISH, object_id=str(report_id)).exists()

    unconfirmed = _post(principal, "api:family_report_take_down", {}, report_id=report_id)
    assert unconfirmed.status_code == 422 and "confirm" in unconfirmed.json()["detail"]
    assert FamilyReport.objects.get(pk=report_id).is_public
    down = _post(principal, "api:family_report_take_down", {"confirm": True}, report_id=report_id)
    assert down.status_code == 200 and down.json()["state"] == "revoked" and down.json()["public_url"] == ""
    assert AuditEvent.objects.filter(action=AuditAction.REPORT_REVOKE).exists()


def test_family_report_bad_input_and_other_schools(world: World) -> None:
    principal = world.client("principal")
    report = services.report_start(
        actor=world.principal, school=world.school, school_year=_this_year(), term="spring"
    )
    long = _post(
        principal, "api:family_report_texts", {"texts": {"en": {"help": "x" * 2001}}}, report_id=report.pk
    )
    assert long.status_code == 422 and "help" in json.dumps(long.json()["detail"])
    unknown = _post(
        principal, "api:family_report_texts", {"texts": {"xx": {"help": "Hi"}}}, report_id=report.pk
    )
    assert unknown.status_code == 422 and "texts" in unknown.json()["detail"]
    bad_year = _post(
        principal,
        "api:family_report_start",
        {"school_id": world.school.pk, "school_year": 2001, "term": "fall"},
    )
    assert bad_year.status_code == 422 and "school_year" in bad_year.json()["detail"]
    twice = _post(
        principal,
        "api:family_report_start",
        {"school_id": world.school.pk, "school_year": _this_year(), "term": "spring"},
    )
    assert twice.status_code == 422 and "term" in twice.json()["detail"]
    report.refresh_from_db()
    assert report.texts == {} or not report.text("en", "help")
    other = world.client("other_principal")
    assert other.get(reverse("api:family_report", kwargs={"report_id": report.pk})).status_code == 404
    assert _post(other, "api:family_report_publish", report_id=report.pk).status_code == 404
    assert (
        _post(
            other,
            "api:family_report_start",
            {"school_id": world.school.pk, "school_year": _this_year(), "term": "fall"},
        ).status_code
        == 404
    )
    # The lead reviews every school's, and writes none.
    lead = world.client("lead")
    assert lead.get(reverse("api:family_reports"), {"state": "draft"}).json()["count"] == 1
    assert _post(lead, "api:family_report_publish", report_id=report.pk).status_code == 403
