"""Every task of every Locust user of the load benchmark, once, in order, against a server:
`python -m bench.loadkit.once BASE_URL USER_CLASS...` with LOAD_ACCOUNTS set; prints, as JSON, each
label's requests and failures, and any exception a task raised.

The smoke test (tests/bench/test_load.py) runs it against a live server: the same users, the same
pages and forms as a load run, without the timing of one, so it holds on a busy machine. Its own
process, because importing Locust patches the standard library for gevent.
"""

from __future__ import annotations

import json
import sys
import traceback
from typing import Any

from locust.env import Environment

from bench.loadkit import locustfile


def main() -> None:
    base, names = sys.argv[1], sys.argv[2:]
    classes = [getattr(locustfile, name) for name in names]
    environment = Environment(user_classes=classes, host=base)
    labels: dict[str, dict[str, int]] = {}
    errors: list[str] = []

    def count(name: str, exception: BaseException | None = None, **_: Any) -> None:
        entry = labels.setdefault(name, {"requests": 0, "failures": 0})
        entry["requests"] += 1
        if exception is not None:
            entry["failures"] += 1
            errors.append(f"{name}: {exception}")

    environment.events.request.add_listener(count)
    exceptions: list[str] = []
    for cls in classes:
        cls.host = base
        user = cls(environment)
        try:
            user.on_start()
            for task in dict.fromkeys(cls.tasks):  # each task once, in the order written
                task(user)
        except Exception:
            exceptions.append(f"{cls.__name__}: {traceback.format_exc(limit=3)}")
    print(json.dumps({"labels": labels, "errors": errors, "exceptions": exceptions}))


if __name__ == "__main__":
    main()
