"""Who sees which notifications: each person their own, nobody else's."""

from __future__ import annotations

from django.db.models import QuerySet

from coachmap.core.access import AnyUser
from coachmap.notifications.models import Notification


def notifications_visible_to(user: AnyUser) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(user_id=user.pk) if user.is_authenticated else Notification.objects.none()
    )
