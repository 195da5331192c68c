"""The district's sign-in settings through the API (issue 20): which providers are on, and whether
people may also use a coachmap password; changed with the sign-in pages' forms and services
(`signin.services`, audited, the audit saying only that a secret was replaced).

A client secret is write-only: no answer holds it, only whether one is set; a client ID shows its
last characters, as on the page. No token may call these routes (`@tokens.never`): whoever changes
a district's sign-in (a provider's issuer, its client) decides who can sign in as whom, so it is
done by a district admin signed in to coachmap, never by a script holding a token.
"""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from coachmap.core import access, tokens
from coachmap.core.forms import form_cleaned
from coachmap.core.models import District
from coachmap.signin import services
from coachmap.signin.forms import ProviderForm
from coachmap.signin.models import Kind, SignInProvider, passwords_allowed
from coachmap.signin.views import callback_path

router = Router(tags=["sign-in"])


class ProviderOut(Schema):
    kind: str
    name: str
    enabled: bool
    client_id_set: bool
    client_id_ends: str = Field(
        description="The client ID's last characters, to tell it apart; never all of it."
    )
    secret_set: bool = Field(
        description="Whether a client secret is stored; the secret itself is never shown."
    )
    issuer_url: str
    tenant: str
    label: str
    sourced_id_claim: str
    redirect_uri: str = Field(description="The address to give the provider as its redirect URI.")


class SignInSettingsOut(Schema):
    passwords_allowed: bool
    providers: list[ProviderOut]


class ProviderIn(Schema):
    """One provider's settings. `client_id` and `secret` left empty keep the ones stored."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = False
    client_id: str = Field("", max_length=255)
    secret: str = Field("", max_length=2000, description="Write-only: replaces the stored secret.")
    issuer_url: str = Field("", max_length=200)
    tenant: str = Field("", max_length=100)
    label: str = Field("", max_length=60)
    sourced_id_claim: str = Field("", max_length=100)


def _district(request: HttpRequest, page: str) -> District:
    return access.admin_district(request.user, page, "Only a district admin changes how people sign in.")


def _provider(request: HttpRequest, provider: SignInProvider) -> dict[str, Any]:
    kind = provider.kind_enum
    return {
        "kind": kind.value,
        "name": provider.name,
        "enabled": provider.enabled,
        "client_id_set": bool(provider.client_id),
        "client_id_ends": provider.client_id_hint if provider.client_id else "",
        "secret_set": provider.has_secret,
        "issuer_url": provider.issuer_url,
        "tenant": provider.tenant,
        "label": provider.label,
        "sourced_id_claim": provider.sourced_id_claim,
        "redirect_uri": request.build_absolute_uri(callback_path(kind)),
    }


def _settings(request: HttpRequest, district: District) -> dict[str, Any]:
    return {
        "passwords_allowed": passwords_allowed(district.pk),
        "providers": [_provider(request, services.provider_for(district, kind)) for kind in Kind],
    }


@router.get("/signin/settings", response=SignInSettingsOut)
@tokens.never
def signin_settings(request: HttpRequest) -> dict[str, Any]:
    """Each provider (on or off, whether a client ID and secret are set) and the password rule."""
    return _settings(request, _district(request, "signin:settings"))


# Turning coachmap passwords on or off has no route: the API touches no password, nor whether
# passwords work (issue 12; tests/security/test_accounts.py). It stays on the sign-in settings page.


@router.post("/signin/providers/{kind}", response=ProviderOut)
@tokens.never
def signin_provider_save(request: HttpRequest, kind: str, data: ProviderIn) -> dict[str, Any]:
    """Save one provider (google, microsoft, clever, classlink, oidc …): turn it on or off, its
    client ID, secret (write-only), issuer, tenant and button name."""
    district = _district(request, "signin:provider")
    if kind not in Kind.values:
        raise Http404("No such sign-in provider.")
    chosen = Kind(kind)
    provider = services.provider_for(district, chosen)
    form = ProviderForm(data.model_dump(), provider=provider)
    cleaned = form_cleaned(form)
    saved = services.provider_save(
        actor=request.user,  # type: ignore[arg-type]
        district=district,
        kind=chosen,
        enabled=cleaned["enabled"],
        client_id=cleaned["client_id"],
        secret=cleaned["secret"],
        issuer_url=cleaned.get("issuer_url") or "",
        tenant=cleaned.get("tenant") or "",
        label=cleaned.get("label") or "",
        sourced_id_claim=cleaned["sourced_id_claim"],
    )
    return _provider(request, saved)
