"""API tokens (issue 20): a person's own, and service accounts' for other systems.

A token's secret is shown once, when it is made; only its SHA-256 digest is stored, with a short
public prefix to find the row. The secret has 256 bits of entropy, so a plain digest (no slow
password hash) is enough: nobody can guess their way back from the digest.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from coachmap.core.models import District, User
from coachmap.core.tokens import SCOPE_LABELS, Kind, Scope


class ServiceAccount(models.Model):
    """Another system (a data warehouse, a dashboard) that calls the API for a district.

    It acts with the rights of the district admin who made it, narrowed to its scopes; when that
    person no longer administers the district, its tokens stop working."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="service_accounts")
    name = models.CharField(max_length=120)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_labels(self) -> list[str]:
        return [SCOPE_LABELS.get(Scope(s), s) if s in set(Scope) else s for s in self.scopes]


class ApiToken(models.Model):
    kind = models.CharField(max_length=16, choices=[(k.value, k.value) for k in Kind])
    # The person the token acts as: its owner, or the service account's maker.
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    service_account = models.ForeignKey(
        ServiceAccount, on_delete=models.CASCADE, null=True, blank=True, related_name="tokens"
    )
    name = models.CharField(max_length=120)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def scope_labels(self) -> list[str]:
        return [SCOPE_LABELS.get(Scope(s), s) if s in set(Scope) else s for s in self.scopes]

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "Revoked: it no longer works"
        if self.expires_at <= timezone.now():
            return "Expired: make a new one to keep going"
        return "Active"
