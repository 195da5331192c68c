"""Reads for notifications: a person's own, newest first."""

from __future__ import annotations

from django.db.models import QuerySet

from coachmap.coaching import access as coaching_access
from coachmap.coaching.models import (
    Notification,
)
from coachmap.core.access import AnyUser


def notifications(user: AnyUser) -> QuerySet[Notification]:
    return coaching_access.notifications_visible_to(user)
