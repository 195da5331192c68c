from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from coachmap.core import access, csvsafe
from coachmap.core.access import AuthedRequest
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, Coach, CoachType
from coachmap.reports import dashboard, impact, queries, summary
from coachmap.reports.pdf import html_to_pdf


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
    return impact_pdf_file(request, summary)


def impact_pdf_file(request: AuthedRequest, summary: impact.ImpactSummary) -> HttpResponse:
    """The impact summary as its PDF download, audited as an export: the page and the API
    (`reports.api`) answer with this."""
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


# --- the program dashboard and its summaries ------------------------------------------------------


def _dashboard(request: AuthedRequest) -> tuple[dashboard.Dashboard, list[impact.Period]]:
    today = timezone.localdate()
    period = impact.period_for(request.GET.get("period", ""), today)
    filters = dashboard.filters_for(request.user, request.GET, period)
    return dashboard.dashboard(request.user, filters), impact.periods(today)


@access.route_required("reports:coaching-trends")
def coaching_trends(request: AuthedRequest) -> HttpResponse:
    """The program dashboard: reach, time, alignment, outcomes; aggregates only, never notes, never
    a teacher's name. Below it, the year's coaching trends by school or month."""
    board, periods = _dashboard(request)
    tables = queries.coaching_trends_for(request.user, timezone.localdate())
    # The impact page's headline estimate: one fit, about 0.07 s on the demo district (the page
    # itself takes 2.5–3.5 s), so it is made with the page rather than on request.
    headline = dashboard.impact_headline(request.user, board.filters)
    paginator = Paginator(board.alignment.rows, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "reports/dashboard.html",
        {
            "d": board,
            "f": board.filters,
            "tables": tables,
            "periods": periods,
            "schools": dashboard.dashboard_schools(request.user),
            "coach_types": CoachType.choices,
            "alignment_page": page,
            "query": request.GET.urlencode(),
            "filter_query": _filter_query(request),
            "summary": summary.summary(board),
            "impact": headline,
        },
    )


PAGE_SIZE = 25


def _filter_query(request: AuthedRequest) -> str:
    keep = QueryDict(mutable=True)
    for key in ("school", "coach_type", "period"):
        if request.GET.get(key):
            keep[key] = request.GET[key]
    return keep.urlencode()


def _time_csv(board: dashboard.Dashboard) -> tuple[list[str], list[list[object]]] | None:
    t = board.time
    if t is None:
        return None
    if t.coaches:
        header = ["Coach", "Minutes coaching", "Minutes logged", "Share coaching (%)", "Weeks below target"]
        return header, [list(c) for c in t.coaches]
    header = ["Week starting", "Team share coaching (%)", "Target (%)"]
    if t.team_hidden:
        return header, []
    return header, [[w.isoformat(), _blank(v), t.target] for w, v in zip(t.weeks, t.team, strict=True)]


def _goals_csv(board: dashboard.Dashboard) -> tuple[list[str], list[list[object]]]:
    header = [
        "School",
        "Goal",
        "Student group",
        "Baseline",
        "Newest",
        "Target",
        "Progress",
        "Hours of coaching",
    ]
    return header, [
        [
            g.school,
            g.goal.statement,
            g.group,
            g.baseline,
            _blank(g.current),
            g.target,
            g.status,
            "*" if g.hours is None else g.hours,
        ]
        for g in board.goals
    ]


def _indicators_csv(board: dashboard.Dashboard) -> tuple[list[str], list[list[object]]]:
    header = [
        "Indicator",
        "Goal",
        "Student group",
        "Baseline",
        "Newest",
        "Change",
        "Target",
        "Unit",
        "Progress",
    ]
    return header, [
        [
            i.indicator.name,
            i.goal,
            i.group,
            _blank(i.baseline),
            _blank(i.current),
            _blank(i.moved),
            i.target,
            i.unit,
            i.status,
        ]
        for i in board.indicators
    ]


def _usage_csv(board: dashboard.Dashboard) -> tuple[list[str], list[list[object]]]:
    u = board.usage
    header = ["Tool", *(f"{m:%B %Y}" for m in u.months)]
    return header, [[name, *("*" if v is None else v for v in values)] for name, values in u.rows]


EXTRA_CSV = {"time": _time_csv, "goals": _goals_csv, "indicators": _indicators_csv, "usage": _usage_csv}


def _blank(value: object) -> object:
    return "" if value is None else value


@access.route_required("reports:dashboard-csv")
def dashboard_csv(request: AuthedRequest, table: str) -> HttpResponse:
    """Every dashboard table as CSV, suppressed exactly as on the page."""
    board, _ = _dashboard(request)
    return dashboard_file(request, board, table, request.GET.urlencode())


def dashboard_file(
    request: AuthedRequest, board: dashboard.Dashboard, table: str, query: str
) -> HttpResponse:
    """One of the dashboard's tables as its CSV download, audited with the page's `query` string (a
    table the reader has not, as the time for a principal, is not found). The page and the API
    answer with this."""
    tables = board.tables()
    if table in tables:
        header, rows = tables[table].csv_header, tables[table].csv_rows()
    else:
        extra = EXTRA_CSV[table](board) if table in EXTRA_CSV else None
        if extra is None:
            raise Http404("No such table.")
        header, rows = extra
    district = board.filters.district
    if district is not None:
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            obj=district,
            district=district,
            table=f"dashboard {table}",
            query=query,
        )
    return csvsafe.csv_response(f"coaching-{table}-{board.filters.period.key}", header, rows)


@access.route_required("reports:summary")
def summary_page(request: AuthedRequest) -> HttpResponse:
    """The plain-language summary for a school (or the program) and a period."""
    board, periods = _dashboard(request)
    return render(
        request,
        "reports/summary.html",
        {
            "s": summary.summary(board),
            "f": board.filters,
            "periods": periods,
            "schools": dashboard.dashboard_schools(request.user),
            "filter_query": _filter_query(request),
        },
    )


@access.route_required("reports:summary-pdf")
def summary_pdf(request: AuthedRequest) -> HttpResponse:
    """The summary as a one-page PDF to hand to the board."""
    board, _ = _dashboard(request)
    return summary_pdf_file(request, board)


def summary_pdf_file(request: AuthedRequest, board: dashboard.Dashboard) -> HttpResponse:
    """The summary of `board`'s filters as its PDF download, audited as an export; the page and
    the API answer with this."""
    s = summary.summary(board)
    html = render_to_string("reports/summary_print.html", {"s": s, "generated": timezone.localdate()})
    district = board.filters.district
    if district is not None:
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            obj=board.filters.school or district,
            district=district,
            report="program summary",
            period=board.filters.period.key,
        )
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    stem = board.filters.school.name if board.filters.school else "program"
    name = slugify(f"summary-{stem}-{board.filters.period.key}")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
