from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coachmap.core import access
from coachmap.core.access import AuthedRequest
from coachmap.core.forms import add_service_errors
from coachmap.core.models import Role
from coachmap.roster import access as roster_access
from coachmap.roster import queries, services
from coachmap.roster.forms import ImportConfirmForm, ImportUploadForm, SyncConnectionForm
from coachmap.roster.importers.report import Report
from coachmap.roster.models import ImportRun, ImportStatus
from coachmap.roster.sync import services as sync_services


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
                # The page's default action (the first button, and Enter) is a check.
                dry_run=request.POST.get("action", "check") != "import",
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # The message stays put while the work runs; its progress and result are in the status below.
            messages.success(request, f"{run.filename} was uploaded; its progress and result are below.")
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


@access.route_required("roster:import-confirm")
def import_confirm(request: AuthedRequest, run_id: int) -> HttpResponse:
    """Import the file a check read or an import held, with the person's confirmation."""
    run = access.fetch(roster_access.import_runs_visible_to, request.user, pk=run_id)
    if request.method != "POST":
        return redirect("roster:import-run", run_id=run.pk)
    context = _run_context(run)
    form = context["confirm_form"] = _confirm_form(run, queries.import_report(run), request.POST)
    if form is None:
        messages.error(request, "This import has already run or its file is no longer kept; upload it again.")
        return redirect("roster:import-run", run_id=run.pk)
    if form.is_valid():
        try:
            again = services.import_run_confirm(
                actor=request.user, run=run, confirmed=form.cleaned_data["confirm"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"The import of {again.filename} is queued; this page shows its progress."
            )
            return redirect("roster:import-run", run_id=again.pk)
    return render(request, "roster/import_run.html", context, status=400)


def _confirm_form(run: ImportRun, report: Report | None, data: object = None) -> ImportConfirmForm | None:
    """The Import form under a check or a held import whose file is still kept."""
    if report is None or not report.ok or run.status not in (ImportStatus.CHECKED, ImportStatus.HELD):
        return None
    if not run.upload_path:
        return None
    return ImportConfirmForm(data, effect=report.effect(), held=bool(report.held))


def _run_context(run: ImportRun) -> dict[str, object]:
    report = queries.import_report(run)
    return {
        "run": run,
        "progress": queries.import_progress(run),
        "report": report,
        "confirm_form": _confirm_form(run, report),
    }


@access.route_required("roster:sync")
def sync(request: AuthedRequest) -> HttpResponse:
    """Connect the district's OneRoster service, and each sync run: when, full or changes, what
    changed in plain words, what was refused and why."""
    district = access.acting_district(request.user, Role.DISTRICT_ADMIN)
    assert district is not None  # noqa: S101 - the role guarantees one
    connection = queries.sync_connection(district)
    initial = queries.sync_connection_values(connection) if connection else None
    form = SyncConnectionForm(
        request.POST or None, initial=initial, has_secret=bool(connection and connection.has_secret)
    )
    if request.method == "POST" and form.is_valid():
        try:
            sync_services.sync_connect(actor=request.user, district=district, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                "The OneRoster service is saved. Press “Sync now” to try it, or wait for tonight's sync.",
            )
            return redirect("roster:sync")
    return render(
        request,
        "roster/sync.html",
        {
            "form": form,
            "district": district,
            "connection": connection,
            "runs": queries.sync_runs(request.user),
        },
        status=400 if form.is_bound else 200,
    )


@access.route_required("roster:sync-now")
@require_POST
def sync_now(request: AuthedRequest) -> HttpResponse:
    district = access.acting_district(request.user, Role.DISTRICT_ADMIN)
    assert district is not None  # noqa: S101 - the role guarantees one
    try:
        sync_services.sync_queue(actor=request.user, district=district)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The sync has started; its result shows in the list below when it ends.")
    return redirect("roster:sync")
