"""Reads for notifications: a person's own, newest first."""

from __future__ import annotations

from django.db.models import QuerySet

from coachmap.coaching.models import (
    Notification,
)
from coachmap.core import access
from coachmap.core.access import AnyUser


def notifications(user: AnyUser) -> QuerySet[Notification]:
    return access.notifications_visible_to(user)
