"""The reports' and impact area's files as files through the API (issue 20): the dashboard's CSVs,
the impact estimates' CSV and the summary, impact and board PDFs answer with the page's own bytes
for the same person and filters, audited as the page's download is; another school is not found
and an unknown table is a 422 naming `table`."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from coachmap.core.models import AuditAction, AuditEvent, User
from tests.api.test_api_reports import OUTCOME, students  # noqa: F401 - the fixture, used by name
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _audits(user: User) -> list[tuple[str, str, dict[str, Any]]]:
    events = AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=user).order_by("pk")
    return [(e.object_type, e.object_id, e.detail) for e in events]


def _same_file(page: Any, api: Any, content_type: str) -> None:
    assert page.status_code == api.status_code == 200, api.content[:300]
    assert api["Content-Type"] == page["Content-Type"] == content_type
    assert api["Content-Disposition"] == page["Content-Disposition"]
    assert api.content == page.content


def test_a_dashboard_table_is_the_pages_download_for_the_same_filters(world: World) -> None:
    lead = world.client("lead")
    for table in ("reach-school", "time", "goals"):
        page = lead.get(
            reverse("reports:dashboard-csv", kwargs={"table": table}),
            {"school": world.school.pk, "period": "year"},
        )
        api = lead.get(
            reverse("api:dashboard_csv", kwargs={"table": table}),
            {"school_id": world.school.pk, "period": "year"},
        )
        _same_file(page, api, "text/csv; charset=utf-8")
    # Audited as the page's download, with the page's filters: each pair of events is the same.
    audits = _audits(world.lead)
    assert len(audits) == 6 and audits[0::2] == audits[1::2]


def test_a_dashboard_table_of_another_school_an_unknown_table_and_a_principals_time(world: World) -> None:
    principal = world.client("principal")
    url = reverse("api:dashboard_csv", kwargs={"table": "reach-school"})
    assert principal.get(url, {"school_id": world.other_school.pk}).status_code == 404
    bad = principal.get(reverse("api:dashboard_csv", kwargs={"table": "grades"}))
    assert bad.status_code == 422 and "table" in str(bad.json()["detail"])
    # The team's time is the lead's and the admins': not found for a principal, as on the page.
    assert principal.get(reverse("reports:dashboard-csv", kwargs={"table": "time"})).status_code == 404
    assert principal.get(reverse("api:dashboard_csv", kwargs={"table": "time"})).status_code == 404
    assert _audits(world.principal) == []


def test_the_summary_pdf_is_the_pages(world: World) -> None:
    principal = world.client("principal")
    page = principal.get(reverse("reports:summary-pdf"), {"school": world.school.pk, "period": "year"})
    api = principal.get(reverse("api:summary_pdf"), {"school_id": world.school.pk, "period": "year"})
    _same_file(page, api, "application/pdf")
    assert api.content.startswith(b"%PDF")
    audits = _audits(world.principal)
    assert len(audits) == 2 and audits[0] == audits[1]
    other = world.client("other_principal").get(reverse("api:summary_pdf"), {"school_id": world.school.pk})
    assert other.status_code == 404
    wrong = principal.get(reverse("api:summary_pdf"), {"period": "winter"})
    assert wrong.status_code == 422 and "period" in str(wrong.json()["detail"])


def test_the_impact_summary_pdf_is_the_pages(world: World) -> None:
    lead = world.client("lead")
    page = lead.get(reverse("reports:impact-pdf"), {"coach": world.coach.pk, "period": "year"})
    api = lead.get(reverse("api:impact_pdf"), {"coach_id": world.coach.pk, "period": "year"})
    _same_file(page, api, "application/pdf")
    assert world.coach.user.last_name.lower() in api["Content-Disposition"]
    audits = _audits(world.lead)
    assert len(audits) == 2 and audits[0] == audits[1]
    assert world.client("principal").get(reverse("api:impact_pdf")).status_code == 403


def test_the_estimates_csv_and_the_board_pdf_are_the_pages(students: World) -> None:  # noqa: F811
    w = students
    principal = w.client("principal")
    for page_name, api_name, kind in (
        ("impact:export", "api:impact_estimates_csv", "text/csv; charset=utf-8"),
        ("impact:pdf", "api:impact_board_pdf", "application/pdf"),
    ):
        page = principal.get(reverse(page_name), {"school": w.school.pk, "method": "gain"})
        api = principal.get(reverse(api_name), {"school_id": w.school.pk, "method": "gain"})
        _same_file(page, api, kind)
        other = w.client("other_principal").get(reverse(api_name), {"school_id": w.school.pk})
        assert other.status_code == 404
        wrong = principal.get(reverse(api_name), {"outcome": "grades"})
        assert wrong.status_code == 422 and "outcome" in str(wrong.json()["detail"])
    assert OUTCOME.key in api["Content-Disposition"]
    audits = _audits(w.principal)
    assert len(audits) == 4 and audits[0::2] == audits[1::2]


def test_the_schema_says_the_report_files_are_csv_and_pdf(world: World) -> None:
    paths = world.client("teacher").get(reverse("api:openapi-json")).json()["paths"]
    ok = lambda path: paths[path]["get"]["responses"]["200"]["content"]  # noqa: E731
    assert "text/csv" in ok("/api/v1/reports/dashboard/{table}.csv")
    assert "text/csv" in ok("/api/v1/impact/estimates.csv")
    for path in ("/api/v1/reports/summary.pdf", "/api/v1/reports/impact.pdf", "/api/v1/impact/board.pdf"):
        assert "application/pdf" in ok(path)
