"""A person's notifications through the API (issue 20): read them, and mark them read, as on the
notifications page; read and choose how each topic reaches them by email, as on the email settings
page. Always one's own.

The district's outbound webhooks, as on the webhooks page (`notifications:webhooks`), the district
admin's: the addresses and what each hears, adding one with the page's form and service (the
signing secret is in that one answer only, as the page shows it once), removing one, and the
delivery log. Adding hands out a signing secret, so no token may do it (`@tokens.never`), as with
the sign-in providers' secrets; the admin's personal token reads the list and the log and removes.
"""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from coachmap.core import access, tokens
from coachmap.core.forms import form_cleaned
from coachmap.core.inputs import Id, Pages, Rows
from coachmap.core.models import District
from coachmap.notifications import access as notifications_access
from coachmap.notifications import queries, services, webhooks
from coachmap.notifications.forms import WebhookForm
from coachmap.notifications.models import (
    Delivery,
    Notification,
    Topic,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookStatus,
)

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    text: str
    url: str
    topic: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class UnreadOut(Schema):
    unread: int


@router.get("/notifications", response=list[NotificationOut])
@paginate(Pages, page_size=50)
def notifications(request: HttpRequest, unread: bool = False) -> QuerySet[Notification]:
    """The signed-in person's own notifications, newest first (`unread=true`: only those not read)."""
    rows = queries.notifications(request.user)
    return rows.filter(read_at__isnull=True) if unread else rows


@router.post("/notifications/read", response=UnreadOut)
def notifications_read(request: HttpRequest) -> dict[str, int]:
    """Mark all of the person's notifications read."""
    services.notifications_mark_read(user=request.user)  # type: ignore[arg-type]
    return {"unread": queries.unread_count(request.user)}


class TopicSettingOut(Schema):
    topic: Topic
    label: str
    delivery: Delivery


class EmailSettingsOut(Schema):
    has_email: bool = Field(..., description="Whether coachmap has an email address to write to")
    topics: list[TopicSettingOut]


def _settings(request: HttpRequest) -> dict[str, object]:
    chosen = queries.preferences(request.user)
    return {
        "has_email": bool(getattr(request.user, "email", "")),
        "topics": [{"topic": t, "label": t.label, "delivery": chosen[t.value]} for t in Topic],
    }


@router.get("/notifications/settings", response=EmailSettingsOut)
def notification_settings(request: HttpRequest) -> dict[str, object]:
    """How each topic of the signed-in person's notifications reaches them by email."""
    access.require(access.may_open(request.user, "notifications:settings"), "Sign in to choose your emails.")
    return _settings(request)


class EmailSettingsIn(Schema):
    """The topics to change, each to how it should reach the person; topics left out stay as they are."""

    offers: Delivery | None = None
    answers: Delivery | None = None
    reminders: Delivery | None = None
    surveys: Delivery | None = None
    imports: Delivery | None = None


@router.put("/notifications/settings", response=EmailSettingsOut)
def notification_settings_update(request: HttpRequest, payload: EmailSettingsIn) -> dict[str, object]:
    """Choose how topics reach the signed-in person by email, as on the email settings page:
    notifications still waiting for a digest follow the new choice."""
    access.require(access.may_open(request.user, "notifications:settings"), "Sign in to choose your emails.")
    choices = {topic: str(delivery) for topic, delivery in payload.dict().items() if delivery is not None}
    services.preferences_set(user=request.user, choices=choices)  # type: ignore[arg-type]
    return _settings(request)


# --- the district's outbound webhooks (the district admin's) --------------------------------------

NOT_ADMIN = "Only the district admin manages the district's webhooks."


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    event_words: list[str]
    active: bool
    created_at: datetime.datetime


class WebhookAddedOut(WebhookOut):
    secret: str = Field(
        description="The signing secret, in this answer only: coachmap cannot show it again. The "
        "receiver checks each delivery's Coachmap-Signature with it (docs/webhooks.md)."
    )


