from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import BadRequest, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from coachmap.core import access, group_size, health, services
from coachmap.core.access import AuthedRequest
from coachmap.core.forms import DistrictSettingsForm, OwnEmailForm, add_service_errors
from coachmap.core.lockout import lockout_release
from coachmap.core.models import Role


@access.route_required("district-settings")
def district_settings(request: AuthedRequest) -> HttpResponse:
    district = access.acting_district(request.user, Role.DISTRICT_ADMIN)
    assert district is not None  # noqa: S101 - the role guarantees one
    form = DistrictSettingsForm(request.POST or None, instance=district)
    if request.method == "POST" and form.is_valid():
        try:
            services.district_settings_update(
                actor=request.user,
                district=district,
                min_group_size=form.cleaned_data["min_group_size"],
                coaching_time_target=form.cleaned_data["coaching_time_target"],
                state_id=form.cleaned_data["state_id"],
                rate_coding=form.cleaned_data["rate_coding"],
                source_id=form.cleaned_data["source_id"],
                time_zone=form.cleaned_data["time_zone"],
                state=form.cleaned_data["state"],
                import_hold_percent=form.cleaned_data["import_hold_percent"],
                retention_years=form.cleaned_data["retention_years"],
                time_counts={
                    f: form.cleaned_data[f]
                    for f in ("time_counts_plc", "time_counts_committee", "time_counts_learning")
                },
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Settings saved.")
            warning = group_size.warning(form.cleaned_data["min_group_size"])
            if warning is not None:
                messages.warning(request, warning)
            return redirect("district-settings")
    return render(request, "core/district_settings.html", {"form": form, "district": district})


@access.route_required("email_change")
def email_change(request: AuthedRequest) -> HttpResponse:
    """A person changes their own email address (an admin cannot, once they have a password)."""
    form = OwnEmailForm(request.POST or None, initial={"email": request.user.email})
    if request.method == "POST" and form.is_valid():
        try:
            services.own_email_change(
                user=request.user, password=form.cleaned_data["password"], email=form.cleaned_data["email"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your email address is changed. Password links now go there.")
            return redirect("home")
    return render(request, "registration/email_change.html", {"form": form})


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """Django's single-use link, plus: a new password set this way lifts a sign-in pause at once, as
    the pause page promises (the person has just proved they hold the account's email)."""

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        lockout_release(username=form.user.get_username())
        return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 with the reason when coachmap wrote one (`BadRequest`). A suspicious request (a host
    not served here, too many fields) gets a bare page: the site's layout would ask the request
    for its host again, and fail."""
    if type(exception) is not BadRequest:
        return HttpResponseBadRequest("<!doctype html><title>Bad request</title><h1>Bad request (400)</h1>")
    return render(request, "400.html", {"message": str(exception)}, status=400)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """For a load balancer, no sign-in: 200 while this server can serve, 503 when it cannot
    (core/health.py says what is checked). Only words and numbers; nothing about the setup."""
    result = health.check()
    return JsonResponse(result.as_json(), status=200 if result.healthy else 503)
