"""`/healthz`: what a load balancer asks before sending people to this server (core/health.py)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError
from django.test import Client, override_settings
from django.utils import timezone

from coachmap.core import health

pytestmark = pytest.mark.django_db


def _queue_task(enqueued_ago: timedelta, *, run_after: timedelta | None = None) -> None:
    from django_tasks_db.models import get_date_max

    model = apps.get_model("django_tasks_database", "DBTaskResult")
    row = model.objects.create(
        id=uuid.uuid4(),
        args_kwargs={"args": [], "kwargs": {}},
        task_path="coachmap.notifications.tasks.send_digests",
        backend_name="default",
        run_after=get_date_max() if run_after is None else timezone.now() - run_after,
    )
    # enqueued_at is set on creation (auto_now_add): move it back to when the task was queued.
    model.objects.filter(pk=row.pk).update(enqueued_at=timezone.now() - enqueued_ago)


def _get(client: Client) -> tuple[int, dict[str, object]]:
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


def test_a_healthy_server_answers_200_without_a_sign_in(client: Client) -> None:
    status, body = _get(client)
    assert status == 200
    assert body["status"] == "ok"
    checks = body["checks"]
    assert checks["database"] == "ok"
    assert checks["task_queue"] == {"status": "ok", "oldest_waiting_seconds": 0}
    assert checks["uploads_disk"]["status"] == "ok"
    # The same disk as MEDIA_ROOT's nearest existing folder (a few bytes may move between the two reads).
    assert abs(checks["uploads_disk"]["free_bytes"] - health.uploads_free_bytes()) < 64 * 1024 * 1024
    assert checks["uploads_disk"]["free_bytes"] >= settings.HEALTH_MIN_FREE_BYTES


def test_a_task_waiting_a_little_is_healthy_and_its_age_is_reported(client: Client) -> None:
    _queue_task(timedelta(seconds=120))
    status, body = _get(client)
    assert status == 200
    assert 119 <= body["checks"]["task_queue"]["oldest_waiting_seconds"] <= 125


def test_a_task_waiting_longer_than_the_threshold_fails_the_check(client: Client) -> None:
    _queue_task(timedelta(seconds=settings.HEALTH_MAX_QUEUE_AGE_SECONDS + 60))
    _queue_task(timedelta(seconds=5))
    status, body = _get(client)
    assert status == 503
    assert body["status"] == "fail"
    queue = body["checks"]["task_queue"]
    assert queue["status"] == "fail"
    assert queue["oldest_waiting_seconds"] >= settings.HEALTH_MAX_QUEUE_AGE_SECONDS + 60
    assert body["checks"]["database"] == "ok"


def test_a_task_held_back_until_later_waits_only_from_its_time(client: Client) -> None:
    """Queued an hour ago to run two minutes ago: it has waited two minutes, not an hour."""
    _queue_task(timedelta(hours=1), run_after=timedelta(seconds=120))
    _queue_task(timedelta(hours=2), run_after=-timedelta(hours=1))  # due in an hour: not waiting
    status, body = _get(client)
    assert status == 200
    assert 119 <= body["checks"]["task_queue"]["oldest_waiting_seconds"] <= 125


def test_finished_tasks_do_not_count(client: Client) -> None:
    _queue_task(timedelta(days=3))
    apps.get_model("django_tasks_database", "DBTaskResult").objects.update(status="SUCCESSFUL")
    status, body = _get(client)
    assert status == 200
    assert body["checks"]["task_queue"]["oldest_waiting_seconds"] == 0


def test_too_little_free_disk_for_uploads_fails_the_check(client: Client) -> None:
    free = health.uploads_free_bytes()
    with override_settings(HEALTH_MIN_FREE_BYTES=free * 2 + 1):
        status, body = _get(client)
    assert status == 503
    assert body["status"] == "fail"
    assert body["checks"]["uploads_disk"]["status"] == "fail"
    assert body["checks"]["database"] == "ok"


def test_an_unreachable_database_fails_without_saying_why(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse() -> bool:
        raise DatabaseError("connection to server at 10.0.0.5 port 5432 failed: password for coachmap")

    monkeypatch.setattr(health, "oldest_waiting_seconds", refuse)
    monkeypatch.setattr(health, "database_ok", lambda: False)
    status, body = _get(client)
    assert status == 503
    assert body["checks"]["database"] == "fail"
    assert body["checks"]["task_queue"] == {"status": "fail", "oldest_waiting_seconds": None}
    assert "10.0.0.5" not in json.dumps(body)


def test_the_database_check_answers_false_when_the_query_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        def __enter__(self) -> Broken:
            raise DatabaseError("server closed the connection unexpectedly")

        def __exit__(self, *args: object) -> None:
            return None

    monkeypatch.setattr(health.connection, "cursor", Broken)
    assert health.database_ok() is False


def test_the_body_carries_no_secret_or_internal(client: Client) -> None:
    response = client.get("/healthz")
    text = response.content.decode()
    database = settings.DATABASES["default"]
    for secret in (
        settings.SECRET_KEY,
        str(database["NAME"]),
        str(settings.MEDIA_ROOT),
        str(settings.BASE_DIR),
    ):
        assert secret not in text
    for word in ("password", "host", "postgres", "sqlite", "Traceback", "version"):
        assert word.lower() not in text.lower()
    assert set(json.loads(text)) == {"status", "checks"}


def test_many_checks_in_a_row_are_never_throttled(client: Client) -> None:
    """A load balancer asks every few seconds: the sign-in lockout never applies here."""
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=1):
        statuses = {client.get("/healthz").status_code for _ in range(12)}
    assert statuses == {200}


def test_only_reading_is_allowed(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200


@override_settings(SECURE_SSL_REDIRECT=True)
def test_answered_over_plain_http_while_pages_redirect_to_https(client: Client) -> None:
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301
