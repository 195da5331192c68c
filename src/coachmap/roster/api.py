"""Roster imports through the API (issue 20): send a file to import, as on the upload page, and
follow its run. The same service (`services.import_upload`): the same checks, all-or-nothing
merge, removal threshold and report; a held import is confirmed
with `POST /imports/{id}/confirm`, as on its page; saved column mappings are listed, saved and
forgotten.

The nightly roster sync from the district's OneRoster service, as on its page (`roster:sync`): the
connection's settings (its client secret write-only: answers say only `secret_set`), saving them
with the page's form and service, the runs with what each changed or refused, and "Sync now".
Saving the connection takes a secret, so no token may do it (`@tokens.never`), as with the sign-in
providers' secrets; the district admin's personal token reads the settings and runs and presses
"Sync now"."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from coachmap.core import access, tokens
from coachmap.core.forms import form_cleaned
from coachmap.core.inputs import Id, Pages, Rows
from coachmap.core.models import District
from coachmap.roster import access as roster_access
from coachmap.roster import queries, services
from coachmap.roster.forms import ImportConfirmForm, SyncConnectionForm
from coachmap.roster.models import (
    ColumnMapping,
    ImportKind,
    ImportRun,
    ImportStatus,
    OAuthVersion,
    SyncConnection,
    SyncMode,
    SyncRun,
    SyncStatus,
)
from coachmap.roster.sync import services as sync_services

router = Router(tags=["roster"])


class ProblemOut(Schema):
    file: str
    row: int | None
    column: str
    value: str
    reason: str


class ImportOut(Schema):
    id: int
    kind: str
    filename: str
    dry_run: bool
    status: str
    status_words: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None

    @staticmethod
    def resolve_status_words(obj: Any) -> str:
        return (
            obj["status_words"]
            if isinstance(obj, dict)
            else ImportRun(status=obj.status).get_status_display()
        )


class ImportDetailOut(ImportOut):
    phase: str
    percent: int
    problem_count: int | None
    problems: list[ProblemOut]
    held: str


def _run(run: ImportRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "kind": run.kind,
        "filename": run.filename,
        "dry_run": run.dry_run,
        "status": run.status,
        "status_words": ImportStatus(run.status).label,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
    }


def _detail(run: ImportRun) -> dict[str, Any]:
    report = queries.import_report(run)
    progress = queries.import_progress(run)
    return {
        **_run(run),
        "phase": str(progress.get("phase", "")),
        "percent": int(progress.get("percent", 0) or 0),
        "problem_count": report.problem_count if report else None,
        "problems": [p.__dict__ for p in report.problems[:200]] if report else [],
        "held": report.held if report else "",
    }


def _require_importer(request: HttpRequest) -> None:
    access.require(
        access.may_open(request.user, "roster:imports"),
        "Only a program lead or district admin can import data.",
    )


@router.get("/imports", response=list[ImportOut])
@tokens.service(tokens.Scope.WRITE_ROSTER)
@paginate(Pages, page_size=20)
def imports(request: HttpRequest, status: ImportStatus | None = None) -> QuerySet[ImportRun]:
    """The district's imports, newest first."""
    _require_importer(request)
    rows = roster_access.import_runs_visible_to(request.user).defer("report")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-id")


@router.get("/imports/{run_id}", response=ImportDetailOut)
@tokens.service(tokens.Scope.WRITE_ROSTER)
def import_run(request: HttpRequest, run_id: Id) -> dict[str, Any]:
    """One import: its progress, and its report's problems (file, row, column, value, reason)."""
    _require_importer(request)
    return _detail(access.fetch(roster_access.import_runs_visible_to, request.user, pk=run_id))


@router.post("/imports", response={202: ImportDetailOut})
@tokens.service(tokens.Scope.WRITE_ROSTER)
def import_upload(
    request: HttpRequest,
    kind: Form[ImportKind],
    upload: File[UploadedFile],
    mapping: Form[str] = "",
    check_only: Form[bool] = True,
) -> Status:
    """Send a file to import (multipart: `kind`, `upload`, optional `mapping`). With `check_only`
    (the default, as on the page) it is read and checked and nothing changes; send
    `check_only=false` to import. The task worker runs it: follow `GET /imports/{id}`."""
    _require_importer(request)
    district = queries.import_district(request.user)
    access.require(district is not None, "Only a program lead or district admin can import data.")
    assert district is not None  # noqa: S101 - required above
    run = services.import_upload(
        actor=request.user,  # type: ignore[arg-type]
        district=district,
        kind=kind,
        upload=upload,
        mapping=mapping[:100],
        dry_run=check_only,
    )
    run.refresh_from_db()
    return Status(202, _detail(run))


