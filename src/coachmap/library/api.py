"""The library through the API (issue 20): search and read, as on the library pages."""

import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from coachmap.core import access, tokens
from coachmap.core.inputs import Id, Pages
from coachmap.library import access as library_access
from coachmap.library import queries
from coachmap.library.models import Resource, ResourceKind

router = Router(tags=["library"])


class ResourceOut(Schema):
    id: int
    title: str
    kind: str
    description: str
    url: str
    file_name: str
    subjects: list[str]
    grades: list[int]
    tools: list[str]
    practices: list[str]
    quadrants: list[str]
    goals: list[int]
    created_at: datetime.datetime

    @staticmethod
    def resolve_goals(obj: Resource) -> list[int]:
        return [g.pk for g in obj.goals.all()]


class LibraryFilters(Schema):
    q: str = Field("", max_length=200, description="Words to search titles, descriptions and tags for")
    kind: ResourceKind | None = None
    tool: str = Field("", max_length=100)
    practice: str = Field("", max_length=100)
    subject: str = Field("", max_length=40)
    grade: int | None = Field(None, ge=-1, le=13)
    quadrant: str = Field("", max_length=40)


@router.get("/library", response=list[ResourceOut])
@tokens.service(tokens.Scope.READ_LIBRARY)
@paginate(Pages, page_size=20)
def library(request: HttpRequest, filters: Query[LibraryFilters]) -> QuerySet[Resource]:
    """The district's resources, searched (`q`) and filtered as on the library page, 20 a page."""
    return queries.browse(
        request.user,
        text=filters.q,
        kind=filters.kind or "",
        tool=filters.tool,
        practice=filters.practice,
        subject=filters.subject,
        grade=filters.grade,
        quadrant=filters.quadrant,
    ).prefetch_related("goals")


@router.get("/library/{resource_id}", response=ResourceOut)
@tokens.service(tokens.Scope.READ_LIBRARY)
def resource(request: HttpRequest, resource_id: Id) -> Resource:
    return access.fetch(library_access.resources_visible_to, request.user, pk=resource_id)
