"""Outbound webhooks: other systems hear about the district's events, signed, retried, logged.

An event (`webhook_event`) makes one delivery per endpoint that subscribed to it; the task worker
sends each (`webhook_send`), and a failed send waits 1, 2, 4 … minutes (at most 6 hours) before
the next try, up to `TRIES`; `webhooks_due` (run by `coachmap send-digests`) sends whatever is due
when the worker cannot defer a task. The scheme, for receivers (docs/webhooks.md), is Stripe's:

    Coachmap-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by the secret>

A payload carries ids and counts only — never a name, a note or an answer: the layer below
roster and coaching, it is handed plain data by them (`import_finished_data`, `cycle_completed_data`
build it where the event happens).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import secrets
import time
import uuid
from typing import Any

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coachmap.core import access
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, District, User
from coachmap.core.sealing import seal_text, unseal_text
from coachmap.notifications import access as notifications_access
from coachmap.notifications.models import WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookStatus

log = logging.getLogger(__name__)

SEAL_PURPOSE = "coachmap.notifications.webhook"
SIGNATURE_HEADER = "Coachmap-Signature"
RETRY_FIRST = datetime.timedelta(minutes=1)
RETRY_LONGEST = datetime.timedelta(hours=6)
TRIES = 10
TIMEOUT = 10
HTTP_OK_BELOW = 300
# What a payload may hold: the test asserts every payload's keys are among these.
PAYLOAD_KEYS = frozenset({"id", "event", "created", "district_id", "data"})
DATA_KEYS = {
    WebhookEvent.IMPORT_FINISHED: frozenset(
        {"import_id", "kind", "origin", "status", "added", "changed", "removed", "rejected", "held"}
    ),
    WebhookEvent.CYCLE_COMPLETED: frozenset({"cycle_id", "school_id", "outcome", "closed_on", "sessions"}),
}


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The signature header's value for `body` sent at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, body: bytes, header: str, *, tolerance: int = 300, now: float | None = None) -> bool:
    """What a receiver does (here for tests and for receivers written in Python)."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs((now or time.time()) - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def _allowed_url(url: str) -> bool:
    return url.startswith("https://") or (url.startswith("http://") and settings.WEBHOOKS_ALLOW_HTTP)


def webhook_add(
    *, actor: User, district: District, url: str, events: list[str]
) -> tuple[WebhookEndpoint, str]:
    """Subscribe an address to events; returns the endpoint and its secret (shown this once)."""
    access.require(
        notifications_access.may_manage_webhooks(actor, district.pk),
        "Only the district admin adds the district's webhooks.",
    )
    if not _allowed_url(url):
        raise ValidationError(
            {"url": "Use an https:// address: deliveries are signed but not encrypted otherwise."}
        )
    unknown = [e for e in events if e not in WebhookEvent.values]
    if not events or unknown:
        raise ValidationError({"events": "Choose at least one of the events listed."})
    secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint(
        district=district, url=url, events=list(events), secret_sealed=seal_text(SEAL_PURPOSE, secret)
    )
    endpoint.full_clean()
    with transaction.atomic():
        endpoint.save()
        audit_record(
            actor=actor,
            action=AuditAction.SETTINGS_CHANGE,
            obj=endpoint,
            district=district,
            setting="webhook added",
            address=url,
            events=list(events),
        )
    return endpoint, secret


def webhook_remove(*, actor: User, endpoint: WebhookEndpoint) -> None:
    access.require(
        notifications_access.may_manage_webhooks(actor, endpoint.district_id),
        "Only the district admin removes the district's webhooks.",
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.SETTINGS_CHANGE,
            obj=endpoint,
            district=endpoint.district_id,
            setting="webhook removed",
            address=endpoint.url,
        )
        endpoint.delete()


