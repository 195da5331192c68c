"""The notifications page: read them, and they are marked read."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render

from coachmap.coaching.notifications import queries, services
from coachmap.core import access
from coachmap.core.access import AuthedRequest


@access.route_required("coaching:notifications")
def notifications(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        return redirect("coaching:notifications")
    items = queries.notifications(request.user)[:100]
    return render(request, "coaching/notifications/notifications.html", {"items": items})
