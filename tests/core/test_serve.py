"""`coachmap serve` (what `make serve` runs) really serves: gunicorn answers /healthz and WhiteNoise
a static file, the task worker runs beside it, and a stop stops both."""

from __future__ import annotations

import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from coachmap.core.management.commands.serve import default_workers, static_collect

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - the loopback
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(child) for child in text]
    return found


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_the_makefile_runs_coachmap_serve() -> None:
    makefile = (REPO / "Makefile").read_text()
    assert "HOST=$(HOST) PORT=$(PORT) $(BIN)/coachmap serve" in makefile


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads child processes from /proc")
def test_serve_runs_gunicorn_with_static_files_and_the_worker_and_stops_both(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "serve-test-secret-key",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "COACHMAP_VAR_DIR": str(tmp_path),
        "SECURE_SSL_REDIRECT": "false",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        # The tests' own setting (pytest-env) runs tasks inline; a served coachmap has its worker.
        "TASKS_BACKEND": "database",
    }
    env.pop("REQUEST_LOG", None)
    subprocess.run(
        [sys.executable, "-m", "coachmap", "migrate", "--noinput", "-v", "0"],
        env=env,
        check=True,
        timeout=120,
    )
    log = (tmp_path / "serve.log").open("w+")
    serve = subprocess.Popen(
        [sys.executable, "-m", "coachmap", "serve"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        # collectstatic compresses every file (gzip and brotli) on a fresh STATIC_ROOT: about 10 s on an
        # idle machine, several times that on a busy one; gunicorn answers a few seconds later.
        deadline = time.monotonic() + 120
        status, body = 0, b""
        while time.monotonic() < deadline and serve.poll() is None:
            try:
                status, _, body = _get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                time.sleep(0.3)
        assert serve.poll() is None, (tmp_path / "serve.log").read_text()
        assert status == 200, body
        assert json.loads(body)["status"] == "ok"

        status, headers, css = _get(f"http://127.0.0.1:{port}/static/coachmap/app.css")
        assert status == 200
        assert css == (REPO / "src/coachmap/static/coachmap/app.css").read_bytes()
        assert (tmp_path / "static" / "coachmap" / "app.css").exists()  # collected before serving
        assert "max-age" in headers.get("Cache-Control", "")  # WhiteNoise's header, not Django's view

        children = {pid: _command_line(pid) for pid in _children(serve.pid)}
        workers = [pid for pid, line in children.items() if "db_worker" in line]
        servers = [pid for pid, line in children.items() if "gunicorn" in line]
        assert len(workers) == 1 and len(servers) == 1, (children, (tmp_path / "serve.log").read_text())
        assert _alive(workers[0]) and _alive(servers[0])
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=40)
    log.seek(0)
    output = log.read()
    # Stopped: the command, its task worker and gunicorn (with its own workers) are all gone.
    assert not _alive(workers[0]) and not _alive(servers[0]), output
    # The request log was on: one JSON line for the health check, without its query string.
    lines = [json.loads(line) for line in output.splitlines() if line.startswith('{"method"')]
    assert {"method": "GET", "path": "/healthz", "status": 200} in [
        {k: entry[k] for k in ("method", "path", "status")} for entry in lines
    ]


def test_serve_refuses_without_a_secret_key_and_says_so(tmp_path: Path) -> None:
    env = {**os.environ, "DEBUG": "false", "COACHMAP_VAR_DIR": str(tmp_path)}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-m", "coachmap", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert result.stderr.strip().startswith("coachmap cannot start: SECRET_KEY is not set.")
    assert "Traceback" not in result.stderr


def test_workers_come_from_the_cores_unless_web_concurrency_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    assert default_workers() == 9
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert default_workers() == 3


def test_serve_refuses_tasks_run_inside_requests(tmp_path: Path) -> None:
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": "x", "COACHMAP_VAR_DIR": str(tmp_path)}
    env["TASKS_BACKEND"] = "immediate"
    result = subprocess.run(
        [sys.executable, "-m", "coachmap", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert 'TASKS_BACKEND is not "database"' in result.stderr
    assert not (tmp_path / "static").exists()  # refused before anything was done


def test_a_restart_does_not_compress_the_static_files_again_unless_they_changed(
    tmp_path: Path, settings: Any
) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (source / "site.css").write_text("body { color: #222; }\n" * 50)
    settings.STATICFILES_DIRS = [source]
    settings.STATIC_ROOT = tmp_path / "static"

    assert static_collect(), "a first start collects and compresses"
    collected = tmp_path / "static" / "site.css.gz"
    first = collected.stat().st_mtime_ns
    assert not static_collect(), "a restart with the same sources does nothing"
    assert collected.stat().st_mtime_ns == first

    (source / "site.css").write_text("body { color: #111; }\n" * 50)
    assert static_collect(), "a changed source is collected again"
    assert gzip.decompress(collected.read_bytes()).startswith(b"body { color: #111; }")
