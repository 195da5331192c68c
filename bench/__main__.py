"""`make bench`: every benchmark in bench/ on every database, each in its own process."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

SKIP = {"harness", "runner", "__main__"}


def main() -> int:
    here = Path(__file__).resolve().parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name not in SKIP)
    only = {n for n in os.environ.get("BENCH_ONLY", "").split(",") if n}
    if only:
        names = [n for n in names if n in only]
    databases = [d for d in os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",") if d]
    failures = 0
    for name in names:
        for database in databases:
            print(f"== {name} on {database}", flush=True)
            command = [sys.executable, "-m", "bench.runner", name, database]
            result = subprocess.run(command, cwd=here.parent, check=False)  # noqa: S603 - runs our own module
            failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
