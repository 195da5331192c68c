"""Outbound webhooks: a receiver on 127.0.0.1 checks each delivery's signature (its own HMAC, not
coachmap's helper), answers 500 and then 200, and the log shows the tries; payloads carry ids and
counts only."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from coachmap.coaching.cycles.services import cycle_close
from coachmap.coaching.models import CycleOutcome
from coachmap.notifications import webhooks
from coachmap.notifications.models import WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookStatus
from tests.conftest import SECRET_NOTE, World

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver:
    """Another system's endpoint: records each delivery, answers with the next status in line."""

    def __init__(self, answers: list[int]) -> None:
        self.answers = answers
        self.received: list[dict[str, Any]] = []
        self.httpd = make_server("127.0.0.1", 0, self.app, handler_class=_Quiet)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}/hooks/coachmap"

    def app(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        self.received.append(
            {
                "body": body,
                "signature": environ.get("HTTP_COACHMAP_SIGNATURE", ""),
                "event": environ.get("HTTP_COACHMAP_EVENT", ""),
            }
        )
        status = self.answers.pop(0) if self.answers else 200
        start_response(f"{status} {'OK' if status < 300 else 'Error'}", [("Content-Type", "text/plain")])
        return [b"ok"]

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        return None


def signed_by(secret: str, delivery: dict[str, Any], tolerance: int = 300) -> bool:
    """The receiver's check, written from docs/webhooks.md."""
    parts = dict(item.split("=", 1) for item in delivery["signature"].split(","))
    timestamp = int(parts["t"])
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + delivery["body"], hashlib.sha256
    ).hexdigest()
    return abs(time.time() - timestamp) <= tolerance and hmac.compare_digest(expected, parts["v1"])


@pytest.fixture(autouse=True)
def plain_http() -> Iterator[None]:
    with override_settings(WEBHOOKS_ALLOW_HTTP=True):
        yield


def _subscribe(world: World, url: str, events: list[str]) -> tuple[WebhookEndpoint, str]:
    return webhooks.webhook_add(actor=world.admin, district=world.district, url=url, events=events)


def test_a_completed_cycle_is_signed_and_retried_until_delivered(world: World) -> None:
    with Receiver([500, 200]) as receiver:
        endpoint, secret = _subscribe(world, receiver.url, [WebhookEvent.CYCLE_COMPLETED])
        cycle_close(coach=world.cycle.coach, cycle=world.cycle, outcome=CycleOutcome.STEPPED_BACK)
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        assert (delivery.status, delivery.attempts, delivery.response_code) == (
            WebhookStatus.RETRYING,
            1,
            500,
        )
        assert delivery.due_at is not None
        first_pause = delivery.due_at - timezone.now()
        assert datetime.timedelta(seconds=30) < first_pause <= webhooks.RETRY_FIRST
        # Not due yet: nothing is sent.
        assert webhooks.webhooks_due(timezone.now()) == 0
        assert webhooks.webhooks_due(timezone.now() + datetime.timedelta(minutes=2)) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (WebhookStatus.DELIVERED, 2, 200)
    assert len(receiver.received) == 2
    assert all(signed_by(secret, d) for d in receiver.received)
    assert not signed_by("whsec_wrong", receiver.received[0])
    # The same event both times (the receiver de-duplicates by its id).
    first, second = (json.loads(d["body"]) for d in receiver.received)
    assert first == second and first["event"] == "cycle.completed"
    assert receiver.received[0]["event"] == "cycle.completed"


