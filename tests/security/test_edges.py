"""Issue 12, item 6: the hardened edges.

Sign-in throttling and lockout, a Content-Security-Policy on every kind of page, HTTPS and HSTS
in production settings with `check --deploy` clean, and the API schema and docs for signed-in
people only.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import authenticate
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import include, path

from coachmap.core.lockout import client_address
from tests.conftest import World
from tests.factories import PASSWORD

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "coachmap" / "templates"
LOGIN = "/accounts/login/"
WRONG = "not the password"

lockout_on = override_settings(AXES_ENABLED=True)


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a server error, on purpose")


# This module doubles as a URLconf (for the 500 page): the project's routes plus one that fails.
urlpatterns = [path("boom/", _boom), path("", include("coachmap.urls"))]


def _sign_in(client: Client, username: str, password: str, **extra: str) -> HttpResponse:
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- sign-in throttling and lockout ------------------------------------------------------------


@lockout_on
def test_five_wrong_passwords_pause_sign_in_with_a_page_saying_when_to_try_again(world: World) -> None:
    client = Client()
    for attempt in range(1, 5):
        response = _sign_in(client, "tina", WRONG)
        assert response.status_code == 200, f"attempt {attempt} should show the form again"
        assert "Sign in to coachmap" in response.content.decode()

    with time_machine.travel(datetime.datetime(2026, 10, 5, 14, 0, tzinfo=datetime.UTC), tick=False):
        response = _sign_in(client, "tina", WRONG)
    page = response.content.decode()
    assert response.status_code == 429
    assert "Sign-in paused for this account" in page
    assert "There were 5 unsuccessful sign-in attempts" in page
    assert "for 15 minutes" in page
    # 14:00 UTC + 15 minutes, in the district's time zone (America/New_York, EDT in October).
    assert "10:15 AM" in page
    assert "Reset it by email" in page or "reset link by email" in page
    assert response["Retry-After"] == "900"
    assert 'class="brand"' in page, "the page is in the project's own layout"
    assert not _signed_in(client)


@lockout_on
def test_the_right_password_is_refused_while_locked_and_works_after_the_pause(world: World) -> None:
    start = datetime.datetime(2026, 10, 5, 14, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        client = Client()
        for _ in range(5):
            _sign_in(client, "tina", WRONG)
        response = _sign_in(client, "tina", PASSWORD)
        assert response.status_code == 429
        assert not _signed_in(client)
        assert authenticate(RequestFactory().post(LOGIN), username="tina", password=PASSWORD) is None

    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        response = _sign_in(client, "tina", PASSWORD)
        assert response.status_code == 302
        assert _signed_in(client)


@lockout_on
def test_the_lock_holds_one_username_from_one_address(world: World) -> None:
    for _ in range(5):
        _sign_in(Client(), "tina", WRONG, REMOTE_ADDR="203.0.113.7")
    assert _sign_in(Client(), "tina", PASSWORD, REMOTE_ADDR="203.0.113.7").status_code == 429

    colleague = Client()
    assert _sign_in(colleague, "carla", PASSWORD, REMOTE_ADDR="203.0.113.7").status_code == 302
    assert _signed_in(colleague), "another person on the same school network is not locked out"
    elsewhere = Client()
    assert _sign_in(elsewhere, "tina", PASSWORD, REMOTE_ADDR="198.51.100.20").status_code == 302
    assert _signed_in(elsewhere), "a guesser elsewhere cannot lock the teacher out of her own account"


@lockout_on
def test_a_successful_sign_in_clears_the_count(world: World) -> None:
    client = Client()
    for _ in range(4):
        _sign_in(client, "tina", WRONG)
    assert _sign_in(client, "tina", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="tina").exists(), "the failures are forgotten"
    assert not AccessLog.objects.exists(), "no log of every successful sign-in is kept"
    client.post("/accounts/logout/")
    for _ in range(4):
        assert _sign_in(client, "tina", WRONG).status_code == 200
    assert _sign_in(client, "tina", PASSWORD).status_code == 302


@lockout_on
def test_the_admin_login_cannot_get_round_a_lock(world: World) -> None:
    for _ in range(5):
        _sign_in(Client(), "ada", WRONG)
    client = Client()
    response = client.post("/admin/login/", {"username": "ada", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not _signed_in(client)
    assert _sign_in(client, "ada", PASSWORD).status_code == 429


@lockout_on
@override_settings(BEHIND_PROXY=True)
def test_behind_a_proxy_a_forged_forwarded_address_does_not_dodge_the_lock(world: World) -> None:
    # The proxy appends the address it saw; the client can only prepend forged ones.
    for n in range(5):
        _sign_in(
            Client(), "tina", WRONG, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7"
        )
    response = _sign_in(
        Client(), "tina", PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7"
    )
    assert response.status_code == 429
    other_client = Client()
    _sign_in(other_client, "tina", PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert _signed_in(other_client), "the proxy's own address is not what is locked"


def test_the_client_address_is_the_connection_unless_behind_a_proxy() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7")
    assert client_address(request) == "10.0.0.2"
    with override_settings(BEHIND_PROXY=True):
        assert client_address(request) == "203.0.113.7"


def test_the_test_suites_own_sign_ins_are_not_counted(world: World) -> None:
    # pyproject's pytest env sets LOGIN_LOCKOUT=false; the tests above switch it back on.
    client = Client()
    for _ in range(6):
        client.login(username="tina", password=WRONG)
    assert client.login(username="tina", password=PASSWORD)


# --- Content-Security-Policy ---------------------------------------------------------------------


def _policy(response: HttpResponse) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.status_code} response"
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def _assert_strict(response: HttpResponse, what: str, *, images: tuple[str, ...] = ("'self'",)) -> None:
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"], what
    assert policy["script-src"] == ["'self'"], f"{what}: scripts only from our own files"
    assert policy["style-src"] == ["'self'"], f"{what}: no inline style"
    assert policy["frame-ancestors"] == ["'none'"], what
    assert policy["form-action"] == ["'self'"], what
    assert tuple(policy["img-src"]) == images, what
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header, what


@pytest.mark.urls(__name__)
def test_every_kind_of_page_carries_the_policy(world: World) -> None:
    anonymous = Client(raise_request_exception=False)
    teacher = world.client("teacher")
    admin = world.client("admin")
    pages = {
        "sign-in page": anonymous.get(LOGIN),
        "redirect": anonymous.get("/"),
        "home page": teacher.get("/"),
        "404 page": teacher.get("/no-such-page/"),
        "403 page": teacher.get("/district/settings/"),
        "500 page": anonymous.get("/boom/"),
        "admin page": admin.get("/admin/"),
        "API answer": teacher.get("/api/me"),
        "API refusal": anonymous.get("/api/me"),
        "API schema": teacher.get("/api/openapi.json"),
    }
    assert pages["404 page"].status_code == 404
    assert pages["403 page"].status_code == 403
    assert pages["500 page"].status_code == 500
    for what, response in pages.items():
        _assert_strict(response, what)


@lockout_on
def test_the_lockout_page_carries_the_policy(world: World) -> None:
    client = Client()
    for _ in range(5):
        response = _sign_in(client, "tina", WRONG)
    assert response.status_code == 429
    _assert_strict(response, "lockout page")


def test_the_api_docs_page_loosens_only_images(world: World) -> None:
    response = world.client("teacher").get("/api/docs")
    assert response.status_code == 200
    # Swagger UI's stylesheet draws its icons from data: URLs; its scripts are files of our own.
    _assert_strict(response, "API docs", images=("'self'", "data:"))
    assert not re.search(
        r"<script(?![^>]*\b(src|type=\"application/json\")=?)[^>]*>", response.content.decode()
    )


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


@pytest.mark.parametrize(
    ("what", "pattern"),
    [
        ("an inline <script>", INLINE_SCRIPT),
        ("an inline event handler (onclick= etc.)", EVENT_HANDLER),
        ("a javascript: URL", re.compile(r"javascript:", re.IGNORECASE)),
        ("a style= attribute", re.compile(r"\sstyle\s*=", re.IGNORECASE)),
        ("a <style> element", re.compile(r"<style[\s>]", re.IGNORECASE)),
        ("htmx's eval (hx-on, js: values)", re.compile(r"hx-on|hx-vars|[\"']js:", re.IGNORECASE)),
    ],
)
def test_templates_hold_nothing_the_policy_would_block(what: str, pattern: re.Pattern[str]) -> None:
    found = [
        f"{template.relative_to(TEMPLATES)}:{number}"
        for template in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(template.read_text().splitlines(), start=1)
        if pattern.search(line)
    ]
    assert not found, f"Move {what} into a static file: {found}"


# --- HTTPS, HSTS and check --deploy ---------------------------------------------------------------

# A clean environment, as a server would have: none of the test run's own switches (the browser
# tests' DJANGO_ALLOW_ASYNC_UNSAFE, the pytest env's SECURE_SSL_REDIRECT=false, ...).
KEPT = ("PATH", "HOME", "LANG", "DATABASE_URL", "COACHMAP_VAR_DIR", "TZ")


def _production_env(**changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in KEPT}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="coachmap.riverbend.example",
        DJANGO_SETTINGS_MODULE="coachmap.settings",
    )
    env.update(changes)
    return env


SHOW_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({name: getattr(settings, name, None) for name in (
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "AXES_ENABLED",
    "AXES_FAILURE_LIMIT",
)} | {"AXES_COOLOFF_MINUTES": settings.AXES_COOLOFF_TIME.total_seconds() / 60}))
"""


