"""Background work: emails go from the task worker (`coachmap db_worker`), never from a page."""

from __future__ import annotations

from django_tasks import task

from coachmap.notifications import delivery
from coachmap.notifications.models import WebhookDelivery, WebhookStatus


@task()
def notification_email(notification_id: int) -> str:
    """Email one notification; when the mail server fails, queue the next try after a pause (the
    database backend waits for it; `coachmap send-digests` also sends whatever is due)."""
    result = delivery.notification_email_send(notification_id)
    if result == delivery.RETRY:
        due = delivery.retry_at(notification_id)
        backend = notification_email.get_backend()
        if due is not None and backend.supports_defer:
            notification_email.using(run_after=due).enqueue(notification_id)
    return result


@task()
def deliveries() -> str:
    """The scheduled run (`coachmap send-digests --queue` hands it to the worker)."""
    return delivery.deliveries_run().summary()


@task()
def webhook_deliver(delivery_id: int) -> str:
    """Send one webhook delivery; a failed one is tried again after a growing pause (deferred when
    the backend can, else by the next `coachmap send-digests`)."""
    from coachmap.notifications import webhooks

    result = webhooks.webhook_send(delivery_id)
    if result == WebhookStatus.RETRYING:
        due = WebhookDelivery.objects.filter(pk=delivery_id).values_list("due_at", flat=True).first()
        backend = webhook_deliver.get_backend()
        if due is not None and backend.supports_defer:
            webhook_deliver.using(run_after=due).enqueue(delivery_id)
    return result
