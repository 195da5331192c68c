"""Email for notifications, through Django's email framework (SMTP in production, the console in
the demo, locmem in tests).

A notification is claimed before it is sent (`email_claim`), so two workers never send it twice; a
failed send puts it back to wait, due again after a growing pause, until it goes or we give up.
An email says only what the notification says in the app, in plain words, with a link to the page:
never session notes, never anything the person could not see in coachmap.
"""

from __future__ import annotations

import datetime
import logging
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from coachmap.notifications import schedule
from coachmap.notifications.models import Delivery, EmailStatus, Notification

log = logging.getLogger(__name__)

# Retry after 5, 10, 20 … minutes, at most 6 hours apart; after this many tries the notification
# stays in the app only.
RETRY_FIRST = datetime.timedelta(minutes=5)
RETRY_LONGEST = datetime.timedelta(hours=6)
TRIES = 12
# A claim older than this was left by a worker that stopped mid-send; the notification waits again.
CLAIM_STALE = datetime.timedelta(minutes=15)


def retry_pause(attempts: int) -> datetime.timedelta:
    return min(RETRY_FIRST * 2 ** max(attempts - 1, 0), RETRY_LONGEST)


def _link(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}" if path else ""


def _greeting(n: Notification) -> str:
    return n.user.first_name or n.user.get_username()


def subject_of(text: str, longest: int = 78) -> str:
    """The notification's first sentence, cut at a word if it is still too long for a subject."""
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return first if len(first) <= longest else first[: longest - 1].rsplit(" ", 1)[0] + "…"


def message_one(n: Notification) -> EmailMessage:
    subject = subject_of(n.text)
    body = render_to_string(
        "notifications/email/one.txt",
        {
            "name": _greeting(n),
            "item": {"text": n.text, "link": _link(n.url)},
            "settings_link": _link(reverse("notifications:settings")),
        },
    )
    return EmailMessage(subject=f"coachmap: {subject}", body=body, to=[n.user.email])


def message_digest(items: list[Notification]) -> EmailMessage:
    first = items[0]
    count = f"{len(items)} update{'s' if len(items) != 1 else ''}"
    body = render_to_string(
        "notifications/email/digest.txt",
        {
            "name": _greeting(first),
            "count": count,
            "items": [{"text": n.text, "link": _link(n.url)} for n in items],
            "page_link": _link(reverse("notifications:list")),
            "settings_link": _link(reverse("notifications:settings")),
        },
    )
    return EmailMessage(subject=f"Your coachmap digest: {count}", body=body, to=[first.user.email])


def _claim(ids: list[int], now: datetime.datetime) -> list[Notification]:
    """Take the still-waiting ones among `ids` for this process alone."""
    token = uuid.uuid4().hex
    Notification.objects.filter(pk__in=ids, email_status=EmailStatus.WAITING).update(
        email_status=EmailStatus.SENDING,
        email_claim=token,
        email_due_at=now,
        email_attempts=F("email_attempts") + 1,
    )
    return list(
        Notification.objects.filter(email_claim=token, email_status=EmailStatus.SENDING)
        .select_related("user")
        .order_by("created_at", "id")
    )


def _sent(items: list[Notification], now: datetime.datetime) -> None:
    Notification.objects.filter(pk__in=[n.pk for n in items]).update(
        email_status=EmailStatus.SENT, emailed_at=now, email_error="", email_claim=""
    )


def _failed(items: list[Notification], exc: Exception, now: datetime.datetime) -> datetime.datetime:
    """Back to waiting, due after a pause that grows with each try; after the last try, in the app only."""
    attempts = max(n.email_attempts for n in items)  # the claim counted this try
    error = f"{type(exc).__name__}: {exc}"[:300]
    due = now + retry_pause(attempts)
    pks = [n.pk for n in items]
    if attempts >= TRIES:
        Notification.objects.filter(pk__in=pks).update(
            email_status=EmailStatus.NOT_EMAILED,
            email_error=f"Gave up after {attempts} tries. {error}"[:300],
            email_claim="",
        )
    else:
        Notification.objects.filter(pk__in=pks).update(
            email_status=EmailStatus.WAITING, email_error=error, email_due_at=due, email_claim=""
        )
    log.warning("Email for notifications %s failed (try %s): %s", pks, attempts, error)
    return due


SENT, RETRY, NOT_EMAILED = "sent", "not sent; will try again", "not emailed: no address"


def _deliver(items: list[Notification], message: EmailMessage, now: datetime.datetime) -> str:
    if not items[0].user.email:
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(
            email_status=EmailStatus.NOT_EMAILED, email_error="No email address.", email_claim=""
        )
        return NOT_EMAILED
    try:
        message.connection = get_connection(fail_silently=False)
        message.send()
    except Exception as exc:  # the mail server's failure, whatever its kind: try again later
        _failed(items, exc, now)
        return RETRY
    _sent(items, now)
    return SENT


def notification_email_send(pk: int, now: datetime.datetime | None = None) -> str:
    """Email one notification now (the task worker's job). Says what happened."""
    now = now or timezone.now()
    items = _claim([pk], now)
    if not items:
        return "nothing to send"
    return _deliver(items, message_one(items[0]), now)


def retry_at(pk: int) -> datetime.datetime | None:
    """When a waiting notification is due again (after a failed try), or None once it went."""
    return (
        Notification.objects.filter(pk=pk, email_status=EmailStatus.WAITING)
        .values_list("email_due_at", flat=True)
        .first()
    )


@dataclass
class Run:
    made: dict[str, int] = field(default_factory=dict)
    sent: int = 0
    digests: int = 0
    failed: int = 0

    def summary(self) -> str:
        made = sum(self.made.values())
        return (
            f"Made {made} scheduled notification{'s' if made != 1 else ''}; "
            f"sent {self.sent} email{'s' if self.sent != 1 else ''} right away and {self.digests} "
            f"digest{'s' if self.digests != 1 else ''}; {self.failed} could not be sent and will be tried again."
        )


def deliveries_run(now: datetime.datetime | None = None) -> Run:
    """What `coachmap send-digests` and the periodic task do: make the scheduled notices (reminders,
    waiting requests, pulse invitations), send the emails that are due (retries of single ones, then
    one digest per person), and put back claims a stopped worker left behind."""
    now = now or timezone.now()
    run = Run()
    for name, maker in schedule.makers().items():
        run.made[name] = maker(now)
    # Webhook deliveries whose retry is due (the worker defers them itself when its backend can).
    from coachmap.notifications.webhooks import webhooks_due

    webhooks_due(now)
    Notification.objects.filter(email_status=EmailStatus.SENDING, email_due_at__lt=now - CLAIM_STALE).update(
        email_status=EmailStatus.WAITING, email_claim=""
    )
    due = Notification.objects.filter(email_status=EmailStatus.WAITING, email_due_at__lte=now)
    for pk in due.filter(delivery=Delivery.IMMEDIATELY).values_list("pk", flat=True):
        result = notification_email_send(pk, now)
        run.sent += result == SENT
        run.failed += result == RETRY
    by_user: dict[int, list[int]] = defaultdict(list)
    for pk, user_id in due.exclude(delivery=Delivery.IMMEDIATELY).values_list("pk", "user_id"):
        by_user[user_id].append(pk)
    for ids in by_user.values():
        items = _claim(ids, now)
        if not items:
            continue
        result = _deliver(items, message_digest(items), now)
        run.digests += result == SENT
        run.failed += result == RETRY
    return run