def _settings_under(env: dict[str, str]) -> dict[str, object]:
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", SHOW_SETTINGS], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_insist_on_https_and_lock_out_guessers() -> None:
    production = _settings_under(_production_env())
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] == 31_536_000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_HSTS_PRELOAD"] is False
    assert production["SECURE_PROXY_SSL_HEADER"] is None
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["AXES_ENABLED"] is True
    assert production["AXES_FAILURE_LIMIT"] == 5
    assert production["AXES_COOLOFF_MINUTES"] == 15

    tuned = _settings_under(
        _production_env(BEHIND_PROXY="true", LOGIN_LOCKOUT_ATTEMPTS="3", LOGIN_LOCKOUT_MINUTES="60")
    )
    assert tuned["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert tuned["AXES_FAILURE_LIMIT"] == 3
    assert tuned["AXES_COOLOFF_MINUTES"] == 60


def test_development_settings_stay_on_plain_http() -> None:
    development = _settings_under(_production_env(DEBUG="true"))
    assert development["SECURE_SSL_REDIRECT"] is False
    assert development["SECURE_HSTS_SECONDS"] == 0


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SECURE_SSL_REDIRECT", "ture", 'SECURE_SSL_REDIRECT must be "true" or "false"'),
        ("LOGIN_LOCKOUT", "no", 'LOGIN_LOCKOUT must be "true" or "false"'),
        ("LOGIN_LOCKOUT_ATTEMPTS", "0", "LOGIN_LOCKOUT_ATTEMPTS must be a whole number of at least 1"),
        ("SECURE_HSTS_SECONDS", "a year", "SECURE_HSTS_SECONDS must be a whole number of at least 0"),
    ],
)
def test_a_mistyped_security_setting_stops_start_up(name: str, value: str, message: str) -> None:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SHOW_SETTINGS],
        env=_production_env(**{name: value}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert ImproperlyConfigured.__name__ in result.stderr
    assert message in result.stderr


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coachmap", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = _check_deploy(_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_notices_a_production_site_without_https() -> None:
    # The same check, one setting weakened: proof the test above can fail.
    result = _check_deploy(_production_env(SECURE_SSL_REDIRECT="false"))
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_plain_http_is_sent_to_https_and_https_answers_carry_hsts(world: World) -> None:
    with override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31_536_000):
        client = Client()
        response = client.get(LOGIN)
        assert response.status_code == 301
        assert response["Location"] == f"https://testserver{LOGIN}"
        secure = client.get(LOGIN, secure=True)
        assert secure.status_code == 200
        assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    with override_settings(
        SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")
    ):
        proxied = Client().get(LOGIN, HTTP_X_FORWARDED_PROTO="https")
        assert proxied.status_code == 200, "behind the proxy, HTTPS it terminated is not redirected again"


# --- API docs and schema ----------------------------------------------------------------------------


def test_anonymous_callers_get_neither_the_schema_nor_the_docs(world: World) -> None:
    anonymous = Client()
    schema = anonymous.get("/api/openapi.json")
    assert schema.status_code == 401
    assert schema.json() == {"detail": "Sign in to read the API schema."}
    assert "/api/cycles" not in schema.content.decode()
    docs = anonymous.get("/api/docs")
    assert docs.status_code == 302
    assert docs["Location"] == f"{LOGIN}?next=/api/docs"


@pytest.mark.parametrize("role", ["teacher", "coach", "admin"])
def test_signed_in_people_read_the_schema_and_docs(world: World, role: str) -> None:
    client = world.client(role)
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/cycles" in schema.json()["paths"]  # the old address answers with the versioned schema
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert "swagger-ui" in docs.content.decode()
