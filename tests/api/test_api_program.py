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


# --- the program (issue 16's pages) ----------------------------------------------------------------


def test_the_lead_publishes_the_vision_and_everyone_reads_it(world: World) -> None:
    from coachmap.program.models import ProgramVision

    lead = world.client("lead")
    assert lead.get(reverse("api:program_vision")).json()["published"] is False
    too_many = _post(
        lead, "api:program_vision_write", {"vision": "Grow.", "aims": [f"Aim {n}" for n in range(11)]}
    )
    assert too_many.status_code == 422 and "aims" in too_many.json()["detail"]
    empty = _post(lead, "api:program_vision_write", {"vision": "  "})
    assert empty.status_code == 422 and "vision" in empty.json()["detail"]
    assert not ProgramVision.objects.exists()
    written = _post(
        lead, "api:program_vision_write", {"vision": "Every teacher grows.", "aims": ["Reach half"]}
    )
    assert written.status_code == 200 and written.json()["aims"] == ["Reach half"]
    read = world.client("teacher").get(reverse("api:program_vision")).json()
    assert read["vision"] == "Every teacher grows." and read["may_write"] is False
    assert (
        _post(world.client("principal"), "api:program_vision_write", {"vision": "Mine."}).status_code == 403
    )


def test_a_coach_rates_every_area_of_the_rubric_and_only_they_read_it(world: World) -> None:
    coach = world.client("coach")
    current = coach.get(reverse("api:self_assessment_current")).json()
    assert current["assessment"] is None and current["areas"]
    areas = [a["id"] for a in current["areas"]]
    partial = _post(coach, "api:self_assessment_save", {"ratings": {str(areas[0]): 2}})
    assert partial.status_code == 422 and any(k.startswith("area_") for k in partial.json()["detail"])
    too_high = _post(coach, "api:self_assessment_save", {"ratings": {str(a): 9 for a in areas}})
    assert too_high.status_code == 422
    stranger = _post(
        coach, "api:self_assessment_save", {"ratings": {**{str(a): 2 for a in areas}, "999999": 2}}
    )
    assert stranger.status_code == 422 and "ratings" in stranger.json()["detail"]
    saved = _post(
        coach, "api:self_assessment_save", {"ratings": {str(a): 3 for a in areas}, "reflection": "Mine."}
    )
    assert saved.status_code == 200 and {r["level"] for r in saved.json()["ratings"]} == {3}
    assert coach.get(reverse("api:self_assessments")).json()["count"] == 1
    other = world.client("other_coach").get(reverse("api:self_assessments")).json()
    assert other["count"] == 0, "another coach never reads it"
    assert world.client("lead").get(reverse("api:self_assessments")).status_code == 403


def test_the_review_is_gathered_annotated_and_past_years_are_kept(world: World) -> None:
    from coachmap.program.models import AnnualReview

    lead = world.client("lead")
    gathered = _post(lead, "api:program_review_gather")
    assert gathered.status_code == 200 and gathered.json()["writable"]
    year = gathered.json()["school_year"]
    noted = _post(
        lead, "api:program_review_notes", {"what_worked": "Cycles.", "what_to_change": "PLCs."}, year=year
    )
    assert noted.status_code == 200 and noted.json()["what_worked"] == "Cycles."
    long = _post(lead, "api:program_review_notes", {"what_worked": "x" * 8001}, year=year)
    assert long.status_code == 422 and "what_worked" in json.dumps(long.json()["detail"])
    past = AnnualReview.objects.create(district=world.district, school_year=year - 1, what_worked="Then.")
    kept = _post(lead, "api:program_review_notes", {"what_worked": "Now."}, year=past.school_year)
    assert kept.status_code == 403
    past.refresh_from_db()
    assert past.what_worked == "Then."
    admin = world.client("admin")
    assert admin.get(reverse("api:program_reviews")).json()["count"] == 2
    assert admin.get(reverse("api:program_review", kwargs={"year": year})).json()["what_worked"] == "Cycles."
    assert _post(admin, "api:program_review_gather").status_code == 403
    assert lead.get(reverse("api:program_review", kwargs={"year": 2001})).status_code == 404
