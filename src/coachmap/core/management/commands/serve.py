"""`coachmap serve` (what `make serve` runs): coachmap in production on one machine.

Collects the static files (WhiteNoise serves them from STATIC_ROOT), then runs two processes side
by side and stays in front of them: gunicorn, the production WSGI server, and the task worker
(`coachmap db_worker`). A stop (Ctrl-C, SIGTERM from systemd or a container runtime) is passed to
both and waited for; if either one ends on its own, the other is stopped too, so nothing is left
running half the service. The request log is on unless REQUEST_LOG says otherwise (docs/deploy.md).

HOST, PORT           where gunicorn listens (default 127.0.0.1:8000)
WEB_CONCURRENCY      gunicorn worker processes (default 2 × CPU cores + 1)
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

STOP_WAIT_SECONDS = 30


def default_workers() -> int:
    raw = os.environ.get("WEB_CONCURRENCY", "").strip()
    if raw:
        if not raw.isdigit() or int(raw) < 1:
            raise CommandError(f"WEB_CONCURRENCY must be a whole number of at least 1, not {raw!r}.")
        return int(raw)
    return 2 * (os.cpu_count() or 1) + 1


def gunicorn_command(host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "coachmap.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        # coachmap's own request log (REQUEST_LOG) replaces gunicorn's access log: no query strings.
        "--error-logfile",
        "-",
        "--timeout",
        "60",
        "--graceful-timeout",
        str(STOP_WAIT_SECONDS - 5),
    ]


def worker_command() -> list[str]:
    return [sys.executable, "-m", "coachmap", "db_worker", "--interval", "1"]


STAMP = ".coachmap-static"


def static_fingerprint() -> str:
    """Every static source file's path, size and time, hashed: unchanged means the collected and
    compressed copies are still right."""
    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in finder.list([]):
            info = os.stat(storage.path(path))
            digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def static_collect() -> bool:
    """Collect (and compress) the static files unless the last start already did for the same
    sources; True when it ran. Compressing every file takes half a minute on a small machine,
    which a restart or a second server on the same folder need not pay again."""
    root = Path(settings.STATIC_ROOT)
    stamp = root / STAMP
    fingerprint = static_fingerprint()
    if stamp.exists() and stamp.read_text() == fingerprint:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint)
    return True


class Command(BaseCommand):
    help = "Run coachmap in production: static files collected, gunicorn and the task worker side by side."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=None, help="default: WEB_CONCURRENCY or 2 × cores + 1"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workers = options["workers"] or default_workers()
        if not settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db."):
            raise CommandError(
                'TASKS_BACKEND is not "database": background work would run inside web requests and '
                "the task worker would have nothing to do. Unset TASKS_BACKEND to serve in production."
            )
        call_command("check", deploy=False)
        static_collect()
        connections.close_all()  # the children open their own
        env = os.environ.copy()
        env.setdefault("REQUEST_LOG", "true")
        env.setdefault("DJANGO_SETTINGS_MODULE", "coachmap.settings")
        self.stdout.write(
            f"Serving http://{options['host']}:{options['port']}/ with {workers} gunicorn workers "
            "and the task worker (Ctrl-C to stop)."
        )
        self.stdout.flush()
        children = [
            subprocess.Popen(worker_command(), env=env),  # noqa: S603 - our own interpreter, fixed arguments
            subprocess.Popen(gunicorn_command(options["host"], options["port"], workers), env=env),  # noqa: S603
        ]
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, stop)
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.2)
        finally:
            code = self._stop(children)
        if not stopping and code:
            raise CommandError(
                f"A process of coachmap serve stopped with exit status {code}; both are stopped."
            )

    def _stop(self, children: list[subprocess.Popen[bytes]]) -> int:
        first_code = next((child.returncode for child in children if child.returncode), 0)
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        return first_code
