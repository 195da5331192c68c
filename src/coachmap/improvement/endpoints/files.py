"""The improvement pages' CSV downloads through the API (issue 20, "files as files"): the same bytes
as the page's download for the same person, made by the same function
(`improvement.views.export.school_csv` and `district_csv`: suppressed as on the page, formula-safe
through `core.csvsafe`, audited as an export). The filters are the page's query string."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from coachmap.core import groups, tokens
from coachmap.core.inputs import Id
from coachmap.improvement.endpoints.common import readable_school
from coachmap.improvement.endpoints.needs import Pick, _admin_district
from coachmap.improvement.queries.district import SORTS
from coachmap.improvement.views import export
from coachmap.improvement.views.export import DistrictTable, SchoolTable

router = Router(tags=["improvement"])


def csv_file(description: str) -> dict[str, Any]:
    """The OpenAPI answer of a route that sends a CSV file, not JSON."""
    return {
        "responses": {
            200: {
                "description": description,
                "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


@router.get(
    "/schools/{school_id}/export/{table}.csv",
    openapi_extra=csv_file("The table as a CSV file (UTF-8 with a byte-order mark), as the page's download."),
)
# Suppressed for a service account (it never owns the student data), so read:aggregates fits.
@tokens.service(tokens.Scope.READ_AGGREGATES)
def school_export(
    request: HttpRequest,
    *,
    school_id: Id,
    table: SchoolTable,
    source: str | None = Query(None, max_length=20),
    pick: str | None = Pick,
    grade: int | None = Query(None, ge=-1, le=13, description="The needs page's grade filter."),
) -> HttpResponse:
    """One table of the school's improvement pages as CSV, byte for byte the page's download:
    needs, trend, priorities (the needs page's filters `source`, `pick`, `grade`), goals,
    indicators or the technology map. Figures about too few students read "*", as on the page."""
    school = readable_school(request, school_id, "improvement:school-export")
    return export.school_csv(request, school, table.value)  # type: ignore[arg-type]


@router.get(
    "/district/export/{table}.csv",
    openapi_extra=csv_file("The table as a CSV file (UTF-8 with a byte-order mark), as the page's download."),
)
# The data owners' figures: never a service account's (it reads suppressed aggregates only).
def district_export(
    request: HttpRequest,
    *,
    table: DistrictTable,
    source: str | None = Query(None, max_length=20),
    pick: str | None = Pick,
    grade: int | None = Query(None, ge=-1, le=13),
    subject: str | None = Query(None, max_length=20),
    group: str = Query(groups.ALL, max_length=40, description="A student group's code (schools table)."),
    sort: str = Query("gap", max_length=20, description=f"One of {', '.join(SORTS)} (schools table)."),
) -> HttpResponse:
    """One table of the district's pages as CSV, as their download: the schools compared (`pick`,
    `subject`, `group`, `sort`), or the district's needs or trend (`source`, `pick`), for the
    district admins, who own the data."""
    district = _admin_district(request, "improvement:district-export")
    return export.district_csv(request, district, table.value)  # type: ignore[arg-type]
