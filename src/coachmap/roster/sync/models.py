"""A district's OneRoster REST connection and each sync run (re-exported by `roster.models`)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from coachmap.core.models import District, User


class OAuthVersion(models.TextChoices):
    OAUTH2 = "oauth2", "OAuth 2 (client credentials)"
    OAUTH1 = "oauth1", "OAuth 1.0a (signed requests, OneRoster 1.1)"


class SyncConnection(models.Model):
    """Where a district's OneRoster service is and how to sign in to it. The secret is sealed
    (`core.sealing`) and never shown again once saved."""

    district = models.OneToOneField(District, on_delete=models.CASCADE, related_name="roster_sync")
    base_url = models.URLField(
        "service address",
        max_length=500,
        help_text="The OneRoster service root, e.g. https://sis.example.org/ims/oneroster/v1p1",
    )
    version = models.CharField(
        "OneRoster version", max_length=3, choices=[("1.1", "1.1"), ("1.2", "1.2")], default="1.1"
    )
    oauth = models.CharField(
        "sign-in method", max_length=10, choices=OAuthVersion.choices, default=OAuthVersion.OAUTH2
    )
    token_url = models.URLField(
        "token address",
        max_length=500,
        blank=True,
        help_text="Where OAuth 2 tokens are asked for; not used with OAuth 1.0a.",
    )
    client_id = models.CharField("client id", max_length=200)
    secret_sealed = models.BinaryField(blank=True, default=b"", editable=False)
    hour = models.PositiveSmallIntegerField(
        "nightly at (hour, 0–23)",
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(23)],
        help_text="The sync starts at the first run of the task worker's schedule after this hour.",
    )
    enabled = models.BooleanField("sync every night", default=True)
    # Changes since this moment are asked for by the next delta (empty: the next run is full).
    watermark = models.CharField(max_length=40, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"OneRoster service of {self.district}"

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_sealed)


class SyncMode(models.TextChoices):
    FULL = "full", "Everything (full)"
    DELTA = "delta", "Changes since the last sync"


class SyncStatus(models.TextChoices):
    RUNNING = "running", "Running"
    DONE = "done", "Synced"
    HELD = "held", "Waiting for your confirmation: nothing changed yet"
    REJECTED = "rejected", "Refused: nothing changed"
    FAILED = "failed", "Failed: nothing changed"


class SyncRun(models.Model):
    """One sync: when, full or delta, and how it ended; the import it ran holds the report."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="roster_sync_runs")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    mode = models.CharField(max_length=10, choices=SyncMode.choices)
    since = models.CharField(max_length=40, blank=True, default="")
    status = models.CharField(max_length=20, choices=SyncStatus.choices, default=SyncStatus.RUNNING)
    reason = models.TextField(blank=True, default="")
    fetched = models.JSONField(default=dict, blank=True)  # collection → records fetched
    import_run = models.ForeignKey(
        "roster.ImportRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} sync of {self.district} ({self.get_status_display()})"
