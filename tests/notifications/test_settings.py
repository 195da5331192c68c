"""Email settings come from the environment and are parsed strictly: SMTP once EMAIL_HOST is set,
the console otherwise (the demo); a mistyped value stops start-up with a message naming it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.security.test_edges import _production_env

SHOW = """
import json
from django.conf import settings
print(json.dumps({name: getattr(settings, name) for name in (
    "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS",
    "EMAIL_TIMEOUT", "DEFAULT_FROM_EMAIL", "SITE_URL", "NOTIFICATION_DIGEST_HOUR", "NOTIFICATION_WAITING_DAYS",
)}))
"""


def _run(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", SHOW], env=_production_env(**env), capture_output=True, text=True, check=False
    )


def test_smtp_settings_come_from_the_environment() -> None:
    result = _run(
        EMAIL_HOST="smtp.riverbend.example",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="coachmap",
        EMAIL_HOST_PASSWORD="app-password",
        EMAIL_USE_TLS="true",
        DEFAULT_FROM_EMAIL="coachmap@riverbend.example",
        SITE_URL="https://coachmap.riverbend.example",
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.riverbend.example",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "coachmap",
        "EMAIL_HOST_PASSWORD": "app-password",
        "EMAIL_USE_TLS": True,
        "EMAIL_TIMEOUT": 10,
        "DEFAULT_FROM_EMAIL": "coachmap@riverbend.example",
        "SITE_URL": "https://coachmap.riverbend.example",
        "NOTIFICATION_DIGEST_HOUR": 7,
        "NOTIFICATION_WAITING_DAYS": 7,
    }


def test_without_a_mail_server_mail_is_printed_on_the_console() -> None:
    result = _run(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("EMAIL_USE_TLS", "ture", 'EMAIL_USE_TLS must be "true" or "false"'),
        ("EMAIL_USE_SSL", "yes", 'EMAIL_USE_SSL must be "true" or "false"'),
        ("EMAIL_PORT", "twenty-five", "EMAIL_PORT must be a whole number of at least 1"),
        ("NOTIFICATION_DIGEST_HOUR", "25", "NOTIFICATION_DIGEST_HOUR must be an hour from 0 to 23"),
        ("NOTIFICATION_WAITING_DAYS", "0", "NOTIFICATION_WAITING_DAYS must be a whole number of at least 1"),
    ],
)
def test_a_mistyped_email_setting_stops_start_up(name: str, value: str, message: str) -> None:
    result = _run(**{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_tls_and_ssl_together_stop_start_up() -> None:
    result = _run(EMAIL_USE_TLS="true", EMAIL_USE_SSL="true")
    assert result.returncode != 0
    assert "EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true" in result.stderr
