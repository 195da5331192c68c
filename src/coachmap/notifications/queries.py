"""Reads for notifications: a person's own, newest first; their unread count; their email choices."""

from __future__ import annotations

from django.db.models import QuerySet

from coachmap.core.access import AnyUser
from coachmap.notifications.access import (
    notifications_visible_to,
    webhook_deliveries_visible_to,
    webhooks_visible_to,
)
from coachmap.notifications.models import Notification, WebhookDelivery, WebhookEndpoint
from coachmap.notifications.services import deliveries_for


def notifications(user: AnyUser) -> QuerySet[Notification]:
    return notifications_visible_to(user)


def unread_count(user: AnyUser) -> int:
    return notifications_visible_to(user).filter(read_at=None).count()


def preferences(user: AnyUser) -> dict[str, str]:
    """The person's choice per topic, defaults filled in."""
    return deliveries_for([user.pk])[user.pk] if user.is_authenticated else {}


def webhooks(user: AnyUser) -> QuerySet[WebhookEndpoint]:
    return webhooks_visible_to(user)


def webhook_deliveries(user: AnyUser) -> QuerySet[WebhookDelivery]:
    return webhook_deliveries_visible_to(user).select_related("endpoint")
