"""Notifications: a short text and a link for one person, read in the app and sent by email as
they prefer (at once, in a daily or weekly digest, or not at all)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Topic(models.TextChoices):
    """What a notification is about; a person chooses how each topic reaches them by email."""

    OFFERS = "offers", "Proposals and offers waiting for your answer"
    ANSWERS = "answers", "Answers to proposals, handovers and referrals"
    REMINDERS = "reminders", "Reminders: a coaching meeting tomorrow, requests still waiting"
    SURVEYS = "surveys", "Invitations to answer a survey"
    IMPORTS = "imports", "Data imports you started, when they finish"


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", "By email right away"
    DAILY = "daily", "In a daily digest"
    WEEKLY = "weekly", "In a weekly digest (Mondays)"
    OFF = "off", "Not by email (only here in coachmap)"


# Someone waits for an answer to an offer and for an import they started; the rest can wait a day.
DEFAULT_DELIVERY: dict[str, str] = {
    Topic.OFFERS: Delivery.IMMEDIATELY,
    Topic.ANSWERS: Delivery.DAILY,
    Topic.REMINDERS: Delivery.DAILY,
    Topic.SURVEYS: Delivery.DAILY,
    Topic.IMPORTS: Delivery.IMMEDIATELY,
}


class EmailStatus(models.TextChoices):
    WAITING = "waiting", "Waiting to be emailed"
    SENDING = "sending", "Being emailed"
    SENT = "sent", "Emailed"
    NOT_EMAILED = "not_emailed", "Not emailed (turned off, or no address)"


class Notification(models.Model):
    """A message for one person: a proposal to answer, a teacher who accepted, an import finished."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    topic = models.CharField(max_length=12, choices=Topic.choices, default=Topic.ANSWERS)
    # A scheduled notice (a reminder for one meeting) is made once: the same key is never sent twice.
    key = models.CharField(max_length=100, blank=True)
    # Email: how (copied from the person's preference when made), when it is due, and what happened.
    delivery = models.CharField(max_length=12, choices=Delivery.choices, default=Delivery.OFF)
    email_status = models.CharField(
        max_length=12, choices=EmailStatus.choices, default=EmailStatus.NOT_EMAILED
    )
    email_due_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    # Set by the one process sending it, so two workers never send the same notification.
    email_claim = models.CharField(max_length=32, blank=True)
    email_error = models.CharField(max_length=300, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table keeps the name it had while the model lived in the coaching app: no data moved.
        db_table = "coaching_notification"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="coaching_no_user_id_9b8792_idx"),
            models.Index(fields=["email_status", "email_due_at"], name="notification_email_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notification_key_once"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class EmailPreference(models.Model):
    """How one topic reaches one person by email; without a row, `DEFAULT_DELIVERY` applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    topic = models.CharField(max_length=12, choices=Topic.choices)
    delivery = models.CharField(max_length=12, choices=Delivery.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="email_preference_once")]

    def __str__(self) -> str:
        return f"{self.get_topic_display()}: {self.get_delivery_display()}"


class WebhookEvent(models.TextChoices):
    """What another system may hear about: ids and counts only, never confidential content."""

    CYCLE_COMPLETED = "cycle.completed", "A coaching cycle completed"
    IMPORT_FINISHED = "import.finished", "An import finished (an uploaded file or the roster sync)"


class WebhookEndpoint(models.Model):
    """An address of another system that hears about the district's events, signed with a secret
    (sealed by `core.sealing`; shown once, when the endpoint is added)."""

    district = models.ForeignKey("core.District", on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField("address", max_length=500)
    events = models.JSONField(default=list)
    secret_sealed = models.BinaryField(editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        return [WebhookEvent(e).label for e in self.events if e in WebhookEvent.values]


class WebhookStatus(models.TextChoices):
    WAITING = "waiting", "Waiting to be sent"
    DELIVERED = "delivered", "Delivered"
    RETRYING = "retrying", "Failed; will be tried again"
    GAVE_UP = "gave_up", "Failed every try; not sent"


class WebhookDelivery(models.Model):
    """One event sent (or to send) to one endpoint: the delivery log."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=WebhookStatus.choices, default=WebhookStatus.WAITING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "due_at"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint} ({self.get_status_display()})"
