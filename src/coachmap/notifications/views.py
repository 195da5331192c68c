"""The notifications page (marking them read) and the person's email settings."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from coachmap.core import access
from coachmap.core.access import AuthedRequest
from coachmap.notifications import queries, services
from coachmap.notifications.forms import PreferencesForm


@access.route_required("notifications:list")
def notifications(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        return redirect("notifications:list")
    items = queries.notifications(request.user)[:100]
    return render(request, "notifications/notifications.html", {"items": items})


@access.route_required("notifications:settings")
def email_settings(request: AuthedRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, initial=queries.preferences(request.user))
    if request.method == "POST" and form.is_valid():
        services.preferences_set(user=request.user, choices=form.cleaned_data)
        messages.success(request, "Saved. coachmap emails you as chosen from now on.")
        return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {"form": form, "has_email": bool(request.user.email)},
    )
