"""The technology map's writes through the API (issue 20): a tool put on the map, a tool tied to a
goal or one of its indicators, a tie undone; the principal's, by the map's own services."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from coachmap.core import access
from coachmap.core.grades import GRADE_CHOICES
from coachmap.core.inputs import Id
from coachmap.improvement import access as improvement_access
from coachmap.improvement import services
from coachmap.improvement.endpoints.common import LongText, Name, led_school, page, renamed
from coachmap.improvement.models import GoalStatus, Tool, ToolKind, ToolLink
from coachmap.roster.models import Subject

router = Router(tags=["improvement"])

GRADES = [g for g, _ in GRADE_CHOICES]


class ToolIn(Schema):
    name: Name
    kind: ToolKind = ToolKind.TOOL
    vendor: Name = ""
    grades: list[int] = Field(default_factory=list, max_length=len(GRADES))
    subjects: list[Subject] = Field(default_factory=list, max_length=len(Subject.values))
    usage_name: Name = ""


class ToolCreatedOut(Schema):
    id: int
    school_id: int
    name: str
    kind: str
    vendor: str
    grades: list[int]
    subjects: list[str]
    usage_name: str


def _tool(tool: Tool) -> dict[str, Any]:
    return {
        "id": tool.pk,
        "school_id": tool.school_id,
        "name": tool.name,
        "kind": tool.kind,
        "vendor": tool.vendor,
        "grades": tool.grades,
        "subjects": tool.subjects,
        "usage_name": tool.usage_name,
    }


@router.post("/schools/{school_id}/tools", response={201: ToolCreatedOut})
def tool_create(request: HttpRequest, school_id: Id, payload: ToolIn) -> Status:
    """Put a tool or initiative on the school's technology map (its principal); then link it to
    the goal it should move (`POST /tools/{id}/links`)."""
    school = led_school(request, school_id, "improvement:tool-new")
    access.require(access.leads_school(request.user, school.pk), "Only the school's principal keeps its map.")
    unknown = sorted(set(payload.grades) - set(GRADES))
    if unknown:
        raise ValidationError({"grades": f"{unknown[0]} is not a grade: give 0 for kindergarten to 12."})
    tool = services.tool_add(actor=request.user, school=school, **payload.dict())  # type: ignore[arg-type]
    return Status(201, _tool(tool))


class ToolLinkIn(Schema):
    goal_id: Id | None = None
    indicator_id: Id | None = None
    rationale: LongText


class ToolLinkCreatedOut(Schema):
    id: int
    tool_id: int
    goal_id: int
    indicator_id: int | None
    rationale: str


def _link(link: ToolLink) -> dict[str, Any]:
    return {
        "id": link.pk,
        "tool_id": link.tool_id,
        "goal_id": link.goal_id,
        "indicator_id": link.indicator_id,
        "rationale": link.rationale,
    }


@router.post("/tools/{tool_id}/links", response={201: ToolLinkCreatedOut})
def tool_link_create(request: HttpRequest, tool_id: Id, payload: ToolLinkIn) -> Status:
    """Tie a tool to one of its school's active goals as a whole (`goal_id`) or through one of the
    goal's indicators (`indicator_id`), saying why (its principal), as on the link form."""
    page(request, "improvement:tool-link-new", "Only the school's principal keeps its map.")
    tool = access.fetch(improvement_access.tools_visible_to, request.user, pk=tool_id)
    access.require(
        access.leads_school(request.user, tool.school_id), "Only the school's principal keeps its map."
    )
    # The form's choices: the school's active goals and their indicators, nothing else.
    goals = list(
        improvement_access.improvement_goals_visible_to(request.user)
        .filter(school=tool.school, status=GoalStatus.ACTIVE)
        .prefetch_related("indicators")
    )
    indicator = next((i for g in goals for i in g.indicators.all() if i.pk == payload.indicator_id), None)
    if payload.indicator_id is not None and indicator is None:
        raise ValidationError({"indicator_id": "Choose an indicator of one of the school's active goals."})
    goal = next((g for g in goals if g.pk == payload.goal_id), None)
    if payload.goal_id is not None and goal is None:
        raise ValidationError({"goal_id": "Choose one of the school's active goals."})
    goal = goal or (indicator.goal if indicator else None)
    if goal is None:
        raise ValidationError(
            {"goal_id": "Choose one of the school's active goals or give one of their indicators."}
        )
    try:
        link = services.tool_link_add(
            actor=request.user,  # type: ignore[arg-type]
            tool=tool,
            goal=goal,
            indicator=indicator,
            rationale=payload.rationale,
        )
    except ValidationError as exc:
        raise renamed(exc, {"goal": "goal_id", "indicator": "indicator_id"}) from exc
    return Status(201, _link(link))


@router.delete("/tool-links/{link_id}", response={204: None})
def tool_link_delete(request: HttpRequest, link_id: Id) -> Status:
    """Undo a tool's tie to a goal or indicator (its school's principal); the tool stays on the map."""
    page(request, "improvement:tool-link-delete", "Only the school's principal keeps its map.")
    link = access.fetch(improvement_access.tool_links_visible_to, request.user, pk=link_id)
    services.tool_link_remove(actor=request.user, link=link)  # type: ignore[arg-type]
    return Status(204, None)