def webhook_event(*, district_id: int | None, event: str, data: dict[str, Any]) -> int:
    """Queue the event for every endpoint of the district that subscribed to it; returns how many.
    Sent once the caller's transaction commits (an import rolled back sends nothing)."""
    if district_id is None:
        return 0
    allowed = DATA_KEYS[WebhookEvent(event)]
    if set(data) - allowed:
        # Only ids and counts leave coachmap: a key not on the list is a programming error.
        raise ValueError(f"A {event} payload may not carry {sorted(set(data) - allowed)}.")
    endpoints = [
        e for e in WebhookEndpoint.objects.filter(district_id=district_id, active=True) if event in e.events
    ]
    now = timezone.now()
    made = []
    for endpoint in endpoints:
        payload = {
            "id": str(uuid.uuid4()),
            "event": event,
            "created": now.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "district_id": district_id,
            "data": data,
        }
        made.append(
            WebhookDelivery.objects.create(endpoint=endpoint, event=event, payload=payload, due_at=now)
        )
    if made:
        from coachmap.notifications.tasks import webhook_deliver

        ids = [d.pk for d in made]
        transaction.on_commit(lambda: [webhook_deliver.enqueue(pk) for pk in ids])
    return len(made)


def retry_pause(attempts: int) -> datetime.timedelta:
    return min(RETRY_FIRST * 2 ** max(attempts - 1, 0), RETRY_LONGEST)


def webhook_send(delivery_id: int, now: datetime.datetime | None = None) -> str:
    """Send one delivery once; returns its status. Claimed first, so two workers never send it twice."""
    now = now or timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status__in=(WebhookStatus.WAITING, WebhookStatus.RETRYING), due_at__lte=now
    ).update(due_at=now + CLAIM)
    if not claimed:
        return "not due"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    secret = unseal_text(SEAL_PURPOSE, delivery.endpoint.secret_sealed) or ""
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "coachmap-webhooks/1",
        SIGNATURE_HEADER: sign(secret, body, int(time.time())),
        "Coachmap-Event": delivery.event,
        "Coachmap-Delivery": str(delivery.payload.get("id", "")),
    }
    delivery.attempts += 1
    try:
        response = requests.post(
            delivery.endpoint.url, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False
        )
        delivery.response_code = response.status_code
        delivery.error = (
            "" if response.status_code < HTTP_OK_BELOW else f"The receiver answered {response.status_code}."
        )
        ok = response.status_code < HTTP_OK_BELOW
    except requests.RequestException as exc:
        delivery.response_code = None
        delivery.error = f"Could not reach the address: {type(exc).__name__}."[:300]
        ok = False
    if ok:
        delivery.status, delivery.delivered_at, delivery.due_at = (
            WebhookStatus.DELIVERED,
            timezone.now(),
            None,
        )
    elif delivery.attempts >= TRIES:
        delivery.status, delivery.due_at = WebhookStatus.GAVE_UP, None
    else:
        delivery.status, delivery.due_at = WebhookStatus.RETRYING, now + retry_pause(delivery.attempts)
    delivery.save(update_fields=["attempts", "response_code", "error", "status", "delivered_at", "due_at"])
    return str(delivery.status)


# A claim pushes the due time this far ahead: a worker that stops mid-send leaves it due again later.
CLAIM = datetime.timedelta(minutes=5)


def webhooks_due(now: datetime.datetime) -> int:
    """Send every delivery whose time has come (first tries and retries); returns how many were sent."""
    due = WebhookDelivery.objects.filter(
        status__in=(WebhookStatus.WAITING, WebhookStatus.RETRYING), due_at__lte=now
    ).values_list("pk", flat=True)
    return sum(webhook_send(pk, now) == WebhookStatus.DELIVERED for pk in list(due))


def import_finished_data(
    *, import_id: int, kind: str, origin: str, status: str, totals: dict[str, int], held: bool
) -> dict[str, Any]:
    return {
        "import_id": import_id,
        "kind": kind,
        "origin": origin,
        "status": status,
        "added": totals.get("added", 0),
        "changed": totals.get("changed", 0),
        "removed": totals.get("removed", 0),
        "rejected": totals.get("rejected", 0),
        "held": held,
    }