class ImportConfirmIn(Schema):
    model_config = ConfigDict(extra="forbid")

    confirm: bool = Field(
        False,
        description="For a held import: true confirms what it removes (its report's `held` says what).",
    )


@router.post("/imports/{run_id}/confirm", response={202: ImportDetailOut})
def import_confirm(request: HttpRequest, run_id: Id, data: ImportConfirmIn | None = None) -> Status:
    """Import the file a check read or an import held, as the run page's Import button does. A held
    import needs `confirm: true`; a finished one, or one whose file is no longer kept, is a 422.
    A person confirms: service tokens (which send files) cannot, so a held import waits for one."""
    _require_importer(request)
    run = access.fetch(roster_access.import_runs_visible_to, request.user, pk=run_id)
    report = queries.import_report(run)
    if (
        report is None
        or not report.ok
        or run.status not in (ImportStatus.CHECKED, ImportStatus.HELD)
        or not run.upload_path
    ):
        raise ValidationError(
            {"run_id": "This import has already run or its file is no longer kept; upload it again."}
        )
    form = ImportConfirmForm(
        {"confirm": bool(data and data.confirm)}, effect=report.effect(), held=bool(report.held)
    )
    again = services.import_run_confirm(
        actor=request.user,  # type: ignore[arg-type]
        run=run,
        confirmed=form_cleaned(form)["confirm"],
    )
    again.refresh_from_db()
    return Status(202, _detail(again))


# --- saved column mappings ----------------------------------------------------------------------


class ColumnMappingOut(Schema):
    id: int
    name: str
    kind: str
    columns: dict[str, str] = Field(description="coachmap field → the file's header")
    updated_at: datetime.datetime


class ColumnMappingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        max_length=100, description="The source, as named on the import page (e.g. “Star Reading”)."
    )
    columns: dict[str, str] = Field(
        description='coachmap field → the file\'s header, e.g. {"student_id": "SIS ID"}'
    )


@router.get("/column-mappings", response=list[ColumnMappingOut])
@tokens.service(tokens.Scope.WRITE_ROSTER)
@paginate(Pages, page_size=50)
def column_mappings(request: HttpRequest, name: str | None = None) -> QuerySet[ColumnMapping]:
    """The district's saved column mappings for assessment results, as the import page lists them."""
    _require_importer(request)
    rows = roster_access.column_mappings_visible_to(request.user)
    if name:
        rows = rows.filter(name__icontains=name[:100])
    return rows.order_by("name", "id")


@router.post("/column-mappings", response={201: ColumnMappingOut})
@tokens.service(tokens.Scope.WRITE_ROSTER)
def column_mapping_save(request: HttpRequest, data: ColumnMappingIn) -> Status:
    """Save (or replace, by name) a source's mapping; imports naming the source read their columns this way."""
    _require_importer(request)
    district = queries.import_district(request.user)
    access.require(district is not None, "Only a program lead or district admin can import data.")
    assert district is not None  # noqa: S101 - required above
    saved = services.column_mapping_save(
        actor=request.user,  # type: ignore[arg-type]
        district=district,
        name=data.name,
        columns=data.columns,
    )
    return Status(201, saved)


@router.delete("/column-mappings/{mapping_id}", response={204: None})
@tokens.service(tokens.Scope.WRITE_ROSTER)
def column_mapping_delete(request: HttpRequest, mapping_id: Id) -> Status:
    """Forget a saved mapping: the next import from its source guesses the columns from their names."""
    _require_importer(request)
    found = access.fetch(roster_access.column_mappings_visible_to, request.user, pk=mapping_id)
    services.column_mapping_delete(actor=request.user, mapping=found)  # type: ignore[arg-type]
    return Status(204, None)


# --- the nightly sync from the district's OneRoster service (the district admin's) ----------------

NOT_ADMIN = "Only the district admin connects and runs the district's roster sync."


class SyncConnectionOut(Schema):
    base_url: str
    version: str
    oauth: str
    oauth_words: str
    token_url: str
    client_id: str
    secret_set: bool = Field(
        description="Whether a client secret is saved; the secret itself is never shown."
    )
    hour: int = Field(description="The nightly sync starts after this hour (0–23).")
    enabled: bool = Field(description="Whether it syncs every night; “Sync now” works either way.")
    next_sync: str = Field(description="`full` (everything, the first time) or `delta` (changes only).")
    updated_at: datetime.datetime


class SyncSettingsOut(Schema):
    connection: SyncConnectionOut | None = Field(description="null until the service is connected.")
    hold_percent: int = Field(
        description="A sync that would remove or change more than this share waits for a confirmation."
    )