class WebhookIn(Schema):
    """The webhooks page's form: the receiver's address and the events it hears."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=500, description="The https:// address that receives the events.")
    events: list[WebhookEvent] = Field(description="At least one: cycle.completed, import.finished.")


class WebhookDeliveryOut(Schema):
    id: int
    webhook_id: int
    url: str
    event: str
    event_words: str
    status: WebhookStatus
    status_words: str
    error: str = Field(description="Why the last try failed, in words; empty when it did not.")
    attempts: int
    response_code: int | None = Field(description="The receiver's HTTP status; null when unreachable.")
    next_try_at: datetime.datetime | None = Field(description="When a failed delivery is tried again.")
    created_at: datetime.datetime
    delivered_at: datetime.datetime | None


def _webhooks_district(request: HttpRequest, page: str) -> District:
    return access.admin_district(request.user, page, NOT_ADMIN)


def _webhook(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": endpoint.pk,
        "url": endpoint.url,
        "events": list(endpoint.events),
        "event_words": endpoint.event_labels(),
        "active": endpoint.active,
        "created_at": endpoint.created_at,
    }


def _delivery(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": delivery.pk,
        "webhook_id": delivery.endpoint_id,
        "url": delivery.endpoint.url,
        "event": delivery.event,
        "event_words": delivery.get_event_display(),
        "status": delivery.status,
        "status_words": delivery.get_status_display(),
        "error": delivery.error,
        "attempts": delivery.attempts,
        "response_code": delivery.response_code,
        "next_try_at": delivery.due_at if delivery.status == WebhookStatus.RETRYING else None,
        "created_at": delivery.created_at,
        "delivered_at": delivery.delivered_at,
    }


@router.get("/webhooks", response=list[WebhookOut], tags=["webhooks"])
@paginate(Pages, page_size=50)
def webhook_list(request: HttpRequest) -> Rows:
    """The district's webhook addresses and the events each hears, as the page lists them; never a secret."""
    _webhooks_district(request, "notifications:webhooks")
    return Rows(queries.webhooks(request.user), _webhook)


@router.post("/webhooks", response={201: WebhookAddedOut}, tags=["webhooks"])
@tokens.never
def webhook_add(request: HttpRequest, data: WebhookIn) -> Status:
    """Subscribe an address to events with the page's form and service (https only, at least one
    event; audited). The answer holds the signing secret, once, as the page shows it once. Signed in
    only: it hands out a secret."""
    district = _webhooks_district(request, "notifications:webhooks")
    form = WebhookForm({"url": data.url, "events": [e.value for e in data.events]})
    added, secret = webhooks.webhook_add(actor=request.user, district=district, **form_cleaned(form))  # type: ignore[arg-type]
    return Status(201, {**_webhook(added), "secret": secret})


@router.delete("/webhooks/{webhook_id}", response={204: None}, tags=["webhooks"])
def webhook_remove(request: HttpRequest, webhook_id: Id) -> Status:
    """Remove an address, as the page's Remove button: it hears nothing more; audited."""
    _webhooks_district(request, "notifications:webhook-remove")
    endpoint = access.fetch(notifications_access.webhooks_visible_to, request.user, pk=webhook_id)
    webhooks.webhook_remove(actor=request.user, endpoint=endpoint)  # type: ignore[arg-type]
    return Status(204, None)


@router.get("/webhook-deliveries", response=list[WebhookDeliveryOut], tags=["webhooks"])
@paginate(Pages, page_size=50)
def webhook_deliveries(
    request: HttpRequest, status: WebhookStatus | None = None, webhook_id: Id | None = None
) -> Rows:
    """The delivery log, newest first, as on the page: when, the event, the address, the outcome
    (the error in words), the tries and the receiver's answer. Filter by `status` or `webhook_id`."""
    _webhooks_district(request, "notifications:webhooks")
    rows = queries.webhook_deliveries(request.user)
    if status:
        rows = rows.filter(status=status)
    if webhook_id is not None:
        rows = rows.filter(endpoint_id=webhook_id)
    return Rows(rows, _delivery)
