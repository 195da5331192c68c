from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from coachmap.core import access
from coachmap.core.access import AuthedRequest
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, Coach
from coachmap.reports import impact, queries
from coachmap.reports.pdf import html_to_pdf


@access.route_required("reports:coaching-trends")
def coaching_trends(request: AuthedRequest) -> HttpResponse:
    """Aggregate coaching activity: counts and minutes, never notes, never who."""
    tables = queries.coaching_trends_for(request.user, timezone.localdate())
    return render(request, "reports/coaching_trends.html", {"tables": tables})


def _impact(request: AuthedRequest) -> tuple[impact.ImpactSummary, list[Coach], list[impact.Period]]:
    coaches = list(access.impact_coaches_for(request.user).select_related("user", "district"))
    access.require(bool(coaches), "Impact summaries are for coaches, the program lead and the district.")
    wanted = request.GET.get("coach", "")
    coach = next((c for c in coaches if str(c.pk) == wanted), None)
    if coach is None:
        coach = next((c for c in coaches if c.user_id == request.user.pk), coaches[0])
    today = timezone.localdate()
    period = impact.period_for(request.GET.get("period", ""), today)
    return impact.impact_summary(request.user, coach, period), coaches, impact.periods(today)


@access.route_required("reports:impact")
def impact_summary(request: AuthedRequest) -> HttpResponse:
    """A coach's one-page impact summary for a period; printable, and as a PDF."""
    summary, coaches, periods = _impact(request)
    return render(
        request,
        "reports/impact.html",
        {"s": summary, "coaches": coaches, "periods": periods, "choose_coach": len(coaches) > 1},
    )


@access.route_required("reports:impact-pdf")
def impact_pdf(request: AuthedRequest) -> HttpResponse:
    summary, _, _ = _impact(request)
    html = render_to_string("reports/impact_print.html", {"s": summary, "generated": timezone.localdate()})
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=summary.coach,
        district=summary.coach.district_id,
        report="impact summary",
        period=summary.period.key,
    )
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    name = f"impact-{summary.coach.user.last_name or summary.coach.pk}-{summary.period.key}.pdf".lower()
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
