"""Time in notifications: when a digest is due, and the scheduled notices other apps register
(a coaching meeting tomorrow, requests waiting too long, a pulse to answer), made on each run of
`coachmap send-digests`. Apps above register their makers in their `AppConfig.ready()`, so this
low layer calls them without importing them."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from coachmap.notifications.models import Delivery

# A maker looks at the time given and makes the notices due then (each with a key, so a second run
# makes nothing new); it returns how many it made.
Maker = Callable[[datetime.datetime], int]
_MAKERS: dict[str, Maker] = {}


def register(name: str, maker: Maker) -> None:
    _MAKERS[name] = maker


def makers() -> dict[str, Maker]:
    return dict(_MAKERS)


def digest_due(delivery: str, now: datetime.datetime) -> datetime.datetime:
    """The next digest time after `now`: every day at NOTIFICATION_DIGEST_HOUR (local time), or on
    Mondays at that hour for the weekly digest."""
    local = timezone.localtime(now)
    at = local.replace(hour=settings.NOTIFICATION_DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if at <= local:
        at += datetime.timedelta(days=1)
    if delivery == Delivery.WEEKLY:
        at += datetime.timedelta(days=(7 - at.weekday()) % 7)
    return at
