"""Benchmark: the large district served in production (`coachmap serve`: gunicorn and the task
worker) on PostgreSQL, with many people at once, driven by Locust.

What it does, in one process after another:

1. The large-district profile in its own PostgreSQL database (`coachmap_bench_load`: the run
   writes sessions, pulse answers and matching rounds, so it keeps off the database the other
   benchmarks read); generated once, reused afterwards.
2. People chosen from that district (bench/loadkit/accounts.py): teachers, coaches, principals,
   the program lead, each with a signed-in session; API clients with a personal read token.
3. `coachmap serve` on 127.0.0.1 at a free port, exactly as in production (gunicorn with
   WEB_CONCURRENCY or 2 × cores + 1 workers, the task worker, the request log on), with
   DJANGO_SETTINGS_MODULE=bench.loadkit.settings: the product's settings with one route more,
   the trivial baseline view (bench/loadkit/urls.py), so the product's URLs never carry it.
   Plain HTTP on the loopback, so HTTPS redirects and secure-only cookies are off.
4. Locust, headless, one process (it shares the machine's cores with the server; its own CPU is
   part of what the figures show), for each number of users (50 and 200): first the trivial
   view, then the district's mix (bench/loadkit/locustfile.py). Each phase spawns its users,
   resets the statistics, and measures LOAD_SECONDS (default 60) of steady load. Every user
   waits LOAD_WAIT seconds (default 1 to 5) between pages, in both phases: the same people at the
   same pace, so "throughput" compares how much of the same demand each serves.

Figures per page label: p50/p95/p99 (Locust's, milliseconds), requests, errors; throughput
(requests/s) and errors per phase; the server's own time per label from the request log (the
rest of a client's wait is a queue for a free worker); the load average. Goals: every page's p95
under 300 ms at 50 users (the matching round, an action of seconds taken a few times a term, is
reported but not held to it), no error at 200 users, and at each number of users the mix's
throughput at least half the trivial view's. For a page that misses, `where_time_goes` holds an
in-process profile of it: queries (count, database time, repeated shapes) and cProfile's top
entries.

Environment: LOAD_USERS (default "50,200"), LOAD_SECONDS (60), LOAD_WAIT ("1,5"),
LOAD_PORT (a free one). PostgreSQL only.
"""

from __future__ import annotations

import contextlib
import cProfile
import csv
import json
import os
import pstats
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.harness import BENCH_DIR, WORK, Context, Record, ensure_profile_database
from bench.loadkit import labels

DATABASES = ("postgresql",)
DATABASE_SUFFIX = "_load"
ROOT = BENCH_DIR.parent
LOCUSTFILE = BENCH_DIR / "loadkit" / "locustfile.py"
PAGE_P95_MS = 300
THROUGHPUT_SHARE = 0.5
MIX = ["Teacher", "Coach", "Principal", "Lead", "ApiClient"]
TRIVIAL_CLASS = "Trivial"


