"""The library through the API (issue 20), as on the library pages: search and read; add a
resource and change it (its author or the program lead), with the page's form and service; and
count an opening, as following a resource's link from its page does (who opened it is not kept).
Files as files: a resource is added with its file, or its file replaced, by a multipart upload bound
to the page's own form (the same type and size checks, nothing stored when refused), and a stored
file is downloaded as the page serves it."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from coachmap.core import access, tokens
from coachmap.core.access import AnyUser
from coachmap.core.inputs import Id, Pages, form_checked
from coachmap.core.models import Role
from coachmap.library import access as library_access
from coachmap.library import files, queries, services, views
from coachmap.library.forms import ResourceForm
from coachmap.library.models import Quadrant, Resource, ResourceKind
from coachmap.roster.models import Subject

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
    opened: int | None = Field(None, description="Times opened (on one resource's answer)")
    in_sessions: int | None = Field(
        None, description="Times used in coaching sessions (on one resource's answer)"
    )

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


UPLOAD_HELP = (
    f"The file: {', '.join(sorted(files.TYPES))}, up to {files.MAX_BYTES // (1024 * 1024)} MB "
    "(a renamed file of another type is refused)."
)
Upload = File(..., description=UPLOAD_HELP)


# Before `/library/{resource_id}`, whose address would otherwise take "uploads" for an id.
@router.post("/library/uploads", response={201: ResourceOut})
def resource_upload(
    request: HttpRequest,
    *,
    upload: UploadedFile = Upload,
    title: Form[str],
    kind: Form[ResourceKind],
    description: Form[str] = "",
    url: Form[str] = "",
    tools: Form[str] = "",
    practices: Form[str] = "",
    subjects: Form[list[str]] = [],  # noqa: B006 - ninja reads the default, never changes it
    grades: Form[list[int]] = [],  # noqa: B006
    quadrants: Form[list[str]] = [],  # noqa: B006
    goals: Form[list[Id]] = [],  # noqa: B006
) -> Status:
    """A coach or the program lead adds a resource with its file (multipart, the fields of the
    page's form: `tools` and `practices` separated by commas, `subjects`, `grades`, `quadrants` and
    `goals` repeated). A file of a type the library does not take, or too big, is a 422 naming
    `upload`, and nothing is stored."""
    access.require(
        access.may_open(request.user, "library:resource-new"),
        "Coaches and the program lead add to the library.",
    )
    district = access.acting_district(request.user, Role.COACH, Role.PROGRAM_LEAD)
    access.require(district is not None, "Coaches and the program lead add to the library.")
    assert district is not None  # noqa: S101 - required above
    form = form_checked(
        ResourceForm(request.POST, request.FILES, goals=queries.goals_to_tag(request.user, district.pk))
    )
    added = services.resource_save(actor=request.user, district=district, **form.cleaned_data)  # type: ignore[arg-type]
    return Status(201, resource(request, added.pk))


@router.get("/library/{resource_id}", response=ResourceOut)
@tokens.service(tokens.Scope.READ_LIBRARY)
def resource(request: HttpRequest, resource_id: Id) -> Resource:
    """One resource, with how often it was opened and used in sessions (as on its page)."""
    return access.fetch(
        lambda u: queries.with_use_counts(library_access.resources_visible_to(u)),
        request.user,
        pk=resource_id,
    )


class ResourceIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    kind: ResourceKind
    description: str = Field("", max_length=10000)
    url: str = Field("", max_length=500, description="A web address (https://…); a new resource needs one")
    tools: list[str] = Field(default_factory=list, max_length=50)
    practices: list[str] = Field(default_factory=list, max_length=50)
    subjects: list[Subject] = Field(default_factory=list, max_length=10)
    grades: list[int] = Field(default_factory=list, max_length=20, description="-1 Pre-K, 0 K, 1–12")
    quadrants: list[Quadrant] = Field(default_factory=list, max_length=4)
    goals: list[Id] = Field(default_factory=list, max_length=100, description="School goals it serves")


def _form(
    payload: ResourceIn, *, user: AnyUser, district_id: int, require_source: bool = True
) -> ResourceForm:
    """The page's form, bound to what was sent (tags as the page's comma-separated boxes)."""
    data = payload.dict()
    data["tools"] = ", ".join(t.replace(",", " ") for t in payload.tools)
    data["practices"] = ", ".join(p.replace(",", " ") for p in payload.practices)
    form = ResourceForm(
        data,
        goals=queries.goals_to_tag(user, district_id),
        require_source=require_source,
    )
    return form_checked(form)  # type: ignore[return-value]


@router.post("/library", response=ResourceOut)
def resource_create(request: HttpRequest, payload: ResourceIn) -> Resource:
    """A coach or the program lead adds a resource given by its link (a file is uploaded on the page)."""
    access.require(
        access.may_open(request.user, "library:resource-new"),
        "Coaches and the program lead add to the library.",
    )
    district = access.acting_district(request.user, Role.COACH, Role.PROGRAM_LEAD)
    access.require(district is not None, "Coaches and the program lead add to the library.")
    form = _form(payload, user=request.user, district_id=district.pk)  # type: ignore[union-attr]
    added = services.resource_save(actor=request.user, district=district, **form.cleaned_data)  # type: ignore[arg-type]
    return resource(request, added.pk)


@router.put("/library/{resource_id}", response=ResourceOut)
def resource_update(request: HttpRequest, resource_id: Id, payload: ResourceIn) -> Resource:
    """Its author or the program lead changes a resource: every field as sent (a resource with a file
    keeps it, and may then have no link)."""
    access.require(
        access.may_open(request.user, "library:resource-edit"),
        "Only its author or the program lead can change it.",
    )
    found = access.fetch(library_access.resources_visible_to, request.user, pk=resource_id)
    access.require(
        library_access.may_change_resource(request.user, found),
        "Only its author or the program lead can change it.",
    )
    form = _form(payload, user=request.user, district_id=found.district_id, require_source=not found.file)
    services.resource_save(actor=request.user, district=found.district, resource=found, **form.cleaned_data)  # type: ignore[arg-type]
    return resource(request, found.pk)


class OpenedOut(Schema):
    url: str = Field(..., description="The link to follow")
    opened: int


@router.post("/library/{resource_id}/open", response=OpenedOut)
def resource_open(request: HttpRequest, resource_id: Id) -> dict[str, object]:
    """Count an opening of a resource given by a link, as following it from its page does, and give
    the link. A file is fetched (and counted) with `GET /library/{resource_id}/file`."""
    access.require(
        access.may_open(request.user, "library:resource-open"), "The library is for people of the district."
    )
    found = access.fetch(library_access.resources_visible_to, request.user, pk=resource_id)
    if found.file:
        raise ValidationError(
            {"resource": f"This resource is a file: fetch it from /api/v1/library/{found.pk}/file."}
        )
    if not found.url.lower().startswith(("https://", "http://")):
        raise Http404("This resource has no link or file.")
    services.resource_open(resource=found)
    counted = access.fetch(
        lambda u: queries.with_use_counts(library_access.resources_visible_to(u)), request.user, pk=found.pk
    )
    return {"url": found.url, "opened": counted.opened}  # type: ignore[attr-defined]


# --- files as files (issue 20): uploads through the page's form, downloads as the page serves them ---


@router.get(
    "/library/{resource_id}/file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The stored file, as the library page serves it (its own type; "
                "only PDFs, images and plain text inline).",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
@tokens.service(tokens.Scope.READ_LIBRARY)
def resource_file(request: HttpRequest, resource_id: Id) -> FileResponse:
    """A resource's uploaded file, streamed, to anyone in its district (as opening it from its page).
    A person's download counts as an opening, as on the page; another system's (a service account)
    does not, since no one opened it. A resource given by a link has no file: 404."""
    access.require(
        access.may_open(request.user, "library:resource-open"), "The library is for people of the district."
    )
    found = access.fetch(library_access.resources_visible_to, request.user, pk=resource_id)
    if not found.file:
        raise Http404("This resource is a link, not a file: follow its url.")
    response = views.file_response(found)
    if getattr(request.user, "api_token_kind", None) != tokens.Kind.SERVICE:
        services.resource_open(resource=found)
    return response


@router.post("/library/{resource_id}/file", response=ResourceOut)
def resource_file_replace(request: HttpRequest, resource_id: Id, upload: UploadedFile = Upload) -> Resource:
    """Its author or the program lead gives a resource a new file (multipart field `upload`), as
    the edit page's upload does: the old file goes once the new one is stored; a refused file (a
    422 naming `upload`) changes nothing."""
    access.require(
        access.may_open(request.user, "library:resource-edit"),
        "Only its author or the program lead can change it.",
    )
    found = access.fetch(library_access.resources_visible_to, request.user, pk=resource_id)
    access.require(
        library_access.may_change_resource(request.user, found),
        "Only its author or the program lead can change it.",
    )
    # The edit page's form as it is filled in for this resource, with the new file; its goals are
    # kept as they are (the form offers only the active goals this person sees).
    current = {
        "title": found.title,
        "kind": found.kind,
        "description": found.description,
        "url": found.url,
        "tools": ", ".join(t.replace(",", " ") for t in found.tools),
        "practices": ", ".join(p.replace(",", " ") for p in found.practices),
        "subjects": found.subjects,
        "grades": found.grades,
        "quadrants": found.quadrants,
    }
    form = form_checked(
        ResourceForm(
            current,
            request.FILES,
            goals=queries.goals_to_tag(request.user, found.district_id),
            require_source=not found.file,
        )
    )
    services.resource_save(
        actor=request.user,  # type: ignore[arg-type]
        district=found.district,
        resource=found,
        **{**form.cleaned_data, "goals": list(found.goals.select_related("school"))},
    )
    return resource(request, found.pk)
