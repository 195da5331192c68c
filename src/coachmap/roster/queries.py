"""Reads for the import pages, scoped through `core.access`."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet

from coachmap.core import access
from coachmap.core.access import AnyUser
from coachmap.core.models import District, Role
from coachmap.roster import access as roster_access
from coachmap.roster.importers.report import Report
from coachmap.roster.models import ColumnMapping, ImportRun, SyncConnection, SyncRun


def import_district(user: AnyUser) -> District | None:
    """The district a program lead or district admin imports into."""
    return access.acting_district(user, Role.PROGRAM_LEAD, Role.DISTRICT_ADMIN)


def recent_imports(user: AnyUser, limit: int = 20) -> QuerySet[ImportRun]:
    return roster_access.import_runs_visible_to(user).select_related("actor").defer("report")[:limit]


def saved_mappings(district: District) -> QuerySet[ColumnMapping]:
    return ColumnMapping.objects.filter(district=district).order_by("name")


def import_progress(run: ImportRun) -> dict[str, Any]:
    """{phase, done, total, percent} from the file the running import writes (see services)."""
    from coachmap.roster.services import progress_path

    try:
        data = json.loads(progress_path(run).read_text())
    except (OSError, ValueError):
        return {"phase": "Waiting for the task worker", "done": 0, "total": 0, "percent": 0}
    total = data.get("total") or 0
    data["percent"] = round(100 * data.get("done", 0) / total) if total else 0
    return data


def import_report(run: ImportRun) -> Report | None:
    return Report.from_json(run.report) if run.report else None


def sync_connection(district: District) -> SyncConnection | None:
    return SyncConnection.objects.filter(district=district).first()


def sync_connection_values(connection: SyncConnection) -> dict[str, Any]:
    """The saved connection as the connection form's values: everything but the secret, which is
    never read back (the form says only whether one is saved)."""
    return {
        "base_url": connection.base_url,
        "version": connection.version,
        "oauth": connection.oauth,
        "token_url": connection.token_url,
        "client_id": connection.client_id,
        "hour": connection.hour,
        "enabled": connection.enabled,
    }


def sync_runs(user: AnyUser, limit: int | None = 30) -> QuerySet[SyncRun]:
    """The district admin's sync runs, newest first: the page shows the last `limit`, the API pages
    through all of them (`limit=None`)."""
    runs = roster_access.sync_runs_visible_to(user).select_related("actor", "import_run")
    return runs if limit is None else runs[:limit]