def settings_from_env() -> dict[str, Any]:
    users = [int(u) for u in os.environ.get("LOAD_USERS", "50,200").split(",") if u]
    return {
        "users": users,
        "seconds": int(os.environ.get("LOAD_SECONDS", "60")),
        "wait": os.environ.get("LOAD_WAIT", "1,5"),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the server ---------------------------------------------------------------------------------


def server_environment(database_url: str, var_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.loadkit.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "COACHMAP_VAR_DIR": str(var_dir),
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only"),
        "DEBUG": "false",
        # Plain HTTP on the loopback: no HTTPS redirect, cookies not limited to HTTPS.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "REQUEST_LOG": "true",
        # Mail of the run (notifications) goes to a folder, not the log.
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(var_dir / "mail"),
    }
    env.pop("TASKS_BACKEND", None)  # production: the database queue and its worker
    return env


class Server:
    """`coachmap serve` in a child process, its output in a log file; stopped like systemd does."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.base = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 240) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        handle = self.log.open("wb")
        command = [sys.executable, "-m", "coachmap", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and command
            command, env=self.env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"coachmap serve stopped at start; see {self.log}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.base}/healthz", timeout=5) as response,  # noqa: S310 - loopback
            ):
                if response.status == 200:
                    return
            time.sleep(1)
        self.stop()
        raise RuntimeError(f"coachmap serve did not answer /healthz in {timeout:.0f} s; see {self.log}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_size(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def request_lines(self, start: int, end: int) -> list[dict[str, Any]]:
        with self.log.open("rb") as handle:
            handle.seek(start)
            chunk = handle.read(end - start).decode("utf-8", "replace")
        lines = []
        for line in chunk.splitlines():
            if line.startswith('{"method"'):
                with contextlib.suppress(ValueError):
                    lines.append(json.loads(line))
        return lines


def server_time_by_label(lines: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """The server's own duration per label (the request log), p50/p95 in ms."""
    durations: dict[str, list[float]] = {}
    for line in lines:
        for method, pattern, label in labels.BY_PATH:
            if line["method"] == method and pattern.match(line["path"]):
                durations.setdefault(label, []).append(float(line["duration_ms"]))
                break
    return {label: percentiles(values) for label, values in sorted(durations.items())}


def percentiles(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        only = values[0] if values else 0.0
        return {"n": len(values), "p50_ms": only, "p95_ms": only}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"n": len(values), "p50_ms": round(cuts[49], 1), "p95_ms": round(cuts[94], 1)}


# --- Locust -------------------------------------------------------------------------------------


def locust_phase(
    *, base: str, accounts: Path, users: int, seconds: int, wait: str, classes: list[str], prefix: Path
) -> dict[str, Any]:
    """One headless Locust run; returns its statistics after the users have all started."""
    spawn_rate = max(2, users // 10)  # every user running within about ten seconds
    ramp = users / spawn_rate
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        base,
        "--users",
        str(users),
        "--spawn-rate",
        str(spawn_rate),
        "--run-time",
        f"{round(ramp + seconds + 1)}s",
        "--reset-stats",
        "--stop-timeout",
        "10",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        *classes,
    ]
    env = {
        **os.environ,
        "LOAD_ACCOUNTS": str(accounts),
        "LOAD_WAIT": wait,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        command, env=env, cwd=prefix.parent, capture_output=True, text=True, check=False
    )
    if result.returncode not in (0, 1):  # 1: the run had failures, which the figures report
        raise RuntimeError(f"Locust stopped with {result.returncode}:\n{result.stderr[-3000:]}")
    figures = read_stats(prefix)
    figures["users"] = users
    figures["spawn_rate"] = spawn_rate
    figures["measured_seconds"] = seconds
    figures["wall_seconds"] = round(time.monotonic() - started, 1)
    figures["load_average_1m"] = {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)}
    return figures


