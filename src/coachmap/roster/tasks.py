"""Background work: an upload's import runs in the task worker (`coachmap db_worker`)."""

from __future__ import annotations

from django_tasks import task

from coachmap.roster.models import ImportRun


@task()
def import_task(run_id: int) -> str:
    from coachmap.roster.services import import_run_execute

    run = ImportRun.objects.get(pk=run_id)
    import_run_execute(run=run)
    run.refresh_from_db()
    return str(run.status)


@task()
def sync_task(run_id: int) -> str:
    """One roster sync from the district's OneRoster service (`roster.sync.services`)."""
    from coachmap.roster.models import SyncRun
    from coachmap.roster.sync.services import sync_execute

    return str(sync_execute(run=SyncRun.objects.get(pk=run_id)).status)
