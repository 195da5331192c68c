"""The district view comparing schools (for the district's data owners)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from coachmap.core import access, groups
from coachmap.core.access import AuthedRequest
from coachmap.improvement import charts
from coachmap.improvement.queries.district import SORTS, district_comparison
from coachmap.improvement.queries.needs import parse_period
from coachmap.improvement.views.needs import _admin_district


@access.route_required("improvement:district")
def district_compare(request: AuthedRequest) -> HttpResponse:
    district = _admin_district(request)
    comparison = district_comparison(
        request.user,
        district,
        period=parse_period(request.GET.get("pick")),
        subject=request.GET.get("subject"),
        group=request.GET.get("group", groups.ALL),
        sort=request.GET.get("sort", "gap"),
    )
    query = urlencode(
        {
            "pick": comparison.period.value if comparison.period else "",
            "subject": comparison.subject,
            "group": comparison.group,
            "sort": comparison.sort,
        }
    )
    return render(
        request,
        "improvement/district.html",
        {
            "district": district,
            "comparison": comparison,
            "chart": charts.district(comparison) if comparison.rows else None,
            "chart_caption": "Share of all students proficient, by school, lowest first"
            if comparison.everyone
            else "Schools where the group is furthest below all the school's students",
            "group_choices": [(g.code, g.label) for g in groups.GROUPS],
            "sorts": SORTS,
            "query": query,
        },
    )
