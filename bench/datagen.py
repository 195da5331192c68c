"""Benchmark: generating the large-district profile (`coachmap demo-data --profile large`)."""

from __future__ import annotations

import datetime

from django.db import connection

from bench.harness import PROFILE, SEED, TODAY, Context, Record, peak_rss_mb


def run(ctx: Context) -> Record:
    from django.core.management import call_command

    from coachmap.demo.generate import Generator, existing_state
    from coachmap.demo.profiles import PROFILES

    call_command("migrate", verbosity=0, interactive=False)
    if existing_state() != "empty":
        # Generate into a fresh database: flush what an earlier run left.
        call_command("flush", verbosity=0, interactive=False)
    counts = Generator(PROFILES[PROFILE], SEED, datetime.date.fromisoformat(TODAY)).run()
    rows = sum(counts.rows.values())
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM roster_result")
        results = cursor.fetchone()[0]
    figures = {
        "rows": rows,
        "seconds": round(counts.seconds, 1),
        "rows_per_second": round(rows / counts.seconds),
        "results": results,
        "peak_rss_mb": round(peak_rss_mb()),
        "tables": dict(counts.rows),
    }
    minutes = counts.seconds / 60
    return ctx.record(
        "datagen",
        figures,
        {"note": "no baseline: the issue asks that the large profile finish in minutes"},
        goal="the large profile generates in under 10 minutes",
        met=minutes < 10,
    )
