"""`make bench`: every benchmark in bench/ on every database, each in its own process.

`python -m bench load needs` runs only the benchmarks named; a benchmark module's `DATABASES`
(if it has one) limits the databases it runs on.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

SKIP = {"harness", "runner", "__main__", "loadkit"}


def main() -> int:
    here = Path(__file__).resolve().parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name not in SKIP)
    only = {n for n in os.environ.get("BENCH_ONLY", "").split(",") if n} | set(sys.argv[1:])
    unknown = only - set(names)
    if unknown:
        print(f"No benchmark named {', '.join(sorted(unknown))}; there are: {', '.join(names)}.")
        return 2
    if only:
        names = [n for n in names if n in only]
    databases = [d for d in os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",") if d]
    failures = 0
    for name in names:
        runs_on = getattr(importlib.import_module(f"bench.{name}"), "DATABASES", databases)
        for database in [d for d in databases if d in runs_on]:
            print(f"== {name} on {database}", flush=True)
            command = [sys.executable, "-m", "bench.runner", name, database]
            result = subprocess.run(command, cwd=here.parent, check=False)  # noqa: S603 - runs our own module
            failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
