"""django-allauth, told to sign in only the district's people and never to create anyone.

`SocialAdapter.list_apps` builds allauth's apps from the providers the district turned on (with the
secret opened only here, on the server), so nothing of them lives in allauth's own tables or the
admin. `pre_social_login` finds the person (`signin.matching`) or refuses the sign-in with a page
that says why; refusals and first links are audited.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.http import Http404, HttpRequest
from django.shortcuts import render

from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, User
from coachmap.signin.matching import Identity, Outcome, check_person, claims_of, find_person
from coachmap.signin.models import Kind, SignInProvider

# Django's own model backend: the sign-in lockout's backend (first in the list) finds no user by id.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def enabled_providers() -> list[SignInProvider]:
    return list(SignInProvider.objects.filter(enabled=True).select_related("district"))


def app_for(provider: SignInProvider) -> SocialApp:
    """An unsaved allauth app for a provider (allauth builds its settings-based apps the same way)."""
    kind = provider.kind_enum
    settings: dict[str, Any] = {}
    if kind.needs_issuer:
        settings["server_url"] = provider.issuer_url
    if kind == Kind.MICROSOFT:
        settings["tenant"] = provider.tenant
    app = SocialApp(
        provider=kind.allauth_provider,
        provider_id=provider.provider_id if kind.needs_issuer else "",
        name=provider.name,
        client_id=provider.client_id,
        secret=provider.secret(),
        settings=settings,
    )
    app.coachmap_provider = provider
    return app


def refused(request: HttpRequest, provider: SignInProvider | None, reason: str) -> ImmediateHttpResponse:
    district = provider.district if provider is not None else None
    name = str(district) if district is not None else "this district"
    if reason == "inactive":
        message = f"This account is turned off in {name}. Ask your district admin if you need it back."
    elif reason == "ambiguous":
        message = (
            f"More than one person of {name} matches this account, so coachmap cannot tell who you are. "
            "Ask your district admin to fix the email addresses."
        )
    else:
        message = f"This account is not a person of {name}. Ask your district admin to add you."
    audit_record(
        actor=None,
        action=AuditAction.SIGN_IN_REFUSED,
        district=district,
        provider=provider.kind if provider is not None else "",
        reason=reason,
    )
    return ImmediateHttpResponse(render(request, "signin/refused.html", {"message": message}, status=403))


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def login(self, request: HttpRequest, user: Any) -> None:
        if not hasattr(user, "backend"):
            user.backend = MODEL_BACKEND
        super().login(request, user)


class SocialAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def list_apps(self, request: HttpRequest, provider: Any = None, client_id: Any = None) -> list[SocialApp]:
        apps = [app_for(p) for p in enabled_providers()]
        if provider:
            apps = [a for a in apps if provider in (a.provider, a.provider_id)]
        if client_id:
            apps = [a for a in apps if a.client_id == client_id]
        return apps

    def get_app(self, request: HttpRequest, provider: Any, client_id: Any = None) -> SocialApp:
        apps = self.list_apps(request, provider=provider, client_id=client_id)
        if len(apps) != 1:
            raise Http404("This sign-in provider is not turned on.")
        return apps[0]

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        allauth_provider = sociallogin.provider or sociallogin.account.get_provider(request)
        app = getattr(allauth_provider, "app", None)
        provider: SignInProvider | None = getattr(app, "coachmap_provider", None)
        if provider is None:
            raise refused(request, None, "unknown")
        if sociallogin.state.get("process", AuthProcess.LOGIN) != AuthProcess.LOGIN:
            # allauth's "connect this account to the one I am signed in as": not offered. An account
            # belongs to the person it matches, never to whoever happens to be signed in.
            raise refused(request, provider, "unknown")
        if sociallogin.is_existing:
            outcome: Outcome = check_person(sociallogin.user, provider)
            if not outcome.ok:
                raise refused(request, provider, outcome.reason)
            return
        identity = Identity(
            emails=tuple((e.email, bool(e.verified)) for e in sociallogin.email_addresses)
            or ((sociallogin.user.email, False),),
            claims=claims_of(sociallogin.account.extra_data),
        )
        outcome = find_person(provider, identity)
        if not outcome.ok:
            raise refused(request, provider, outcome.reason)
        user: User = outcome.user  # type: ignore[assignment]
        sociallogin.connect(request, user)
        audit_record(
            actor=user,
            action=AuditAction.SIGN_IN_LINKED,
            obj=user,
            district=provider.district_id,
            provider=provider.kind,
            matched_by=outcome.matched_by,
        )

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        name = getattr(provider, "name", "the provider")
        message = (
            f"Signing in with {name} did not finish, so you are not signed in. Try again; if it keeps "
            "failing, tell your district admin, who can check the provider's settings."
        )
        if error == "cancelled":
            message = f"You stopped signing in with {name}. Nothing changed."
        raise ImmediateHttpResponse(render(request, "signin/refused.html", {"message": message}, status=400))
