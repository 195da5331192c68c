"""A person's notifications through the API (issue 20): read them, and mark them read, as on the
notifications page."""

import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from coachmap.core.inputs import Pages
from coachmap.notifications import queries, services
from coachmap.notifications.models import Notification

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
