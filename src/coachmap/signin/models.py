"""Which sign-in providers a district turned on, and whether its people may still use passwords.

A provider's secret is stored sealed (`signin.sealing`) and never leaves the server except to the
provider itself: no page, log line or admin screen shows it. These models are not in the admin.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from coachmap.core.models import District
from coachmap.signin import sealing


class Kind(models.TextChoices):
    GOOGLE = "google", "Google Workspace"
    MICROSOFT = "microsoft", "Microsoft Entra ID"
    CLEVER = "clever", "Clever"
    CLASSLINK = "classlink", "ClassLink"
    OIDC = "oidc", "Another OpenID Connect provider"

    @property
    def allauth_provider(self) -> str:
        """The django-allauth provider that speaks to it: Clever and ClassLink speak OpenID Connect."""
        if self in (Kind.GOOGLE, Kind.MICROSOFT):
            return self.value
        return "openid_connect"

    @property
    def preset_issuer(self) -> str:
        return PRESET_ISSUERS.get(self, "")

    @property
    def needs_issuer(self) -> bool:
        return self.allauth_provider == "openid_connect"


# Published discovery documents: https://clever.com/.well-known/openid-configuration and
# https://launchpad.classlink.com/.well-known/openid-configuration.
# How many of a client ID's last characters the settings page shows, to recognise it by.
HINT_CHARS = 4
PRESET_ISSUERS = {Kind.CLEVER: "https://clever.com", Kind.CLASSLINK: "https://launchpad.classlink.com"}


class SignInProvider(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="sign_in_providers")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    enabled = models.BooleanField(default=False)
    client_id = models.CharField(max_length=255, blank=True)
    secret_sealed = models.BinaryField(default=b"", editable=False)
    issuer_url = models.URLField(blank=True)
    tenant = models.CharField(max_length=100, blank=True)
    label = models.CharField(max_length=60, blank=True)
    sourced_id_claim = models.CharField(max_length=100, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["district", "kind"], name="signin_provider_unique"),
            # One server speaks to one Google (Microsoft, …) app: its redirect address names the kind.
            models.UniqueConstraint(fields=["kind"], condition=Q(enabled=True), name="signin_kind_on_once"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def kind_enum(self) -> Kind:
        return Kind(self.kind)

    @property
    def name(self) -> str:
        """What the sign-in button says after "Sign in with"."""
        if self.kind == Kind.OIDC and self.label:
            return self.label
        return {Kind.GOOGLE: "Google", Kind.MICROSOFT: "Microsoft"}.get(self.kind_enum, self.kind_enum.label)

    @property
    def provider_id(self) -> str:
        """django-allauth's id for it, which is also the last part of its redirect address."""
        return self.kind

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_sealed)

    def secret(self) -> str:
        return sealing.unseal(self.secret_sealed)

    def set_secret(self, secret: str) -> None:
        self.secret_sealed = sealing.seal(secret)

    @property
    def client_id_hint(self) -> str:
        """Enough of the client ID to recognise it, never the whole of it."""
        return f"…{self.client_id[-HINT_CHARS:]}" if len(self.client_id) > 2 * HINT_CHARS else "set"


class SignInPolicy(models.Model):
    """A district's choice about local passwords (no row: passwords are allowed)."""

    district = models.OneToOneField(District, on_delete=models.CASCADE, related_name="sign_in_policy")
    passwords_allowed = models.BooleanField(
        "people may sign in with a coachmap password",
        default=True,
        help_text="Turned off, everyone signs in through the district's sign-in provider; district admins "
        "keep a password for the day the provider is down.",
    )

    def __str__(self) -> str:
        return f"Sign-in policy of {self.district}"


def passwords_allowed(district_id: int) -> bool:
    return not SignInPolicy.objects.filter(district_id=district_id, passwords_allowed=False).exists()
