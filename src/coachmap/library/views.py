"""Library pages: browse and search, a resource, add and change, and opening a resource safely."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render

from coachmap.core import access
from coachmap.core.access import AuthedRequest
from coachmap.core.forms import add_service_errors
from coachmap.core.models import Role
from coachmap.library import access as library_access
from coachmap.library import files, queries, services
from coachmap.library.forms import ResourceForm, SearchForm
from coachmap.library.models import Resource


@access.route_required("library:index")
def index(request: AuthedRequest) -> HttpResponse:
    options = queries.tag_options(request.user)
    form = SearchForm(request.GET or None, **options)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            k: data[k]
            for k in ("kind", "tool", "practice", "subject", "quadrant", "grade")
            if data.get(k) not in ("", None)
        }
        filters["text"] = data.get("q") or ""
    page = Paginator(queries.browse(request.user, **filters), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "library/index.html",
        {
            "form": form,
            "page": page,
            "searched": bool(filters),
            "may_add": access.has_role(request.user, Role.COACH, Role.PROGRAM_LEAD),
        },
    )


@access.route_required("library:resource")
def resource_detail(request: AuthedRequest, resource_id: int) -> HttpResponse:
    resource = access.fetch(
        lambda u: queries.with_use_counts(library_access.resources_visible_to(u)),
        request.user,
        pk=resource_id,
    )
    return render(
        request,
        "library/resource.html",
        {
            "resource": resource,
            "goals": resource.goals.select_related("school"),
            "may_change": library_access.may_change_resource(request.user, resource),
        },
    )


@access.route_required("library:resource-new")
def resource_new(request: AuthedRequest) -> HttpResponse:
    district = access.acting_district(request.user, Role.COACH, Role.PROGRAM_LEAD)
    assert district is not None  # noqa: S101 - the role guarantees one
    form = ResourceForm(
        request.POST or None, request.FILES or None, goals=queries.goals_to_tag(request.user, district.pk)
    )
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.resource_save(actor=request.user, district=district, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Added to the library.")
            return redirect("library:resource", resource_id=resource.pk)
    return render(request, "library/resource_form.html", {"form": form, "resource": None})


@access.route_required("library:resource-edit")
def resource_edit(request: AuthedRequest, resource_id: int) -> HttpResponse:
    resource = access.fetch(library_access.resources_visible_to, request.user, pk=resource_id)
    access.require(
        library_access.may_change_resource(request.user, resource),
        "Only its author or the program lead can change it.",
    )
    initial = {
        "title": resource.title,
        "kind": resource.kind,
        "description": resource.description,
        "url": resource.url,
        "tools": ", ".join(resource.tools),
        "practices": ", ".join(resource.practices),
        "subjects": resource.subjects,
        "grades": resource.grades,
        "quadrants": resource.quadrants,
        "goals": list(resource.goals.all()),
    }
    form = ResourceForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        goals=queries.goals_to_tag(request.user, resource.district_id),
        require_source=not resource.file,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.resource_save(
                actor=request.user, district=resource.district, resource=resource, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("library:resource", resource_id=resource.pk)
    return render(request, "library/resource_form.html", {"form": form, "resource": resource})


@access.route_required("library:resource-open")
def resource_open(request: AuthedRequest, resource_id: int) -> HttpResponseBase:
    """Count the use, then follow the link or serve the file. Only PDFs, images and plain text open
    in the browser; everything else downloads, and nothing may be sniffed into something runnable."""
    resource: Resource = access.fetch(library_access.resources_visible_to, request.user, pk=resource_id)
    if not resource.file:
        if not resource.url.lower().startswith(("https://", "http://")):
            raise Http404("This resource has no link or file.")
        services.resource_open(resource=resource)
        return HttpResponseRedirect(resource.url)
    response = file_response(resource)
    services.resource_open(resource=resource)
    return response


def file_response(resource: Resource) -> FileResponse:
    """The resource's stored file, streamed, as the page and the API (`library.api.resource_file`)
    serve it: only PDFs, images and plain text inline, never sniffed, never cached, sandboxed."""
    try:
        handle = resource.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing; ask the program lead to upload it again.") from exc
    content_type, inline = files.served_as(resource.content_type)
    response = FileResponse(
        handle, as_attachment=not inline, filename=resource.file_name or "resource", content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    )
    response["Cache-Control"] = "private, no-store"
    return response
