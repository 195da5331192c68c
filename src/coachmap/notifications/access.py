"""Who sees which notifications: each person their own, nobody else's."""

from __future__ import annotations

from django.db.models import QuerySet

from coachmap.core.access import AnyUser, admin_district_ids
from coachmap.notifications.models import Notification, WebhookDelivery, WebhookEndpoint


def notifications_visible_to(user: AnyUser) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(user_id=user.pk) if user.is_authenticated else Notification.objects.none()
    )


def webhooks_visible_to(user: AnyUser) -> QuerySet[WebhookEndpoint]:
    """A district's webhooks (and their secrets' use) are its district admin's."""
    return WebhookEndpoint.objects.filter(district_id__in=admin_district_ids(user))


def webhook_deliveries_visible_to(user: AnyUser) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(endpoint__district_id__in=admin_district_ids(user))


def may_manage_webhooks(user: AnyUser, district_id: int) -> bool:
    return district_id in admin_district_ids(user)
