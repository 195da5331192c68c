"""CSV export of every table on the improvement pages: audited, suppressed as on the page, formula-safe."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from django.http import Http404, HttpResponse

from coachmap.core import access, csvsafe
from coachmap.core.access import AuthedRequest
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, District, School
from coachmap.improvement import exports
from coachmap.improvement.queries.district import district_comparison
from coachmap.improvement.queries.needs import Scope, parse_period
from coachmap.improvement.views.needs import _admin_district, read_assessment


class SchoolTable(StrEnum):
    NEEDS = "needs"
    TREND = "trend"
    PRIORITIES = "priorities"
    GOALS = "goals"
    INDICATORS = "indicators"
    MAP = "map"


class DistrictTable(StrEnum):
    SCHOOLS = "schools"
    NEEDS = "needs"
    TREND = "trend"


SCHOOL_TABLES = tuple(SchoolTable)
DISTRICT_TABLES = tuple(DistrictTable)


def _csv(
    request: AuthedRequest, table: exports.Table, *, district: District, obj: School | District
) -> HttpResponse:
    stem, header, rows = table
    name = f"{getattr(obj, 'name', 'district')}-{stem}".lower().replace(" ", "-")
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=obj,
        district=district,
        table=stem,
        query=request.GET.urlencode(),
    )
    return csvsafe.csv_response(name, header, rows)


@access.route_required("improvement:school-export")
def school_export(request: AuthedRequest, school_id: int, table: str) -> HttpResponse:
    school = access.fetch(access.schools_readable_by, request.user, pk=school_id)
    if table not in SCHOOL_TABLES:
        raise Http404("No such table.")
    return school_csv(request, school, table)


def school_csv(request: AuthedRequest, school: School, table: str) -> HttpResponse:
    """One of the school's tables as the download (audited), the filters read from the query string
    as on its page. The page and the API (`improvement.endpoints.files`) answer with this."""
    assessment_tables: dict[str, Callable[[], exports.Table]] = {}
    if table in ("needs", "trend", "priorities"):
        assessment, _ = read_assessment(request, Scope(school.district, school))
        assessment_tables = {
            "needs": lambda: exports.needs_rows(assessment),
            "trend": lambda: exports.trend_rows(assessment),
            "priorities": lambda: exports.priority_rows(school, assessment),
        }
    builders: dict[str, Callable[[], exports.Table]] = {
        **assessment_tables,
        "goals": lambda: exports.goal_rows(request.user, school),
        "indicators": lambda: exports.indicator_rows(request.user, school),
        "map": lambda: exports.map_rows(request.user, school),
    }
    return _csv(request, builders[table](), district=school.district, obj=school)


@access.route_required("improvement:district-export")
def district_export(request: AuthedRequest, table: str) -> HttpResponse:
    district = _admin_district(request)
    if table not in DISTRICT_TABLES:
        raise Http404("No such table.")
    return district_csv(request, district, table)


def district_csv(request: AuthedRequest, district: District, table: str) -> HttpResponse:
    """One of the district's tables as the download (audited), filtered as on its page; the page
    and the API answer with this."""
    if table == "schools":
        comparison = district_comparison(
            request.user,
            district,
            period=parse_period(request.GET.get("pick")),
            subject=request.GET.get("subject"),
            group=request.GET.get("group", "all"),
            sort=request.GET.get("sort", "gap"),
        )
        return _csv(request, exports.comparison_rows(comparison), district=district, obj=district)
    assessment, _ = read_assessment(request, Scope(district, None))
    built = exports.needs_rows(assessment) if table == "needs" else exports.trend_rows(assessment)
    return _csv(request, built, district=district, obj=district)
