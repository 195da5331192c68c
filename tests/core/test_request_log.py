"""The request log (REQUEST_LOG=true): one JSON line per request, nothing that names a person."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import World

pytestmark = pytest.mark.django_db


def _lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "coachmap.requests"]


@override_settings(REQUEST_LOG=True)
def test_one_json_line_per_request_with_the_fields(world: World, caplog: pytest.LogCaptureFixture) -> None:
    client = Client()
    client.force_login(world.coach.user)
    with caplog.at_level(logging.INFO, logger="coachmap.requests"):
        client.get("/?q=Jordan+Smith&email=jordan.smith@district.example")
        client.get("/healthz?probe=1")
    first, second = _lines(caplog)
    assert set(first) == {"method", "path", "status", "duration_ms", "user_id"}
    assert first["method"] == "GET"
    assert first["path"] == "/"
    assert first["status"] == 200
    assert isinstance(first["duration_ms"], float) and first["duration_ms"] >= 0
    assert first["user_id"] == world.coach.user.pk
    assert second["path"] == "/healthz"
    raw = " ".join(r.getMessage() for r in caplog.records)
    user = world.coach.user
    for private in ("Jordan", "q=", "?", "@", user.email, user.username, user.first_name, user.last_name):
        if private:
            assert private not in raw


@override_settings(REQUEST_LOG=True)
def test_an_anonymous_request_logs_no_user_and_keeps_its_status(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="coachmap.requests"):
        Client().get(reverse("home"))
        Client().get("/no-such-page/")
    home, missing = _lines(caplog)
    assert home == home | {"status": 302, "user_id": None, "path": "/"}
    assert missing["status"] == 404


@override_settings(REQUEST_LOG=True)
def test_a_password_link_logs_its_pattern_not_its_token(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="coachmap.requests"):
        Client().get("/accounts/password/reset/MQ/abc123-secrettoken/")
    (entry,) = _lines(caplog)
    assert "secrettoken" not in json.dumps(entry)
    assert entry["path"] == "/accounts/password/reset/<uidb64>/<token>/"


@override_settings(REQUEST_LOG=False)
def test_off_means_no_lines(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="coachmap.requests"):
        Client().get("/healthz")
    assert _lines(caplog) == []
