"""A person's notifications through the API (issue 20): read them, and mark them read, as on the
notifications page; read and choose how each topic reaches them by email, as on the email settings
page. Always one's own."""

import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from coachmap.core import access
from coachmap.core.inputs import Pages
from coachmap.notifications import queries, services
from coachmap.notifications.models import Delivery, Notification, Topic

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
