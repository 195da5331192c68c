"""Run one benchmark against one database in this process: `python -m bench.runner NAME DATABASE`."""

from __future__ import annotations

import importlib
import os
import sys


def main() -> None:
    name, database = sys.argv[1], sys.argv[2]
    from bench import harness

    harness.WORK.mkdir(exist_ok=True)
    # Benchmark modules import nothing of Django at their top, so this comes before the setup.
    module = importlib.import_module(f"bench.{name}")
    os.environ["DATABASE_URL"] = harness.database_url(database, getattr(module, "DATABASE_SUFFIX", ""))
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coachmap.settings")
    os.environ.setdefault("TASKS_BACKEND", "immediate")
    if database == "postgresql":
        _create_pg_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    record = module.run(harness.Context(database=database))
    path = harness.write(record)
    verdict = "met" if record.met else "NOT met"
    print(
        f"{name} on {database}: goal {verdict} — {record.goal}\n  figures:  {record.figures}\n  baseline: {record.baseline}\n  -> {path}"
    )


def _create_pg_database(url: str) -> None:
    import psycopg

    base, _, dbname = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{dbname}"')


if __name__ == "__main__":
    main()
