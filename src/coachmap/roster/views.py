from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from coachmap.core import access
from coachmap.core.access import AuthedRequest
from coachmap.core.forms import add_service_errors
from coachmap.roster import access as roster_access
from coachmap.roster import queries, services
from coachmap.roster.forms import ImportUploadForm


@access.route_required("roster:imports")
def imports(request: AuthedRequest) -> HttpResponse:
    """Upload a file to import, and the district's recent imports."""
    district = queries.import_district(request.user)
    assert district is not None  # noqa: S101 - the role guarantees one
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.import_upload(
                actor=request.user,
                district=district,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["upload"],
                mapping=form.cleaned_data["mapping"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # The message stays put while the import runs; its progress and result are in the status below.
            messages.success(request, f"{run.filename} was uploaded.")
            return redirect("roster:import-run", run_id=run.pk)
    return render(
        request,
        "roster/imports.html",
        {
            "form": form,
            "district": district,
            "runs": queries.recent_imports(request.user),
            "mappings": queries.saved_mappings(district),
        },
    )


@access.route_required("roster:import-run")
def import_run(request: AuthedRequest, run_id: int) -> HttpResponse:
    run = access.fetch(roster_access.import_runs_visible_to, request.user, pk=run_id)
    return render(request, "roster/import_run.html", _run_context(run))


@access.route_required("roster:import-status")
def import_status(request: AuthedRequest, run_id: int) -> HttpResponse:
    """The part of the run page htmx polls while the import runs."""
    run = access.fetch(roster_access.import_runs_visible_to, request.user, pk=run_id)
    return render(request, "roster/includes/run_status.html", _run_context(run))


def _run_context(run: object) -> dict[str, object]:
    from coachmap.roster.models import ImportRun

    assert isinstance(run, ImportRun)  # noqa: S101
    return {"run": run, "progress": queries.import_progress(run), "report": queries.import_report(run)}
