"""The look-for framework through the API (issue 20): read its current version and its history,
publish a new version (the program lead), and record and list one's own walkthroughs (a school's
coaches and principal), by the framework's own queries and services."""

import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from coachmap.core import access
from coachmap.core.inputs import Id, Pages
from coachmap.core.models import District, Role, User
from coachmap.improvement import access as improvement_access
from coachmap.improvement.endpoints.common import Day, Line, Rows, page, renamed
from coachmap.improvement.framework import queries as framework_queries
from coachmap.improvement.framework import services as framework_services
from coachmap.improvement.models import FrameworkVersion, GradeBand, Walkthrough

router = Router(tags=["look-for framework"])

# --- reading the framework -------------------------------------------------------------------------


class LevelOut(Schema):
    id: int
    position: int
    name: str
    description: str


class LookForOut(Schema):
    id: int
    position: int
    text: str


class BandOut(Schema):
    value: str
    label: str
    look_fors: list[LookForOut]


class VersionSummaryOut(Schema):
    number: int
    published_at: datetime.datetime
    published_by: str | None = Field(description="Null for the default framework coachmap started with.")
    change_note: str


class VersionOut(VersionSummaryOut):
    is_current: bool
    levels: list[LevelOut]
    bands: list[BandOut]


class FrameworkOut(Schema):
    current: VersionOut | None
    versions: list[VersionSummaryOut]


def _person(user: User | None) -> str | None:
    return None if user is None else (user.get_full_name() or user.get_username())


def _summary(version: FrameworkVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "published_at": version.published_at,
        "published_by": _person(version.published_by),
        "change_note": version.change_note,
    }


def _version(version: FrameworkVersion) -> dict[str, Any]:
    layout = framework_queries.layout(version)
    return {
        **_summary(version),
        "is_current": layout.is_current,
        "levels": [
            {"id": lv.pk, "position": lv.position, "name": lv.name, "description": lv.description}
            for lv in layout.levels
        ],
        "bands": [
            {
                "value": band.value,
                "label": band.label,
                "look_fors": [
                    {"id": lf.pk, "position": lf.position, "text": lf.text} for lf in band.look_fors
                ],
            }
            for band in layout.bands
        ],
    }


def _district(request: HttpRequest, route: str, *roles: Role) -> District:
    """The district the person acts for, as the framework pages find it (404 when none)."""
    page(request, route, "This is not part of your role.")
    district = access.acting_district(request.user, *(roles or tuple(Role)))
    if district is None:
        raise Http404("You belong to no district.")
    return district


@router.get("/framework", response=FrameworkOut)
def framework_current(request: HttpRequest) -> dict[str, Any]:
    """The district's look-for framework as everyone in the district reads it: the current
    version's levels of technology use and look-fors per grade band, and every version published."""
    district = _district(request, "program:framework")
    versions = list(framework_queries.history(request.user, district.pk))
    return {
        "current": _version(versions[0]) if versions else None,
        "versions": [_summary(v) for v in versions],
    }


@router.get("/framework/versions/{number}", response=VersionOut)
def framework_version(request: HttpRequest, number: Id) -> dict[str, Any]:
    """One version of the framework, as published (nothing is ever edited in place)."""
    district = _district(request, "program:framework-version")
    version = next(
        (v for v in framework_queries.history(request.user, district.pk) if v.number == number), None
    )
    if version is None:
        raise Http404("No such version of the framework.")
    return _version(version)


# --- publishing a version --------------------------------------------------------------------------

LevelName = Annotated[str, Field(max_length=60, pattern=r"^[^:\x00]*$")]


class LevelIn(Schema):
    name: LevelName
    description: Line = ""


class LookForsIn(Schema):
    k2: list[Line] = Field(default_factory=list, max_length=50)
    g35: list[Line] = Field(default_factory=list, max_length=50)
    g68: list[Line] = Field(default_factory=list, max_length=50)
    g912: list[Line] = Field(default_factory=list, max_length=50)


class FrameworkIn(Schema):
    levels: list[LevelIn] = Field(..., max_length=50, description="Lowest first.")
    look_fors: LookForsIn
    change_note: Line = ""