def test_payloads_carry_ids_and_counts_only(world: World) -> None:
    with Receiver([]) as receiver:
        _subscribe(world, receiver.url, [WebhookEvent.CYCLE_COMPLETED])
        cycle_close(coach=world.cycle.coach, cycle=world.cycle, outcome=CycleOutcome.STEPPED_BACK)
    (sent,) = receiver.received
    payload = json.loads(sent["body"])
    assert set(payload) == {"id", "event", "created", "district_id", "data"}
    assert set(payload["data"]) == {"cycle_id", "school_id", "outcome", "closed_on", "sessions"}
    assert payload["data"]["cycle_id"] == world.cycle.pk and payload["data"]["sessions"] == 1
    text = sent["body"].decode()
    teacher, coach = world.cycle.teacher.user, world.cycle.coach.user
    for secret_text in (SECRET_NOTE, teacher.last_name, teacher.username, coach.last_name, coach.username):
        assert secret_text not in text
    assert payload["data"]["school_id"] == world.cycle.teacher.school_id


def test_an_import_finished_event_names_counts_not_people(world: World, tmp_path) -> None:
    from tests.roster.conftest import do_import

    flags = tmp_path / "flags.csv"
    flags.write_text("student_id,english_learner\nnobody,Y\n")
    with Receiver([]) as receiver:
        _subscribe(world, receiver.url, [WebhookEvent.IMPORT_FINISHED])
        do_import("flags", flags, district=world.district)
    (sent,) = receiver.received
    payload = json.loads(sent["body"])
    assert payload["event"] == "import.finished"
    assert set(payload["data"]) == {
        "import_id",
        "kind",
        "origin",
        "status",
        "added",
        "changed",
        "removed",
        "rejected",
        "held",
    }
    assert payload["data"]["kind"] == "flags" and payload["data"]["origin"] == "file"


def test_a_payload_key_off_the_list_is_refused(world: World) -> None:
    with pytest.raises(ValueError, match="may not carry"):
        webhooks.webhook_event(
            district_id=world.district.pk, event=WebhookEvent.CYCLE_COMPLETED, data={"teacher_name": "x"}
        )


def test_a_receiver_that_never_answers_is_given_up(world: World) -> None:
    endpoint, _ = _subscribe(world, "http://127.0.0.1:9/unreachable", [WebhookEvent.CYCLE_COMPLETED])
    cycle_close(coach=world.cycle.coach, cycle=world.cycle, outcome=CycleOutcome.STEPPED_BACK)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    later = timezone.now()
    for _ in range(webhooks.TRIES):
        later += webhooks.RETRY_LONGEST
        webhooks.webhooks_due(later)
    delivery.refresh_from_db()
    assert delivery.status == WebhookStatus.GAVE_UP and delivery.attempts == webhooks.TRIES
    assert delivery.response_code is None and "Could not reach" in delivery.error


def test_a_paused_cycle_is_not_completed(world: World) -> None:
    endpoint, _ = _subscribe(world, "https://warehouse.example.org/hooks", [WebhookEvent.CYCLE_COMPLETED])
    cycle_close(coach=world.cycle.coach, cycle=world.cycle, outcome=CycleOutcome.PAUSED)
    assert not WebhookDelivery.objects.filter(endpoint=endpoint).exists()


def test_only_the_district_admin_adds_webhooks_and_only_https(world: World) -> None:
    with pytest.raises(PermissionDenied):
        webhooks.webhook_add(
            actor=world.lead, district=world.district, url="https://x.example.org", events=["import.finished"]
        )
    with override_settings(WEBHOOKS_ALLOW_HTTP=False), pytest.raises(ValidationError, match="https"):
        _subscribe(world, "http://x.example.org", ["import.finished"])


def test_the_secret_is_shown_once_and_sealed(world: World, client) -> None:
    client.force_login(world.admin)
    url = reverse("notifications:webhooks")
    response = client.post(url, {"url": "https://warehouse.example.org/hooks", "events": ["import.finished"]})
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get(district=world.district)
    secret = webhooks.unseal_text(webhooks.SEAL_PURPOSE, endpoint.secret_sealed)
    assert secret and secret.startswith("whsec_")
    assert secret in response.content.decode()
    assert secret.encode() not in bytes(endpoint.secret_sealed)
    again = client.get(url)
    assert secret not in again.content.decode()
    assert "https://warehouse.example.org/hooks" in again.content.decode()