def read_stats(prefix: Path) -> dict[str, Any]:
    pages: dict[str, Any] = {}
    total: dict[str, Any] = {}
    with Path(f"{prefix}_stats.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            count = int(row["Request Count"])
            entry = {
                "requests": count,
                "errors": int(row["Failure Count"]),
                "p50_ms": _ms(row["50%"]),
                "p95_ms": _ms(row["95%"]),
                "p99_ms": _ms(row["99%"]),
                "mean_ms": round(float(row["Average Response Time"]), 1),
                "max_ms": round(float(row["Max Response Time"]), 1),
                "requests_per_second": round(float(row["Requests/s"]), 2),
            }
            if row["Name"] == "Aggregated":
                total = entry
            elif count:
                pages[row["Name"]] = entry
    errors: list[dict[str, Any]] = []
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        with failures.open(newline="") as handle:
            errors = [
                {"label": r["Name"], "error": r["Error"][:300], "occurrences": int(r["Occurrences"])}
                for r in csv.DictReader(handle)
            ]
    # An exception in a Locust task (a page that did not hold what a person needs) is an error too.
    exceptions = Path(f"{prefix}_exceptions.csv")
    crashed = 0
    if exceptions.exists():
        with exceptions.open(newline="") as handle:
            for r in csv.DictReader(handle):
                crashed += int(r["Count"])
                errors.append(
                    {"label": "exception", "error": r["Message"][:300], "occurrences": int(r["Count"])}
                )
    return {
        "throughput_rps": total.get("requests_per_second", 0.0),
        "requests": total.get("requests", 0),
        "errors": total.get("errors", 0) + crashed,
        "overall": total,
        "pages": pages,
        "error_kinds": errors[:20],
    }


def _ms(value: str) -> float | None:
    return None if value in ("", "N/A") else round(float(value), 1)


# --- where the time goes -----------------------------------------------------------------------

SQL_NUMBERS = re.compile(r"\b\d+\b|'[^']*'")


def profile_page(
    user_id: int,
    method: str,
    path: str,
    data: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One page served in this process as `user_id`: wall time, queries and cProfile's top entries.
    A form is sent inside a transaction that is rolled back, so the profile leaves no trace."""
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from coachmap.core.models import User

    client = Client(HTTP_HOST="127.0.0.1", **(headers or {}))
    client.force_login(User.objects.get(pk=user_id))

    def once() -> int:
        with transaction.atomic():
            if method == "GET":
                response = client.get(path, secure=True)
            else:
                response = client.post(path, data or {}, secure=True)
            transaction.set_rollback(True)
        return int(response.status_code)

    status = once()  # warm: templates compiled, caches filled, as in a worker that has served before
    walls, queries = [], None
    for _ in range(3):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            once()
            walls.append((time.perf_counter() - started) * 1000)
        queries = captured.captured_queries
    assert queries is not None
    shapes: dict[str, int] = {}
    for q in queries:
        shape = SQL_NUMBERS.sub("?", q["sql"])[:160]
        shapes[shape] = shapes.get(shape, 0) + 1
    slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:5]
    profiler = cProfile.Profile()
    profiler.enable()
    once()
    profiler.disable()
    return {
        "path": path,
        "method": method,
        "status": status,
        "in_process_ms": round(min(walls), 1),
        "queries": len(queries),
        "database_ms": round(sum(float(q["time"]) for q in queries) * 1000, 1),
        "repeated_query_shapes": {s: n for s, n in sorted(shapes.items(), key=lambda kv: -kv[1]) if n > 1},
        "slowest_queries": [
            {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:300]} for q in slowest
        ],
        "cprofile_top": top_entries(profiler),
    }


def top_entries(profiler: cProfile.Profile, limit: int = 15) -> list[str]:
    """The heaviest functions by cumulative time: coachmap's own, then everything."""
    stats = pstats.Stats(profiler)
    rows = []
    for (filename, line, name), (_cc, calls, _tt, cumulative, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((cumulative, calls, f"{Path(filename).name}:{line}({name})", "/coachmap/" in filename))
    rows.sort(reverse=True)
    own = [r for r in rows if r[3]][:limit]
    return [f"{cum * 1000:.1f} ms cumulative, {calls} calls: {where}" for cum, calls, where, _own in own]


def probes(
    accounts: dict[str, Any],
) -> dict[str, tuple[int, str, str, dict[str, Any] | None, dict[str, str]]]:
    """For each page label: who opens it, how, and where (the first person of each role)."""
    who = accounts["probe_users"]
    found: dict[str, tuple[int, str, str, dict[str, Any] | None, dict[str, str]]] = {}
    if who["teacher"]:
        found[labels.TEACHER_HOME] = (who["teacher"], "GET", "/", None, {})
    if who["coach"]:
        cycle = accounts["coaches"][0]["cycles"][0]
        found[labels.COACH_CASELOAD] = (who["coach"], "GET", "/caseload/", None, {})
        found[labels.COACH_SESSION_FORM] = (who["coach"], "GET", f"/cycles/{cycle}/sessions/new/", None, {})
        from django.utils import timezone

        session = {"date": timezone.localdate().isoformat(), "minutes": 30, "session_type": "co_plan"}
        found[labels.COACH_SESSION_LOG] = (
            who["coach"],
            "POST",
            f"/cycles/{cycle}/sessions/new/",
            session,
            {},
        )
    if who["principal"]:
        school = accounts["principals"][0]["school"]
        found[labels.PRINCIPAL_NEEDS] = (who["principal"], "GET", f"/schools/{school}/needs/", None, {})
    if who["lead"]:
        found[labels.LEAD_REQUESTS] = (who["lead"], "GET", "/requests/", None, {})
        found[labels.LEAD_ROUNDS] = (who["lead"], "GET", "/matching/", None, {})
        token = {"HTTP_AUTHORIZATION": f"Bearer {accounts['api'][-1]['token']}"}
        found[labels.API_CYCLES] = (who["lead"], "GET", "/api/v1/cycles", None, token)
    return found


# --- the run ------------------------------------------------------------------------------------


def run(ctx: Context) -> Record:
    if ctx.database != "postgresql":
        raise SystemExit("The load benchmark runs on PostgreSQL only (the production database).")
    from django.db import connections

    from bench.loadkit import accounts as accounts_module

    config = settings_from_env()
    generated = ensure_profile_database()
    accounts = accounts_module.build()
    accounts_path = WORK / "load-accounts.json"
    accounts_path.write_text(json.dumps(accounts))
    connections.close_all()

    port = int(os.environ.get("LOAD_PORT") or free_port())
    server = Server(
        server_environment(os.environ["DATABASE_URL"], WORK / "load-var"), port, WORK / "load-server.log"
    )
    phases: dict[str, dict[str, Any]] = {}
    started = time.monotonic()
    server.start()
    try:
        for users in config["users"]:
            for kind, classes in (("trivial", [TRIVIAL_CLASS]), ("district", MIX)):
                print(f"   {kind} view(s), {users} users, {config['seconds']} s", flush=True)
                before = server.log_size()
                phase = locust_phase(
                    base=server.base,
                    accounts=accounts_path,
                    users=users,
                    seconds=config["seconds"],
                    wait=config["wait"],
                    classes=classes,
                    prefix=WORK / f"load-{kind}-{users}",
                )
                phase["server_time"] = server_time_by_label(server.request_lines(before, server.log_size()))
                phases[f"{kind}@{users}"] = phase
    finally:
        server.stop()
    return assess(
        ctx,
        config=config,
        phases=phases,
        accounts=accounts,
        generated=generated,
        port=port,
        seconds=time.monotonic() - started,
    )


def assess(
    ctx: Context,
    *,
    config: dict[str, Any],
    phases: dict[str, dict[str, Any]],
    accounts: dict[str, Any],
    generated: dict[str, Any],
    port: int,
    seconds: float,
) -> Record:
    low, high = min(config["users"]), max(config["users"])
    district_low = phases[f"district@{low}"]
    slow = {
        label: page["p95_ms"]
        for label, page in district_low["pages"].items()
        if label not in labels.NOT_PAGES and (page["p95_ms"] or 0) >= PAGE_P95_MS
    }
    errors_high = phases[f"district@{high}"]["errors"] + phases[f"trivial@{high}"]["errors"]
    shares = {
        f"{users} users": round(
            phases[f"district@{users}"]["throughput_rps"]
            / max(phases[f"trivial@{users}"]["throughput_rps"], 1e-9),
            3,
        )
        for users in config["users"]
    }
    where: dict[str, Any] = {}
    known = probes(accounts)
    for label in slow:
        if label in known:
            user_id, method, path, data, headers = known[label]
            where[label] = profile_page(user_id, method, path, data, headers)
        else:
            where[label] = {"note": "no in-process probe for this label; see server_time"}
    figures = {
        "server": "coachmap serve: gunicorn (WEB_CONCURRENCY or 2 × cores + 1 sync workers) and the task worker",
        "cores": os.cpu_count(),
        "gunicorn_workers": int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1),
        "locust": "one process (gevent), on the same machine as the server",
        "think_time_seconds": config["wait"],
        "measured_seconds_per_phase": config["seconds"],
        "people": {k: len(v) for k, v in accounts.items() if isinstance(v, list)},
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "throughput_share_of_trivial": shares,
        "pages_over_p95_goal_at_low_users": slow,
        "errors_at_high_users": errors_high,
        "phases": phases,
        "where_time_goes": where,
        "run_seconds": round(seconds),
        "port": port,
        **{k: v for k, v in generated.items() if v is not None},
    }
    met = not slow and errors_high == 0 and all(s >= THROUGHPUT_SHARE for s in shares.values())
    baseline = {
        "view": "/bench/trivial: a tiny HttpResponse, no database, no template, same middleware "
        "(bench/loadkit/urls.py, mounted only by bench/loadkit/settings.py)",
        **{
            f"{users} users": {
                "throughput_rps": phases[f"trivial@{users}"]["throughput_rps"],
                "errors": phases[f"trivial@{users}"]["errors"],
                **{k: phases[f"trivial@{users}"]["overall"].get(k) for k in ("p50_ms", "p95_ms", "p99_ms")},
            }
            for users in config["users"]
        },
    }
    return ctx.record(
        "load",
        figures,
        baseline,
        goal=(
            f"PostgreSQL only. p95 under {PAGE_P95_MS} ms for every page at {low} users (the matching "
            f"round excepted: an action of seconds), no error at {high} users, and at each number of "
            "users the district's throughput at least half the trivial view's"
        ),
        met=met,
    )