@router.post("/framework/versions", response={201: VersionOut})
def framework_publish(request: HttpRequest, payload: FrameworkIn) -> Status:
    """Publish a new version of the framework (the program lead): 2 to 7 levels, lowest first, and
    1 to 8 look-fors for each grade band. Check-ins and walkthroughs already recorded keep the
    version they used. The publishing is recorded in the audit trail."""
    district = _district(request, "program:framework-edit", Role.PROGRAM_LEAD)
    bands = payload.look_fors.dict()
    try:
        version = framework_services.framework_publish(
            actor=request.user,  # type: ignore[arg-type]
            district=district,
            levels=[
                f"{lv.name}: {lv.description}" if lv.description.strip() else lv.name for lv in payload.levels
            ],
            look_fors={band: bands[band] for band in GradeBand.values},
            change_note=payload.change_note,
        )
    except ValidationError as exc:
        raise renamed(exc, {f"look_fors_{band}": f"look_fors.{band}" for band in GradeBand.values}) from exc
    return Status(201, _version(version))


# --- walkthroughs ----------------------------------------------------------------------------------


class WalkthroughOut(Schema):
    id: int
    school_id: int
    school: str
    observed_on: datetime.date
    version: int
    grade_band: str
    level_id: int
    level: str
    look_for_ids: list[int]


def _walkthrough(walkthrough: Walkthrough) -> dict[str, Any]:
    return {
        "id": walkthrough.pk,
        "school_id": walkthrough.school_id,
        "school": walkthrough.school.name,
        "observed_on": walkthrough.observed_on,
        "version": walkthrough.version.number,
        "grade_band": walkthrough.grade_band,
        "level_id": walkthrough.level_id,
        "level": walkthrough.level.name,
        "look_for_ids": sorted(lf.pk for lf in walkthrough.look_fors.all()),
    }


WALKTHROUGHS = "Walkthroughs are recorded by a school's coaches and its principal."


@router.get("/walkthroughs", response=list[WalkthroughOut])
@paginate(Pages, page_size=50)
def walkthrough_list(request: HttpRequest) -> Any:
    """The walkthroughs you recorded, newest first (a walkthrough names no teacher; one by one,
    it is its observer's alone)."""
    page(request, "program:walkthroughs", WALKTHROUGHS)
    queryset = (
        improvement_access.walkthroughs_visible_to(request.user)
        .select_related("school", "level", "version")
        .prefetch_related("look_fors")
        .order_by("-observed_on", "-id")
    )
    return Rows(queryset, _walkthrough)


class WalkthroughIn(Schema):
    school_id: Id
    observed_on: Day
    grade_band: GradeBand
    level_id: Id
    look_for_ids: list[Id] = Field(default_factory=list, max_length=50)


@router.post("/walkthroughs", response={201: WalkthroughOut})
def walkthrough_record(request: HttpRequest, payload: WalkthroughIn) -> Status:
    """Record a walkthrough at a school you serve or lead, against the district's current
    framework: the grade band seen, the level of technology use and the look-fors seen."""
    page(request, "program:walkthroughs", WALKTHROUGHS)
    school = access.fetch(access.schools_readable_by, request.user, pk=payload.school_id)
    access.require(
        improvement_access.may_record_walkthrough(request.user, school),
        "Only the school's principal and the coaches who serve it record its walkthroughs.",
    )
    current = framework_queries.current_version(school.district_id)
    level = current.levels.filter(pk=payload.level_id).first() if current else None
    if level is None:
        raise ValidationError({"level_id": "Choose a level from the district's current framework."})
    wanted = set(payload.look_for_ids)
    seen = list(current.look_fors.filter(pk__in=wanted)) if current else []
    if len(seen) != len(wanted):
        raise ValidationError({"look_for_ids": "Choose look-fors from the district's current framework."})
    try:
        walkthrough = framework_services.walkthrough_record(
            actor=request.user,  # type: ignore[arg-type]
            school=school,
            observed_on=payload.observed_on,
            grade_band=payload.grade_band,
            level=level,
            look_fors=seen,
        )
    except ValidationError as exc:
        raise renamed(exc, {"level": "level_id", "look_fors": "look_for_ids"}) from exc
    return Status(201, _walkthrough(walkthrough))
