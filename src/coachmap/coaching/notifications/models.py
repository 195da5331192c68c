"""In-app notifications: a short text and a link for one person, read or not."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Notification(models.Model):
    """An in-app message: a proposal to answer, a teacher who accepted, a handover to read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text
