"""Imports: create a run (audited, permission-checked), execute it in one transaction.

`import_run_create` records what was asked; `import_run_execute` does it: the whole import is
one `transaction.atomic`, so a rejected, held or failed import changes nothing. A check (dry
run) says what would change and writes nothing: a OneRoster bundle stops before its merge
(`oneroster.impact`), the other kinds go all the way through and roll back. An import that
would remove or change more than the district's share is held (`importers.effect`) until it
is confirmed: `import_run_confirm` runs the same upload again with the confirmation.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coachmap.core import access
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, District, User
from coachmap.notifications.models import Topic, WebhookEvent
from coachmap.notifications.services import notification_send
from coachmap.notifications.webhooks import import_finished_data, webhook_event
from coachmap.roster import access as roster_access
from coachmap.roster.importers import effect, run_import
from coachmap.roster.importers.report import ImportHeld, ImportRejected, PreviewDone, Report
from coachmap.roster.importers.source import Progress, Source
from coachmap.roster.models import ColumnMapping, ImportKind, ImportRun, ImportStatus

log = logging.getLogger(__name__)


class _DryRunDone(Exception):
    """Rolls back a dry run once its report is complete."""


def import_run_create(
    *,
    actor: User | None,
    district: District | None,
    kind: str,
    filename: str,
    upload_path: str = "",
    mapping: str = "",
    dry_run: bool = False,
    allow_removals: bool = False,
    origin: str = "file",
) -> ImportRun:
    """Record an import to run. `actor` is None for the operator's command line (and the nightly
    roster sync, whose `origin` is "sync")."""
    if actor is not None:
        access.require(
            district is not None and roster_access.may_import_into(actor, district.pk),
            "Only a program lead or district admin can import data.",
        )
    if kind not in ImportKind.values:
        raise ValidationError(
            f"“{kind}” is not a kind of import: choose one of {', '.join(ImportKind.values)}."
        )
    if district is None and kind != ImportKind.ONEROSTER:
        raise ValidationError("Choose the district to import into.")
    run = ImportRun(
        district=district,
        kind=kind,
        actor=actor,
        filename=filename[:255],
        upload_path=upload_path,
        mapping=mapping,
        dry_run=dry_run,
        allow_removals=allow_removals,
        origin=origin,
    )
    run.full_clean()
    with transaction.atomic():
        if district is not None:
            _refuse_while_running(district)
        run.save()
    return run


# A run still queued or running after this long was left by a stopped worker: it no longer
# blocks the district's next import (the largest district imports in minutes).
STALE_RUN = datetime.timedelta(hours=3)


def _refuse_while_running(district: District) -> None:
    """One import at a time per district, whichever web server or command line asks: the
    district's row is locked until the new run is saved, so two requests arriving together on two
    servers are put in order, and the second sees the first (PostgreSQL row lock; SQLite takes
    one writer at a time)."""
    District.objects.select_for_update().filter(pk=district.pk).exists()
    busy = (
        ImportRun.objects.filter(
            district=district,
            status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING),
            created_at__gte=timezone.now() - STALE_RUN,
        )
        .order_by("created_at")
        .first()
    )
    if busy is not None:
        started = timezone.localtime(busy.created_at).strftime("%H:%M")
        raise ValidationError(
            f"An import into {district.name} is already under way ({busy.filename}, started at "
            f"{started}). Wait for it to finish, then start this one; the Imports page shows when it ends."
        )


def import_upload(
    *,
    actor: User,
    district: District,
    kind: str,
    upload: UploadedFile,
    mapping: str = "",
    dry_run: bool = False,
) -> ImportRun:
    """The upload page: keep the file where the task worker can read it, and queue the import."""
    from coachmap.roster.tasks import import_task

    access.require(
        roster_access.may_import_into(actor, district.pk),
        "Only a program lead or district admin can import data.",
    )
    _forget_stale_uploads()
    folder = Path(settings.MEDIA_ROOT) / "imports" / timezone.now().strftime("%Y%m%d%H%M%S%f")
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(upload.name or "upload.csv").name
    path = folder / name
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    try:
        run = import_run_create(
            actor=actor,
            district=district,
            kind=kind,
            filename=name,
            upload_path=str(path),
            mapping=mapping,
            dry_run=dry_run,
        )
    except ValidationError:
        # A refused upload is not kept: it holds students' names.
        path.unlink(missing_ok=True)
        folder.rmdir()
        raise
    transaction.on_commit(lambda: import_task.enqueue(run.pk))
    return run


def import_run_confirm(*, actor: User, run: ImportRun, confirmed: bool) -> ImportRun:
    """Import the file a check or a held import read, this time for real. `confirmed` is the
    person's tick on the box naming what it removes; without it, an import over the district's
    share is held again."""
    access.require(
        run.district is not None and roster_access.may_import_into(actor, run.district.pk),
        "Only a program lead or district admin can import data.",
    )
    if run.status not in (ImportStatus.CHECKED, ImportStatus.HELD) or not run.upload_path:
        raise ValidationError("This import has already run; upload the file again to import it.")
    if not Path(run.upload_path).exists():
        raise ValidationError(
            f"{run.filename} is no longer kept (uploads are deleted a day after their check); upload it again."
        )
    report = Report.from_json(run.report)
    if report.held and not confirmed:
        raise ValidationError(
            {"confirm": "Tick the box to confirm what this import removes, or choose another file."}
        )
    from coachmap.roster.tasks import import_task

    again = import_run_create(
        actor=actor,
        district=run.district,
        kind=run.kind,
        filename=run.filename,
        upload_path=run.upload_path,
        mapping=run.mapping,
        allow_removals=bool(report.held) and confirmed,
        origin=run.origin,
    )
    # The new run owns the file now: the check's run no longer points at it.
    ImportRun.objects.filter(pk=run.pk).update(upload_path="")
    transaction.on_commit(lambda: import_task.enqueue(again.pk))
    return again


def import_run_execute(  # noqa: PLR0912, PLR0915 - each branch is one way a run ends (done, held, failed, checked)
    *,
    run: ImportRun,
    path: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    **options: Any,
) -> Report:
    """Run the import; the report (also saved on the run) says what changed or why nothing did."""
    path = path or run.upload_path
    report = Report(kind=run.kind, source=run.filename, dry_run=run.dry_run)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING)
    tracker = _tracker(run, progress)
    if run.mapping:
        options["mapping"] = _mapping(run)
    district = run.district
    status = ImportStatus.DONE
    try:
        with Source(path) as source, transaction.atomic():
            district = run_import(
                run.kind,
                source=source,
                district=run.district,
                report=report,
                progress=tracker,
                actor=run.actor,
                allow_removals=run.allow_removals,
                **options,
            )
            if run.kind != ImportKind.ONEROSTER and district is not None:
                effect.measure_counts(report, district)
                effect.decide(report, percent=district.import_hold_percent, allowed=run.allow_removals)
            if run.kind == ImportKind.RESULTS and run.mapping and report.mapping:
                _mapping_save(run, district, report.mapping)
            if run.dry_run:
                raise _DryRunDone
            _audit(run, district, totals=report.totals())
    except (_DryRunDone, PreviewDone):
        status = ImportStatus.CHECKED
    except ImportHeld:
        status = ImportStatus.HELD
    except ImportRejected:
        status = ImportStatus.REJECTED
    except FileNotFoundError as exc:
        report.problem(run.filename, None, "", "", f"cannot read the upload: {exc}")
        status = ImportStatus.REJECTED
    except Exception as exc:
        log.exception("Import %s failed", run.pk)
        report.notes.append(f"The import stopped with an internal error and changed nothing: {exc}")
        status = ImportStatus.FAILED
    if status != ImportStatus.DONE:
        district = run.district
        if not run.dry_run:
            _audit(run, district, outcome=status, problems=report.problem_count)
    if status == ImportStatus.DONE and district is not None and _changed(report):
        # Dashboards read summary tables (STYLE.md); bring them up to date with the new raw data.
        tracker("Updating the dashboards", 0, 1)
        rebuilt = _summaries_rebuild(district)
        report.notes.append(f"Dashboards updated from the new data in {rebuilt:.1f} s.")
    run.status = status
    run.district = district
    run.report = report.to_json()
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "district", "report", "finished_at"])
    _finished_notify(run)
    _finished_webhook(run, report)
    tracker("Finished", 1, 1)
    if run.upload_path and status not in (ImportStatus.CHECKED, ImportStatus.HELD):
        # The upload holds student names: it is kept only while the import runs, or for a day
        # after a check or a hold, so that it can be imported without uploading it again.
        Path(run.upload_path).unlink(missing_ok=True)
    return report


def _forget_stale_uploads() -> None:
    """Uploads kept after a check or a hold are deleted a day later."""
    stale = ImportRun.objects.filter(
        status__in=(ImportStatus.CHECKED, ImportStatus.HELD),
        finished_at__lt=timezone.now() - datetime.timedelta(days=1),
    ).exclude(upload_path="")
    for run in stale:
        Path(run.upload_path).unlink(missing_ok=True)
    stale.update(upload_path="")


def _audit(run: ImportRun, district: District | None, **details: Any) -> None:
    """The import in the audit trail: inside its transaction when it landed, after the rollback when not."""
    audit_record(
        actor=run.actor,
        action=AuditAction.IMPORT,
        obj=run,
        district=district,
        kind=run.kind,
        file=run.filename,
        **details,
    )


def _changed(report: Report) -> bool:
    totals = report.totals()
    return any(totals.get(key, 0) for key in ("added", "changed", "removed"))


def _summaries_rebuild(district: District) -> float:
    # The improvement app reads what the roster holds; imported lazily so the roster does not
    # depend on it at import time.
    from coachmap.improvement.summaries import summaries_rebuild

    return summaries_rebuild(district=district).seconds


def progress_path(run: ImportRun) -> Path:
    return Path(settings.VAR_DIR) / "imports" / f"{run.pk}.json"


def _tracker(run: ImportRun, progress: Progress | None) -> Progress:
    """Progress goes to a small file (other processes cannot see inside the import's
    transaction) and to the caller's callback (the command's progress bar)."""
    path = progress_path(run)
    path.parent.mkdir(parents=True, exist_ok=True)

    def track(phase: str, done: int, total: int) -> None:
        path.write_text(json.dumps({"phase": phase, "done": done, "total": total}))
        if progress is not None:
            progress(phase, done, total)

    return track


def _mapping(run: ImportRun) -> dict[str, str] | None:
    saved = ColumnMapping.objects.filter(district=run.district, kind=run.kind, name=run.mapping).first()
    return dict(saved.columns) if saved else None


def _mapping_save(run: ImportRun, district: District | None, columns: dict[str, str]) -> None:
    ColumnMapping.objects.update_or_create(
        district=district, kind=run.kind, name=run.mapping, defaults={"columns": columns}
    )


def _finished_webhook(run: ImportRun, report: Report) -> None:
    """Other systems that subscribed hear that an import finished: its id, kind, outcome and counts."""
    if run.dry_run or run.district_id is None:
        return
    webhook_event(
        district_id=run.district_id,
        event=WebhookEvent.IMPORT_FINISHED,
        data=import_finished_data(
            import_id=run.pk,
            kind=run.kind,
            origin=run.origin,
            status=run.status,
            totals=report.totals()
            if run.status == ImportStatus.DONE
            else {"rejected": report.totals()["rejected"]},
            held=run.status == ImportStatus.HELD,
        ),
    )


def _finished_notify(run: ImportRun) -> None:
    """The person who started an import hears how it ended (it may have run for minutes in the worker)."""
    if run.actor is None:
        return
    notification_send(
        user=run.actor,
        text=f"Your import of {run.filename} has finished. {run.get_status_display()}. "
        "Its report says what changed, or why nothing did.",
        url=reverse("roster:import-run", kwargs={"run_id": run.pk}),
        topic=Topic.IMPORTS,
    )


# --- saved column mappings (issue 20: the API's; an import saves the mapping it used, too) -----------


def column_mapping_save(
    *, actor: User, district: District, name: str, columns: dict[str, str]
) -> ColumnMapping:
    """Save (or replace) a source's column mapping for assessment results: coachmap field → the
    file's header. The next import naming this source reads its columns this way. Audited."""
    from coachmap.roster.importers.results import FIELDS, REQUIRED

    access.require(
        roster_access.may_import_into(actor, district.pk),
        "Only a program lead or district admin can import data.",
    )
    errors: dict[str, str] = {}
    name = name.strip()
    if not name or len(name) > 100:  # noqa: PLR2004 - the model's max_length
        errors["name"] = (
            "Name the source in 1 to 100 characters, as on the import page (e.g. “Star Reading”)."
        )
    unknown = sorted(f for f in columns if f not in FIELDS)
    if unknown:
        errors["columns"] = f"coachmap has no field {', '.join(unknown)}: use {', '.join(FIELDS)}."
    elif not all(isinstance(h, str) and h.strip() and len(h) <= 200 for h in columns.values()):  # noqa: PLR2004
        errors["columns"] = "Give each field the header of its column in the file (1 to 200 characters)."
    elif missing := [f for f in REQUIRED if f not in columns]:
        errors["columns"] = f"A mapping names the columns for {', '.join(missing)}: they are required."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        mapping, _ = ColumnMapping.objects.update_or_create(
            district=district,
            kind=ImportKind.RESULTS,
            name=name,
            defaults={"columns": {f: h.strip() for f, h in columns.items()}},
        )
        audit_record(
            actor=actor,
            action=AuditAction.SETTINGS_CHANGE,
            obj=mapping,
            district=district,
            setting=f"column mapping {name}",
            after=mapping.columns,
        )
    return mapping


def column_mapping_delete(*, actor: User, mapping: ColumnMapping) -> None:
    """Forget a saved mapping: the next import from its source guesses the columns again. Audited."""
    access.require(
        roster_access.may_import_into(actor, mapping.district_id),
        "Only a program lead or district admin can import data.",
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.SETTINGS_CHANGE,
            obj=mapping,
            district=mapping.district_id,
            setting=f"column mapping {mapping.name}",
            before=mapping.columns,
            after=None,
        )
        mapping.delete()
