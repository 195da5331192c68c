"""Two web servers and two task workers on one PostgreSQL behave as one (docs/deploy.md, "More
than one server").

Two `coachmap serve` processes (each a gunicorn and a task worker, as a district runs them on two
machines behind a load balancer) share one new PostgreSQL database and one var folder (the shared
uploads volume). The test proves, over real HTTP on the loopback:

- a session signed in on one server is good on the other;
- an upload taken by one server is read by whichever worker runs it, and its result is seen on
  both;
- two imports into the same district sent at the same moment to the two servers: one is queued,
  the other refused in words;
- forty queued emails are each sent exactly once though two workers poll the same queue.

It needs PostgreSQL (the production database); the suite's PostgreSQL pass runs it, and the SQLite
pass leaves it out (the `postgres_only` mark, tests/conftest.py).
"""

from __future__ import annotations

import email
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
SERVER = os.environ.get("MULTIPROCESS_PG", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "two servers, one district"
EMAILS = 40

pytestmark = pytest.mark.postgres_only

SEED = """
import django
django.setup()
from coachmap.core.models import Role
from tests.factories import DistrictFactory, SchoolFactory, StudentFactory, UserFactory, member
district = DistrictFactory(name="Lakeside", import_hold_percent=100)
school = SchoolFactory(district=district, name="Heron Elementary")
StudentFactory(school=school, source_id="S-1")
admin = member(UserFactory(username="ada", email="ada@lakeside.example"), Role.DISTRICT_ADMIN, district=district)
admin.set_password({password!r})
admin.save()
"""

NOTIFY = """
import django
django.setup()
from django.db import transaction
from coachmap.notifications.models import Topic
from coachmap.notifications.services import notification_send
from tests.factories import UserFactory
with transaction.atomic():
    for n in range({count}):
        person = UserFactory(username=f"reader{{n}}", email=f"reader{{n}}@lakeside.example")
        notification_send(user=person, text=f"An offer for you, number {{n}}.", topic=Topic.OFFERS)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def database() -> Iterator[str]:
    name = f"cm_multi_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{SERVER}/{name}"
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _environment(url: str, var: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "COACHMAP_VAR_DIR": str(var),
        "DEBUG": "false",
        "SECRET_KEY": "one-secret-for-every-server-of-the-district",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "TASKS_BACKEND": "database",
        "WEB_CONCURRENCY": "2",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(var / "mail"),
        "PYTHONPATH": str(REPO),
    }
    env.pop("REQUEST_LOG", None)
    return env


def _python(code: str, env: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "coachmap.settings"},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def _wait_healthy(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise AssertionError(f"the server on {port} never became healthy:\n{log.read_text()}")


@pytest.fixture
def district_servers(database: str, tmp_path: Path) -> Iterator[tuple[list[str], dict[str, str]]]:
    """Two `coachmap serve` (gunicorn + task worker each) on one database and one var folder."""
    env = _environment(database, tmp_path)
    subprocess.run(
        [sys.executable, "-m", "coachmap", "migrate", "--noinput", "-v", "0"],
        env=env,
        check=True,
        timeout=300,
    )
    _python(SEED.format(password=PASSWORD), env)
    processes: list[subprocess.Popen[bytes]] = []
    addresses = []
    try:
        for n in range(2):
            port = _free_port()
            log = tmp_path / f"serve-{n}.log"
            processes.append(
                subprocess.Popen(  # noqa: S603
                    [sys.executable, "-m", "coachmap", "serve", "--port", str(port)],
                    env=env,
                    stdout=log.open("w"),
                    stderr=subprocess.STDOUT,
                )
            )
            # The first start collects the static files into the shared folder; the second finds
            # them collected (serve's stamp) and starts at once.
            _wait_healthy(port, processes[-1], log)
            addresses.append(f"http://127.0.0.1:{port}")
        yield addresses, env
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=45)
            except subprocess.TimeoutExpired:
                process.kill()


def _csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=20)
    assert page.status_code == 200, page.text[:500]
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def _sign_in(address: str) -> requests.Session:
    session = requests.Session()
    token = _csrf(session, f"{address}/accounts/login/")
    answer = session.post(
        f"{address}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "login": "ada", "username": "ada", "password": PASSWORD},
        headers={"Referer": f"{address}/accounts/login/"},
        timeout=20,
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:2000]
    return session


def _query(url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()  # type: ignore[arg-type]


def _wait_for(what: str, check: Any, seconds: float = 90, state: Any = None) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"waited {seconds:.0f} s for {what}; {state() if state else ''}")


@contextmanager
def _task_workers_paused(url: str) -> Iterator[None]:
    """The two servers' task workers on this database, stopped while the block runs.

    Two uploads sent together must meet the district's lock, not a worker that has already
    finished the first one. A one-row import takes a worker well under a second, and a server's
    first upload can take longer than that to arrive, so without the pause the second could be
    queued after the first had finished (seen once in a CI run)."""
    workers = []
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
            environment = (proc / "environ").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        if b"db_worker" in command and f"DATABASE_URL={url}".encode() in environment:
            workers.append(int(proc.name))
    assert len(workers) == 2, f"expected the two servers' task workers, found {workers}"
    for pid in workers:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in workers:
            os.kill(pid, signal.SIGCONT)


def test_two_web_servers_and_two_workers_on_one_database_behave_as_one(
    district_servers: tuple[list[str], dict[str, str]],
) -> None:
    (first, second), env = district_servers
    url = env["DATABASE_URL"]

    # A session made by one server is good on the other.
    session = _sign_in(first)
    imports_page = session.get(f"{second}/data/imports/", timeout=20)
    assert imports_page.status_code == 200
    assert "Heron Elementary" in imports_page.text or "Lakeside" in imports_page.text

    # Two imports into the same district at the same moment, one to each server: one is queued,
    # the other refused in words. Each needs its own form token, read from its own server.
    tokens = {address: _csrf(session, f"{address}/data/imports/") for address in (first, second)}
    answers: dict[str, requests.Response] = {}
    start = threading.Barrier(2)

    def upload(address: str) -> None:
        start.wait()
        answers[address] = session.post(
            f"{address}/data/imports/",
            data={"csrfmiddlewaretoken": tokens[address], "kind": "flags", "action": "import"},
            files={"upload": ("flags.csv", b"student_id,english_learner\nS-1,true\n", "text/csv")},
            headers={"Referer": f"{address}/data/imports/"},
            timeout=60,
            allow_redirects=False,
        )

    threads = [threading.Thread(target=upload, args=(address,)) for address in (first, second)]
    with _task_workers_paused(url):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        queued = [a for a, r in answers.items() if r.status_code == 302]
        refused = [a for a, r in answers.items() if r.status_code == 200]
        assert len(queued) == 1 and len(refused) == 1, {
            a: (r.status_code, r.text[:300]) for a, r in answers.items()
        }
        assert "already under way (flags.csv" in answers[refused[0]].text
        assert _query(url, "SELECT count(*) FROM roster_importrun")[0][0] == 1

    # The upload the first server kept is read by whichever worker takes it; both servers show the result.
    _wait_for(
        "the import to finish", lambda: _query(url, "SELECT status FROM roster_importrun")[0][0] == "done"
    )
    assert _query(url, "SELECT english_learner FROM roster_student WHERE source_id = 'S-1'") == [(True,)]
    run_page = answers[queued[0]].headers["Location"]
    for address in (first, second):
        shown = session.get(f"{address}{run_page}", timeout=20)
        assert shown.status_code == 200 and "Imported." in shown.text

    # Forty emails queued at once, two workers polling: each runs once and each person gets one email.
    # (One more email task went earlier: the import's "finished" notice to Ada.)
    _python(NOTIFY.format(count=EMAILS), env)
    path = "coachmap.notifications.tasks.notification_email"

    def finished() -> list[tuple[Any, ...]]:
        rows = _query(
            url,
            f"SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE task_path = '{path}'",  # noqa: S608
        )
        return (
            rows
            if len(rows) == EMAILS + 1 and all(status in ("SUCCESSFUL", "FAILED") for status, _ in rows)
            else []
        )

    rows = _wait_for(
        "the emails to be sent",
        finished,
        seconds=180,
        state=lambda: _query(
            url, "SELECT task_path, status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY 1, 2"
        ),
    )
    assert {status for status, _ in rows} == {"SUCCESSFUL"}
    assert all(
        len(workers if isinstance(workers, list) else json.loads(workers)) == 1 for _, workers in rows
    ), rows
    mail = Path(env["EMAIL_FILE_PATH"])
    recipients = []
    for file in mail.iterdir():
        for message in file.read_text().split("-" * 79):
            if message.strip():
                recipients.append(email.message_from_string(message.strip())["To"])
    readers = sorted(r for r in recipients if r.startswith("reader"))
    assert readers == sorted(f"reader{n}@lakeside.example" for n in range(EMAILS)), "each person once"
