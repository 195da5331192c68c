"""The impact pages: the program level (lead, district admin), a school (its principal), CSV and the board PDF."""

from __future__ import annotations

from typing import cast

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from coachmap.core import access, csvsafe
from coachmap.core.access import AuthedRequest
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction
from coachmap.core.pdf import html_to_pdf
from coachmap.impact import queries, report
from coachmap.impact.access import Scope, impact_scope
from coachmap.impact.estimate import METHODS, Method
from coachmap.impact.words import METHOD_LABELS


def _report(request: AuthedRequest) -> tuple[Scope, report.Report, list[queries.Outcome]]:
    scope = impact_scope(request.user, request.GET.get("school") or None)
    options = queries.outcomes(scope.district)
    wanted = request.GET.get("outcome", "")
    outcome = next((o for o in options if o.key == wanted), options[0] if options else None)
    method_key = request.GET.get("method", "adjusted")
    method: Method = cast(Method, method_key) if method_key in METHODS else "adjusted"
    return scope, report.build(scope.district, outcome, method, scope.school), options


def _query(r: report.Report) -> str:
    parts = [f"outcome={r.outcome.key}" if r.outcome else "", f"method={r.method}"]
    if r.school is not None:
        parts.append(f"school={r.school.pk}")
    return "&".join(p for p in parts if p)


@access.route_required("impact:index")
def index(request: AuthedRequest) -> HttpResponse:
    """Did coaching and the tools move learning, for whom, and how sure are we."""
    scope, built, options = _report(request)
    return render(
        request,
        "impact/index.html",
        {
            "scope": scope,
            "r": built,
            "outcomes": options,
            "methods": METHOD_LABELS,
            "method_label": METHOD_LABELS[built.method],
            "query": _query(built),
        },
    )


def _audit(request: AuthedRequest, scope: Scope, built: report.Report, what: str) -> None:
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=scope.school or scope.district,
        district=scope.district,
        report=what,
        query=_query(built),
    )


@access.route_required("impact:export")
def export(request: AuthedRequest) -> HttpResponse:
    """Each estimate with its inputs' counts, as the page shows them (hidden stays hidden)."""
    scope, built, _ = _report(request)
    return estimates_csv(request, scope, built)


def estimates_csv(request: AuthedRequest, scope: Scope, built: report.Report) -> HttpResponse:
    """The estimates as the CSV download, audited; the page and the API (`impact.api`) answer with this."""
    _audit(request, scope, built, "impact estimates")
    stem = built.outcome.key if built.outcome else "none"
    return csvsafe.csv_response(f"impact-{stem}", report.CSV_HEADER, report.csv_rows(built))


@access.route_required("impact:pdf")
def board_pdf(request: AuthedRequest) -> HttpResponse:
    """The board's printable page: the same estimates and words."""
    scope, built, _ = _report(request)
    return board_pdf_file(request, scope, built)


def board_pdf_file(request: AuthedRequest, scope: Scope, built: report.Report) -> HttpResponse:
    """The board report as its PDF download, audited; the page and the API answer with this."""
    html = render_to_string(
        "impact/print.html",
        {
            "scope": scope,
            "r": built,
            "method_label": METHOD_LABELS[built.method],
            "generated": timezone.localdate(),
        },
    )
    _audit(request, scope, built, "impact board report")
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    stem = built.outcome.key if built.outcome else "none"
    response["Content-Disposition"] = f'attachment; filename="impact-{stem}.pdf"'
    return response
