from typing import Any

from django.http import HttpRequest

from coachmap.notifications.queries import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    """The header's unread count, for signed-in people."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": unread_count(user)}
