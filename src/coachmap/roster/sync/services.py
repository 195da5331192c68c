"""The roster sync's writes: connect the service, start a run, execute it.

A run reads every collection first (`client`), into a bundle on disk (`bundle`); only when all
of it has arrived does it hand the bundle to the file import (`roster.services`), as an upload
would: the same validation, the same one transaction, the same plain-words effect and the same
hold when it removes more than the district's share. A service that fails half-way (a 500 on
page 3) fails the run before the import starts: nothing is half-applied.

The first run is full (bulk: what the service no longer has is removed); each later one asks
for the records changed after the newest `dateLastModified` the last applied run saw (delta).
The watermark moves only when an import is applied, so a held, refused or failed run is asked
for again by the next one.
"""

from __future__ import annotations

import datetime
import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coachmap.core import access
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, District, User
from coachmap.core.sealing import seal_text, unseal_text
from coachmap.roster import access as roster_access
from coachmap.roster.importers.report import Report
from coachmap.roster.models import ImportKind, ImportStatus
from coachmap.roster.services import STALE_RUN
from coachmap.roster.sync import bundle
from coachmap.roster.sync.client import Client, NotOffered, SyncError
from coachmap.roster.sync.models import OAuthVersion, SyncConnection, SyncMode, SyncRun, SyncStatus

log = logging.getLogger(__name__)

SEAL_PURPOSE = "coachmap.roster.sync.secret"
# A run still "running" after this long was left by a worker that stopped: it no longer blocks.
# The same span as a file import's (a sync is an import), so the two guards agree.
STALE = STALE_RUN
PROBLEMS_SHOWN = 5


def secret_of(connection: SyncConnection) -> str:
    if not connection.secret_sealed:
        return ""
    return unseal_text(SEAL_PURPOSE, connection.secret_sealed) or ""


def sync_connect(
    *,
    actor: User,
    district: District,
    base_url: str,
    version: str,
    oauth: str,
    token_url: str,
    client_id: str,
    secret: str,
    hour: int,
    enabled: bool,
) -> SyncConnection:
    """Save where the district's OneRoster service is and how to sign in. An empty `secret`
    keeps the one saved; a new address starts the next sync from scratch (full)."""
    access.require(
        roster_access.may_connect_roster(actor, district.pk),
        "Only the district admin connects the district's roster service.",
    )
    connection = SyncConnection.objects.filter(district=district).first() or SyncConnection(district=district)
    if not secret and not connection.has_secret:
        raise ValidationError({"secret": "Type the client secret the service gave you."})
    if oauth == OAuthVersion.OAUTH2 and not token_url:
        raise ValidationError({"token_url": "OAuth 2 needs the address where coachmap asks for a token."})
    moved = connection.pk is not None and (connection.base_url, connection.version) != (base_url, version)
    connection.base_url = base_url
    connection.version = version
    connection.oauth = oauth
    connection.token_url = token_url
    connection.client_id = client_id
    connection.hour = hour
    connection.enabled = enabled
    if secret:
        connection.secret_sealed = seal_text(SEAL_PURPOSE, secret)
    if moved:
        connection.watermark = ""
    connection.full_clean()
    with transaction.atomic():
        connection.save()
        audit_record(
            actor=actor,
            action=AuditAction.SETTINGS_CHANGE,
            obj=connection,
            district=district,
            setting="roster sync",
            address=base_url,
            secret_changed=bool(secret),
        )
    return connection


def sync_start(*, actor: User | None, district: District) -> SyncRun:
    """Record a run (full the first time, else the changes since the last). Refused while
    another run of the district's is running."""
    if actor is not None:
        access.require(
            roster_access.may_connect_roster(actor, district.pk),
            "Only the district admin starts the district's roster sync.",
        )
    with transaction.atomic():
        connection = SyncConnection.objects.select_for_update().filter(district=district).first()
        if connection is None:
            raise ValidationError("Connect the district's OneRoster service first.")
        running = SyncRun.objects.filter(district=district, status=SyncStatus.RUNNING)
        running.filter(started_at__lt=timezone.now() - STALE).update(
            status=SyncStatus.FAILED,
            reason="This sync stopped without finishing (the task worker was stopped); nothing was changed.",
            finished_at=timezone.now(),
        )
        current = running.first()
        if current is not None:
            started = timezone.localtime(current.started_at).strftime("%H:%M")
            raise ValidationError(
                f"A sync of {district} is already running (it started at {started}); "
                "this one was not started. Its result will show below when it finishes."
            )
        return SyncRun.objects.create(
            district=district,
            actor=actor,
            mode=SyncMode.DELTA if connection.watermark else SyncMode.FULL,
            since=connection.watermark,
        )


def sync_queue(*, actor: User | None, district: District) -> SyncRun:
    """Start a run and hand it to the task worker ("Sync now", and the nightly schedule)."""
    from coachmap.roster.tasks import sync_task

    run = sync_start(actor=actor, district=district)
    transaction.on_commit(lambda: sync_task.enqueue(run.pk))
    return run


def client_for(connection: SyncConnection) -> Client:
    return Client(
        base_url=connection.base_url,
        client_id=connection.client_id,
        secret=secret_of(connection),
        oauth=connection.oauth,
        token_url=connection.token_url,
        **getattr(settings, "ROSTER_SYNC_CLIENT_OPTIONS", {}),
    )


