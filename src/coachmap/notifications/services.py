"""Notifications, the one place any app tells a person something: the coach hears that a teacher
accepted, the teacher that a proposal waits, the leads that something needs them, whoever started
an import that it finished. Each notification shows in the app at once and is emailed as its
person prefers (`delivery`): right away by the task worker, in a digest, or not at all."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from coachmap.core.models import Role, User
from coachmap.notifications import schedule
from coachmap.notifications.models import (
    DEFAULT_DELIVERY,
    Delivery,
    EmailPreference,
    EmailStatus,
    Notification,
    Topic,
)
from coachmap.notifications.tasks import notification_email

log = logging.getLogger(__name__)


def deliveries_for(user_ids: list[int]) -> dict[int, dict[str, str]]:
    """Each person's choice per topic, defaults filled in."""
    chosen: dict[int, dict[str, str]] = {uid: dict(DEFAULT_DELIVERY) for uid in user_ids}
    for uid, topic, delivery in EmailPreference.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "topic", "delivery"
    ):
        chosen[uid][topic] = delivery
    return chosen


def _prepared(
    *, user_id: int, email: str, delivery: str, text: str, url: str, topic: str, key: str
) -> Notification:
    now = timezone.now()
    n = Notification(user_id=user_id, text=text[:300], url=url, topic=topic, key=key, delivery=delivery)
    if delivery != Delivery.OFF and email:
        n.email_status = EmailStatus.WAITING
        n.email_due_at = now if delivery == Delivery.IMMEDIATELY else schedule.digest_due(delivery, now)
    return n


def _queue_immediate(notifications: list[Notification]) -> None:
    """Hand the emails that go right away to the task worker once the change that made them is saved:
    a page never waits for the mail server, and a rolled-back change sends nothing."""
    ids = [
        n.pk
        for n in notifications
        if n.email_status == EmailStatus.WAITING and n.delivery == Delivery.IMMEDIATELY
    ]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))


def _enqueue(ids: list[int]) -> None:
    for pk in ids:
        try:
            notification_email.enqueue(pk)
        except Exception:
            # The notification stays waiting; `coachmap send-digests` sends it on its next run.
            log.exception("Could not queue the email for notification %s", pk)


def notification_send(
    *, user: User, text: str, url: str = "", topic: str = Topic.ANSWERS, key: str = ""
) -> Notification:
    """Tell one person something. With a `key`, the same notice is made only once (a reminder for
    one meeting): a second call returns the first."""
    if key:
        existing = Notification.objects.filter(user=user, key=key).first()
        if existing is not None:
            return existing
    delivery = deliveries_for([user.pk])[user.pk][topic]
    n = _prepared(
        user_id=user.pk, email=user.email, delivery=delivery, text=text, url=url, topic=topic, key=key
    )
    try:
        with transaction.atomic():
            n.save()
    except IntegrityError:
        # Made by another process between the check and the save: that one stands.
        return Notification.objects.get(user=user, key=key)
    _queue_immediate([n])
    return n


@dataclass(frozen=True)
class Notice:
    """One scheduled notice; its key makes it once (`notices_send_once`)."""

    user: User
    key: str
    text: str
    url: str = ""


def notices_send_once(*, notices: list[Notice], topic: str) -> int:
    """Make each notice whose key its person has not had yet; how many were new."""
    made_before = set(
        Notification.objects.filter(key__in={n.key for n in notices}).values_list("user_id", "key")
    )
    new = [n for n in notices if (n.user.pk, n.key) not in made_before]
    for n in new:
        notification_send(user=n.user, text=n.text, url=n.url, topic=topic, key=n.key)
    return len(new)


def leads_notify(*, district_id: int, text: str, url: str = "", topic: str = Topic.ANSWERS) -> None:
    """Every program lead of the district."""
    leads = list(
        User.objects.filter(
            memberships__district_id=district_id, memberships__role=Role.PROGRAM_LEAD
        ).distinct()
    )
    users_notify(users=leads, text=text, url=url, topic=topic)


def users_notify(
    *, users: list[User], text: str, url: str = "", topic: str = Topic.ANSWERS
) -> list[Notification]:
    """The same notice for several people, in one insert."""
    chosen = deliveries_for([u.pk for u in users])
    made = Notification.objects.bulk_create(
        [
            _prepared(
                user_id=u.pk,
                email=u.email,
                delivery=chosen[u.pk][topic],
                text=text,
                url=url,
                topic=topic,
                key="",
            )
            for u in users
        ]
    )
    _queue_immediate(made)
    return made


def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at=None).update(read_at=timezone.now())


def preferences_set(*, user: User, choices: dict[str, str]) -> None:
    """Save how each topic reaches the person. Notifications still waiting for a digest follow the
    new choice: turned off, they are not emailed; moved to another digest, they wait for that one."""
    unknown = [t for t in choices if t not in Topic.values] + [
        d for d in choices.values() if d not in Delivery.values
    ]
    if unknown:
        raise ValueError(f"Unknown topic or delivery: {', '.join(unknown)}")
    now = timezone.now()
    with transaction.atomic():
        for topic, delivery in choices.items():
            EmailPreference.objects.update_or_create(user=user, topic=topic, defaults={"delivery": delivery})
            waiting = Notification.objects.filter(
                user=user, topic=topic, email_status=EmailStatus.WAITING
            ).exclude(delivery=Delivery.IMMEDIATELY)
            if delivery == Delivery.OFF:
                waiting.update(delivery=delivery, email_status=EmailStatus.NOT_EMAILED, email_due_at=None)
            elif delivery != Delivery.IMMEDIATELY:
                waiting.update(delivery=delivery, email_due_at=schedule.digest_due(delivery, now))
