"""The notifications page (marking them read) and the person's email settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coachmap.core import access
from coachmap.core.access import AuthedRequest
from coachmap.core.forms import add_service_errors
from coachmap.core.models import Role
from coachmap.notifications import access as notifications_access
from coachmap.notifications import queries, services, webhooks
from coachmap.notifications.forms import PreferencesForm, WebhookForm


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


@access.route_required("notifications:webhooks")
def webhooks_page(request: AuthedRequest) -> HttpResponse:
    """The district's webhooks: add one (its secret is shown on this answer only), remove one,
    and the delivery log."""
    district = access.acting_district(request.user, Role.DISTRICT_ADMIN)
    assert district is not None  # noqa: S101 - the role guarantees one
    form = WebhookForm(request.POST or None)
    secret = ""
    added = None
    if request.method == "POST" and form.is_valid():
        try:
            added, secret = webhooks.webhook_add(actor=request.user, district=district, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = WebhookForm()
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "notifications/webhooks.html",
        {
            "form": form,
            "district": district,
            "added": added,
            "secret": secret,
            "endpoints": queries.webhooks(request.user),
            "deliveries": queries.webhook_deliveries(request.user)[:50],
        },
        status=status,
    )


@access.route_required("notifications:webhook-remove")
@require_POST
def webhook_remove(request: AuthedRequest, endpoint_id: int) -> HttpResponse:
    endpoint = access.fetch(notifications_access.webhooks_visible_to, request.user, pk=endpoint_id)
    webhooks.webhook_remove(actor=request.user, endpoint=endpoint)
    messages.success(request, f"Removed: {endpoint.url} hears nothing more from coachmap.")
    return redirect("notifications:webhooks")
