"""The sign-in pages' forms post here and are redirected on to a provider; Chromium applies the
page's Content-Security-Policy form-action to that redirect too, so those pages name the origins of
the providers the districts turned on (and only those pages)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from coachmap.signin.models import Kind, SignInProvider

_ORIGINS = {Kind.GOOGLE: "https://accounts.google.com", Kind.MICROSOFT: "https://login.microsoftonline.com"}


def origin_of(provider: SignInProvider) -> str:
    if provider.kind_enum in _ORIGINS:
        return _ORIGINS[provider.kind_enum]
    parts = urlsplit(provider.issuer_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def provider_form_action(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if request.path == reverse("login") or request.path.startswith("/accounts/sso/"):
            origins = sorted({o for o in map(origin_of, SignInProvider.objects.filter(enabled=True)) if o})
            if origins:
                # django-csp 4 reads this per-response update (what its csp_update decorator sets).
                response._csp_update = {"form-action": origins}  # type: ignore[attr-defined]  # noqa: SLF001
        return response

    return middleware