class SyncConnectionIn(Schema):
    """The roster sync page's fields. Those left out keep their saved value; an empty or missing
    `secret` keeps the saved secret (the first save needs one)."""

    model_config = ConfigDict(extra="forbid")

    base_url: str | None = Field(None, max_length=500)
    version: str | None = Field(None, max_length=3, description="1.1 or 1.2")
    oauth: OAuthVersion | None = None
    token_url: str | None = Field(None, max_length=500)
    client_id: str | None = Field(None, max_length=200)
    secret: str = Field("", max_length=2000, description="Write-only: replaces the saved secret.")
    hour: int | None = Field(None, description="0 to 23")
    enabled: bool | None = None


class SyncRunOut(Schema):
    id: int
    mode: SyncMode
    mode_words: str
    status: SyncStatus
    status_words: str
    reason: str = Field(
        description="What it changed (counts, and what was removed), or what was refused and why, in words."
    )
    fetched: dict[str, int] = Field(description="Records read from the service, per collection.")
    started_by: str | None = Field(description="Who pressed “Sync now”; null for the nightly schedule.")
    started_at: datetime.datetime
    finished_at: datetime.datetime | None
    import_id: int | None = Field(description="The import it ran: its full report is `GET /imports/{id}`.")


def _sync_district(request: HttpRequest, page: str) -> District:
    return access.admin_district(request.user, page, NOT_ADMIN)


def _connection(connection: SyncConnection) -> dict[str, Any]:
    return {
        **queries.sync_connection_values(connection),
        "oauth_words": OAuthVersion(connection.oauth).label,
        "secret_set": connection.has_secret,
        "next_sync": SyncMode.DELTA if connection.watermark else SyncMode.FULL,
        "updated_at": connection.updated_at,
    }


def _sync_settings(district: District) -> dict[str, Any]:
    connection = queries.sync_connection(district)
    return {
        "connection": _connection(connection) if connection else None,
        "hold_percent": district.import_hold_percent,
    }


def _sync_run(run: SyncRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "mode": run.mode,
        "mode_words": SyncMode(run.mode).label,
        "status": run.status,
        "status_words": SyncStatus(run.status).label,
        "reason": run.reason,
        "fetched": run.fetched or {},
        "started_by": str(run.actor) if run.actor else None,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "import_id": run.import_run_id,
    }


@router.get("/roster/sync", response=SyncSettingsOut)
def roster_sync(request: HttpRequest) -> dict[str, Any]:
    """The district's OneRoster connection as the page shows it (never its secret: `secret_set`
    says whether one is saved), whether the next sync is full or changes only, and the hold."""
    return _sync_settings(_sync_district(request, "roster:sync"))


@router.post("/roster/sync", response=SyncSettingsOut)
@tokens.never
def roster_sync_save(request: HttpRequest, data: SyncConnectionIn) -> dict[str, Any]:
    """Save the connection with the page's form and service: https addresses only, a token address
    for OAuth 2, a secret the first time (write-only); a new address or version makes the next sync
    full; audited (saying only whether the secret changed). Signed in only: it takes a secret."""
    district = _sync_district(request, "roster:sync")
    connection = queries.sync_connection(district)
    stored: dict[str, Any] = (
        queries.sync_connection_values(connection)
        if connection
        else {"version": "1.1", "oauth": OAuthVersion.OAUTH2, "hour": 2, "enabled": True}
    )
    sent = data.model_dump(exclude_unset=True)
    values = {**stored, **{k: v for k, v in sent.items() if v is not None}, "secret": data.secret}
    form = SyncConnectionForm(values, has_secret=bool(connection and connection.has_secret))
    sync_services.sync_connect(actor=request.user, district=district, **form_cleaned(form))  # type: ignore[arg-type]
    return _sync_settings(district)


@router.get("/roster/sync/runs", response=list[SyncRunOut])
@paginate(Pages, page_size=30)
def roster_sync_runs(request: HttpRequest, status: SyncStatus | None = None) -> Rows:
    """Each sync, newest first, as the page lists them: when, full or changes, who started it, and
    how it ended in words (what changed, or what was refused and why)."""
    _sync_district(request, "roster:sync")
    runs = queries.sync_runs(request.user, limit=None)
    if status:
        runs = runs.filter(status=status)
    return Rows(runs, _sync_run)


@router.post("/roster/sync/now", response={202: SyncRunOut})
def roster_sync_now(request: HttpRequest) -> Status:
    """“Sync now”: the page's service starts a run and hands it to the task worker (follow it in
    `GET /roster/sync/runs`). Refused with a 422, as on the page, while a sync of the district runs
    or before the service is connected."""
    district = _sync_district(request, "roster:sync-now")
    run = sync_services.sync_queue(actor=request.user, district=district)  # type: ignore[arg-type]
    return Status(202, _sync_run(run))
