"""The Tokens page (a person's own API tokens) and the Service accounts page (the district admin's)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coachmap.api import forms, tokens
from coachmap.core import access
from coachmap.core.access import AuthedRequest
from coachmap.core.forms import add_service_errors


@access.route_required("tokens:personal")
def personal(request: AuthedRequest) -> HttpResponse:
    form = forms.TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _, secret = tokens.personal_token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = forms.TokenForm()
    return render(
        request,
        "api/tokens.html",
        {"form": form, "secret": secret, "tokens": tokens.personal_tokens(request.user)},
    )


@access.route_required("tokens:personal-revoke")
@require_POST
def personal_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    token = tokens.personal_token_revoke(actor=request.user, token_id=token_id)
    messages.success(
        request, f"The token “{token.name}” is revoked: anything still using it is refused from now on."
    )
    return redirect("tokens:personal")


@access.route_required("tokens:services")
def services(request: AuthedRequest) -> HttpResponse:
    form = forms.ServiceAccountForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _, _, secret = tokens.service_account_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = forms.ServiceAccountForm()
    return render(
        request,
        "api/services.html",
        {"form": form, "secret": secret, "accounts": tokens.service_accounts_visible_to(request.user)},
    )


@access.route_required("tokens:service-revoke")
@require_POST
def service_revoke(request: AuthedRequest, account_id: int) -> HttpResponse:
    account = tokens.service_account_revoke(actor=request.user, account_id=account_id)
    messages.success(request, f"“{account.name}” is switched off: its tokens are refused from now on.")
    return redirect("tokens:services")
