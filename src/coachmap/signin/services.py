"""Turning sign-in providers on and off, and local passwords; the audit keeps each change.

The audit row says that the secret was replaced, never what it is.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from coachmap.core import access
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, District, User
from coachmap.signin.models import Kind, SignInPolicy, SignInProvider, passwords_allowed

_SHOWN = ["enabled", "issuer_url", "tenant", "label", "sourced_id_claim"]


def _state(provider: SignInProvider) -> dict[str, object]:
    state: dict[str, object] = {field: getattr(provider, field) for field in _SHOWN}
    state["client_id"] = "set" if provider.client_id else "not set"
    state["secret"] = "set" if provider.has_secret else "not set"
    return state


def provider_for(district: District, kind: Kind) -> SignInProvider:
    """The district's settings for one kind of provider (unsaved, with presets, when there are none)."""
    found = SignInProvider.objects.filter(district=district, kind=kind).first()
    return found or SignInProvider(district=district, kind=kind, issuer_url=kind.preset_issuer)


def provider_save(
    *,
    actor: User,
    district: District,
    kind: Kind,
    enabled: bool,
    client_id: str,
    secret: str,
    issuer_url: str = "",
    tenant: str = "",
    label: str = "",
    sourced_id_claim: str = "",
) -> SignInProvider:
    """Save one provider's settings. An empty `client_id` or `secret` keeps the one stored."""
    access.require(
        access.may_change_district(actor, district.pk), "Only a district admin can change sign-in providers."
    )
    with transaction.atomic():
        provider = provider_for(district, kind)
        if provider.pk:
            provider = SignInProvider.objects.select_for_update().get(pk=provider.pk)
        before = _state(provider)
        provider.enabled = enabled
        if client_id.strip():
            provider.client_id = client_id.strip()
        if secret:
            provider.set_secret(secret.strip())
        provider.issuer_url = issuer_url.strip().rstrip("/") or kind.preset_issuer
        provider.tenant = tenant.strip()
        provider.label = label.strip()
        provider.sourced_id_claim = sourced_id_claim.strip()
        errors: dict[str, list[str]] = {}
        if enabled:
            if not provider.client_id:
                errors["client_id"] = ["Type the client ID the provider gave you to turn it on."]
            if not provider.has_secret:
                errors["secret"] = ["Type the client secret the provider gave you to turn it on."]
            if kind.needs_issuer and not provider.issuer_url:
                errors["issuer_url"] = ["Type the provider's issuer address (it starts with https://)."]
            if kind == Kind.MICROSOFT and not provider.tenant:
                errors["tenant"] = [
                    "Type your directory (tenant) ID from Entra ID, so only your district's accounts sign in."
                ]
            elsewhere = SignInProvider.objects.filter(kind=kind, enabled=True).exclude(district=district)
            if elsewhere.exists():
                errors["enabled"] = [
                    f"{kind.label} sign-in is already on for another district on this server."
                ]
        elif (
            not passwords_allowed(district.pk)
            and not SignInProvider.objects.filter(district=district, enabled=True).exclude(kind=kind).exists()
        ):
            errors["enabled"] = [
                "Passwords are off, so this is how your people sign in: turn passwords back on first."
            ]
        if errors:
            raise ValidationError(errors)
        provider.full_clean(exclude=["secret_sealed"])
        provider.save()
        audit_record(
            actor=actor,
            action=AuditAction.SETTINGS_CHANGE,
            obj=provider,
            district=district,
            setting=f"sign-in with {provider.name}",
            before=before,
            after=_state(provider) | {"secret": "replaced" if secret else before["secret"]},
        )
    return provider


def passwords_set(*, actor: User, district: District, allowed: bool) -> SignInPolicy:
    access.require(
        access.may_change_district(actor, district.pk), "Only a district admin can change how people sign in."
    )
    with transaction.atomic():
        policy, _ = SignInPolicy.objects.select_for_update().get_or_create(district=district)
        if not allowed and not SignInProvider.objects.filter(district=district, enabled=True).exists():
            raise ValidationError(
                {
                    "passwords_allowed": [
                        "Turn on a sign-in provider first: with passwords off and no provider, only the "
                        "district admins could sign in."
                    ]
                }
            )
        before = policy.passwords_allowed
        policy.passwords_allowed = allowed
        policy.save()
        audit_record(
            actor=actor,
            action=AuditAction.SETTINGS_CHANGE,
            obj=policy,
            district=district,
            setting="passwords",
            before={"passwords_allowed": before},
            after={"passwords_allowed": allowed},
        )
    return policy
