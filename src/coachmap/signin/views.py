from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from coachmap.core import access
from coachmap.core.access import AuthedRequest
from coachmap.core.audit import audit_record
from coachmap.core.forms import add_service_errors
from coachmap.core.models import AuditAction, District, Role
from coachmap.signin import services
from coachmap.signin.adapter import enabled_providers
from coachmap.signin.forms import PasswordsForm, ProviderForm, SignInForm
from coachmap.signin.models import Kind, SignInProvider, passwords_allowed
from coachmap.signin.passwords import any_district_allows_passwords, is_break_glass


def login_path(provider: SignInProvider) -> str:
    kind = provider.kind_enum
    if kind.needs_issuer:
        return reverse("openid_connect_login", kwargs={"provider_id": provider.provider_id})
    return reverse(f"{kind.value}_login")


def callback_path(kind: Kind) -> str:
    if kind.needs_issuer:
        return reverse("openid_connect_callback", kwargs={"provider_id": kind.value})
    return reverse(f"{kind.value}_callback")


class SignInView(auth_views.LoginView):
    """Django's sign-in page, with a "Sign in with …" button per provider a district turned on; the
    password form is left out where passwords are off (district admins reach it with ?with=password)."""

    form_class = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        providers = enabled_providers()
        allowed = any_district_allows_passwords()
        asked = self.request.GET.get("with") == "password" or self.request.method == "POST"
        context.update(
            providers=[(p.name, login_path(p)) for p in providers],
            passwords_offered=allowed or asked or not providers,
            passwords_off=not allowed,
        )
        return context

    def form_valid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        response = super().form_valid(form)
        if is_break_glass(user):
            for district_id in user.memberships.filter(role=Role.DISTRICT_ADMIN).values_list(
                "district_id", flat=True
            ):
                audit_record(actor=user, action=AuditAction.SIGN_IN_PASSWORD, district=district_id)
        return response


def _district(request: AuthedRequest) -> District:
    district = access.acting_district(request.user, Role.DISTRICT_ADMIN)
    assert district is not None  # noqa: S101 - the role guarantees one
    return district


@access.route_required("signin:settings")
def settings_page(request: AuthedRequest) -> HttpResponse:
    district = _district(request)
    rows = []
    for kind in Kind:
        provider = services.provider_for(district, kind)
        rows.append(
            {
                "kind": kind,
                "provider": provider,
                "redirect_uri": request.build_absolute_uri(callback_path(kind)),
            }
        )
    form = PasswordsForm(initial={"passwords_allowed": passwords_allowed(district.pk)})
    return render(
        request, "signin/settings.html", {"district": district, "rows": rows, "passwords_form": form}
    )


@sensitive_post_parameters("secret", "client_id")
@access.route_required("signin:provider")
def provider_page(request: AuthedRequest, kind: str) -> HttpResponse:
    district = _district(request)
    if kind not in Kind.values:
        raise Http404("No such sign-in provider.")
    chosen = Kind(kind)
    provider = services.provider_for(district, chosen)
    initial = {
        "enabled": provider.enabled,
        "issuer_url": provider.issuer_url,
        "tenant": provider.tenant,
        "label": provider.label,
        "sourced_id_claim": provider.sourced_id_claim,
    }
    form = ProviderForm(request.POST or None, initial=initial, provider=provider)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.provider_save(
                actor=request.user,
                district=district,
                kind=chosen,
                enabled=data["enabled"],
                client_id=data["client_id"],
                secret=data["secret"],
                issuer_url=data.get("issuer_url") or "",
                tenant=data.get("tenant") or "",
                label=data.get("label") or "",
                sourced_id_claim=data["sourced_id_claim"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            state = "on" if data["enabled"] else "off"
            messages.success(request, f"{chosen.label} sign-in saved; it is {state}.")
            return redirect("signin:settings")
    return render(
        request,
        "signin/provider.html",
        {
            "district": district,
            "kind": chosen,
            "provider": provider,
            "form": form,
            "redirect_uri": request.build_absolute_uri(callback_path(chosen)),
        },
    )


@access.route_required("signin:passwords")
@require_POST
def passwords_page(request: AuthedRequest) -> HttpResponse:
    district = _district(request)
    form = PasswordsForm(request.POST)
    if form.is_valid():
        try:
            services.passwords_set(
                actor=request.user, district=district, allowed=form.cleaned_data["passwords_allowed"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if form.cleaned_data["passwords_allowed"]:
                messages.success(request, "Passwords are on: people may sign in with either.")
            else:
                messages.success(
                    request,
                    "Passwords are off: people sign in with your providers; district admins keep theirs.",
                )
    return redirect("signin:settings")


def login_cancelled(request: HttpRequest) -> HttpResponse:
    """Where allauth sends someone who stopped at the provider's page (its own page needs its account pages)."""
    return render(request, "socialaccount/login_cancelled.html")


def login_error(request: HttpRequest) -> HttpResponse:
    return render(request, "socialaccount/authentication_error.html")