def sync_execute(*, run: SyncRun, client: Client | None = None) -> SyncRun:
    """Fetch everything, then import it as one bundle; the run records how it ended."""
    from coachmap.roster.services import import_run_create, import_run_execute

    connection = SyncConnection.objects.get(district=run.district)
    client = client or client_for(connection)
    folder = Path(settings.MEDIA_ROOT) / "imports" / f"sync-{timezone.now():%Y%m%d%H%M%S%f}-{run.pk}"
    folder.mkdir(parents=True, exist_ok=True)
    began = timezone.now().astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        collections = _fetch(client, since=run.since)
    except SyncError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return _finish(run, SyncStatus.FAILED, f"{exc} Nothing was changed; the next sync tries again.")
    except Exception as exc:
        log.exception("Roster sync %s failed", run.pk)
        shutil.rmtree(folder, ignore_errors=True)
        return _finish(
            run, SyncStatus.FAILED, f"The sync stopped with an internal error and changed nothing: {exc}"
        )
    run.fetched = {name: len(records) for name, records in collections.items() if records is not None}
    run.save(update_fields=["fetched"])
    if run.mode == SyncMode.DELTA and not any(collections.values()):
        shutil.rmtree(folder, ignore_errors=True)
        return _finish(run, SyncStatus.DONE, "Nothing changed on the service since the last sync.")
    try:
        bundle.write_bundle(
            folder, version=connection.version, delta=run.mode == SyncMode.DELTA, collections=collections
        )
        # One file, as an upload is: the import deletes it when it ends (kept a day when held).
        archive = Path(shutil.make_archive(str(folder), "zip", root_dir=folder))
        shutil.rmtree(folder, ignore_errors=True)
        imported = import_run_create(
            actor=None,
            district=run.district,
            kind=ImportKind.ONEROSTER,
            filename=f"OneRoster sync ({'changes' if run.mode == SyncMode.DELTA else 'full'})",
            upload_path=str(archive),
            origin="sync",
        )
        # The person who pressed "Sync now" is the import's actor too (its audit row and notice).
        imported.actor = run.actor
        imported.save(update_fields=["actor"])
        run.import_run = imported
        run.save(update_fields=["import_run"])
        report = import_run_execute(run=imported)
        imported.refresh_from_db()
    except Exception as exc:
        # The import records its own failures; this is anything around it (a full disk, say).
        log.exception("Roster sync %s failed", run.pk)
        shutil.rmtree(folder, ignore_errors=True)
        return _finish(
            run, SyncStatus.FAILED, f"The sync stopped with an internal error and changed nothing: {exc}"
        )
    status, reason = _outcome(imported.status, report)
    if status == SyncStatus.DONE:
        latest = bundle.latest_change(collections) or began
        SyncConnection.objects.filter(pk=connection.pk).update(watermark=max(latest, run.since))
    return _finish(run, status, reason)


def _fetch(client: Client, *, since: str) -> dict[str, list[bundle.Record] | None]:
    collections: dict[str, list[bundle.Record] | None] = {}
    for name in bundle.COLLECTIONS:
        try:
            collections[name] = client.collection(name, since=since)
        except NotOffered:
            if name != "demographics":
                raise
            collections[name] = None  # not every provider publishes demographics
    return collections


def _outcome(status: str, report: Report) -> tuple[str, str]:
    if status == ImportStatus.DONE:
        effect = report.effect()
        t = report.totals()
        counts = f"Added {t['added']:,}, changed {t['changed']:,}, removed {t['removed']:,}."
        return SyncStatus.DONE, f"{counts} {effect}".strip()
    if status == ImportStatus.HELD:
        return SyncStatus.HELD, (
            f"Not applied yet: {report.held} Open the import's report to confirm it; "
            "until then the next sync asks the service for the same changes again."
        )
    if status == ImportStatus.REJECTED:
        shown = "; ".join(str(p) for p in report.problems[:PROBLEMS_SHOWN])
        more = report.problem_count - min(len(report.problems), PROBLEMS_SHOWN)
        extra = f" (and {more:,} more)" if more > 0 else ""
        return SyncStatus.REJECTED, (
            f"Refused: the service's data has {report.problem_count:,} "
            f"problem{'s' if report.problem_count != 1 else ''}: {shown}{extra}. Nothing was changed; "
            "the next sync tries again once the service's data is fixed."
        )
    notes = " ".join(report.notes)
    return SyncStatus.FAILED, f"{notes} The next sync tries again.".strip()


def _finish(run: SyncRun, status: str, reason: str) -> SyncRun:
    run.status = status
    run.reason = reason
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "reason", "finished_at"])
    return run


def syncs_due(now: datetime.datetime) -> int:
    """The nightly schedule: start each enabled district's sync once a day, at the first run of
    the schedule after the hour its admin chose. Returns how many were started."""
    local = timezone.localtime(now)
    started = 0
    for connection in SyncConnection.objects.filter(enabled=True, hour__lte=local.hour).select_related(
        "district"
    ):
        since = local.replace(hour=connection.hour, minute=0, second=0, microsecond=0)
        if SyncRun.objects.filter(district=connection.district, started_at__gte=since).exists():
            continue
        try:
            sync_queue(actor=None, district=connection.district)
        except ValidationError:
            continue  # one is running already
        started += 1
    return started
