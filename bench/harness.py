"""Shared plumbing for benchmarks: databases, the large-district data set, timing, and result records.

A benchmark is a module `bench/<name>.py` with a function `run(ctx: Context) -> Record`. `make bench`
runs every benchmark once per database (SQLite and PostgreSQL), each in its own process so Django
is configured for that database, and writes `bench/results/<name>.json`: a list with one record
per database, `{"benchmark", "profile", "database", "figures", "baseline", "goal", "met"}`.

Environment:
  BENCH_PROFILE   large (default) or demo, for a quick rehearsal
  BENCH_DATABASES comma list of sqlite,postgresql (default both)
  BENCH_PG_URL    PostgreSQL server for the benchmark database (default postgres://postgres@127.0.0.1:5432/coachmap_bench)
  BENCH_ONLY      comma list of benchmark names to run (or name them: `python -m bench load`)

A module may say `DATABASES = ("postgresql",)` to run on those only (the load benchmark), and
`DATABASE_SUFFIX = "_load"` to run in its own copy of the profile's database.
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results"
WORK = BENCH_DIR / "work"
PROFILE = os.environ.get("BENCH_PROFILE", "large")
SEED = 7
TODAY = "2026-11-23"


def database_url(database: str, suffix: str = "") -> str:
    """The benchmark database; a benchmark that writes into it (the load run) names its own copy by
    a suffix (its module's DATABASE_SUFFIX), so the others keep reading the data as generated."""
    if database == "sqlite":
        return f"sqlite:///{WORK / f'{PROFILE}{suffix}.sqlite3'}"
    base = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/coachmap_bench")
    return (base if PROFILE == "large" else f"{base}_{PROFILE}") + suffix


@dataclass
class Record:
    benchmark: str
    profile: str
    database: str
    figures: dict[str, Any]
    baseline: dict[str, Any]
    goal: str
    met: bool


@dataclass
class Context:
    database: str
    profile: str = PROFILE
    notes: list[str] = field(default_factory=list)

    def record(
        self, name: str, figures: dict[str, Any], baseline: dict[str, Any], goal: str, met: bool
    ) -> Record:
        return Record(name, self.profile, self.database, figures, baseline, goal, bool(met))


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Best wall-clock seconds over `repeat` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


@contextmanager
def stopwatch() -> Iterator[dict[str, float]]:
    box: dict[str, float] = {}
    started = time.perf_counter()
    yield box
    box["seconds"] = time.perf_counter() - started


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ensure_profile_database() -> dict[str, Any]:
    """Migrate the benchmark database and generate the profile's district once; reuse it afterwards."""
    from django.core.management import call_command

    from coachmap.demo.generate import Generator, existing_state
    from coachmap.demo.profiles import PROFILES

    call_command("migrate", verbosity=0, interactive=False)
    state = existing_state()
    if state == "empty":
        import datetime

        counts = Generator(PROFILES[PROFILE], SEED, datetime.date.fromisoformat(TODAY)).run()
        return {"generated_rows": sum(counts.rows.values()), "generated_seconds": round(counts.seconds, 1)}
    if state != "demo":
        raise SystemExit("The benchmark database holds other data; point BENCH_PG_URL elsewhere.")
    return {"generated_rows": None, "generated_seconds": None}


def write(record: Record) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{record.benchmark}.json"
    records = json.loads(path.read_text()) if path.exists() else []
    records = [r for r in records if r.get("database") != record.database] + [asdict(record)]
    records.sort(key=lambda r: r["database"])
    path.write_text(json.dumps(records, indent=2, default=str) + "\n")
    return path
