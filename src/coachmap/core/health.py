"""Is this server fit to take requests? What a load balancer asks `/healthz` (docs/deploy.md).

Three checks, each answered with a plain word or a number and nothing else (no host names, no
paths, no error messages, no settings): the database answers a query; the oldest task waiting for
the worker has not waited longer than HEALTH_MAX_QUEUE_AGE_SECONDS (a stopped or swamped worker);
the disk that holds uploads has at least HEALTH_MIN_FREE_BYTES free. Core imports no app: the task
queue is read through django_tasks_db's model, found by name.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Min, Q
from django.db.models.functions import Greatest
from django.utils import timezone

logger = logging.getLogger(__name__)

OK = "ok"
FAIL = "fail"


@dataclass
class Health:
    checks: dict[str, Any] = field(default_factory=dict)
    healthy: bool = True

    def as_json(self) -> dict[str, Any]:
        return {"status": OK if self.healthy else FAIL, "checks": self.checks}


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.warning("Health check: the database did not answer.", exc_info=True)
        return False


def oldest_waiting_seconds(now: datetime | None = None) -> int:
    """Seconds the oldest due task has waited for a worker (0 when none waits). A task held back
    until later (`run_after`) starts waiting at that time, not when it was queued."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import get_date_max

    now = now or timezone.now()
    model = apps.get_model("django_tasks_database", "DBTaskResult")
    ready = model.objects.filter(status=TaskResultStatus.READY)
    never_held = ready.filter(run_after=get_date_max()).aggregate(oldest=Min("enqueued_at"))["oldest"]
    held_until = (
        ready.filter(Q(run_after__lte=now))
        .exclude(run_after=get_date_max())
        .aggregate(oldest=Min(Greatest("enqueued_at", "run_after")))["oldest"]
    )
    waiting = [moment for moment in (never_held, held_until) if moment is not None]
    if not waiting:
        return 0
    return max(0, int((now - min(waiting)).total_seconds()))


def uploads_free_bytes() -> int:
    """Free bytes on the disk uploads go to (MEDIA_ROOT, or the nearest folder of it that exists)."""
    place = Path(settings.MEDIA_ROOT)
    while not place.exists() and place != place.parent:
        place = place.parent
    return shutil.disk_usage(place).free


def check() -> Health:
    health = Health()
    database = database_ok()
    health.checks["database"] = OK if database else FAIL
    health.healthy = database

    age: int | None = None
    if database:
        try:
            age = oldest_waiting_seconds()
        except DatabaseError:
            logger.warning("Health check: the task queue could not be read.", exc_info=True)
    queue_ok = age is not None and age <= settings.HEALTH_MAX_QUEUE_AGE_SECONDS
    health.checks["task_queue"] = {"status": OK if queue_ok else FAIL, "oldest_waiting_seconds": age}
    health.healthy = health.healthy and queue_ok

    free = uploads_free_bytes()
    disk_ok = free >= settings.HEALTH_MIN_FREE_BYTES
    health.checks["uploads_disk"] = {"status": OK if disk_ok else FAIL, "free_bytes": free}
    health.healthy = health.healthy and disk_ok
    return health
