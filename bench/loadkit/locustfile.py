"""The Locust users of the load benchmark (bench/load.py): a district's day, role by role.

Run by bench/load.py as `locust -f bench/loadkit/locustfile.py --headless ...` (with the
checkout on PYTHONPATH) and LOAD_ACCOUNTS naming the JSON file of bench/loadkit/accounts.py. Each user takes one person of
its role, sends that person's session cookie (or API token), waits LOAD_WAIT seconds between
pages (default "1,5": a brisk person), and names every request by a readable label: the labels
are the rows of the benchmark's figures. A form is sent as a browser sends it: the page is opened
first and its CSRF token read from the page. A write counts as an error unless it is accepted
(the redirect that follows a saved form).

Only ever point it at 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import random
import re
from typing import Any

from locust import HttpUser, between, task

from bench.loadkit.labels import (
    API_CYCLES,
    COACH_CASELOAD,
    COACH_SESSION_FORM,
    COACH_SESSION_LOG,
    LEAD_REQUESTS,
    LEAD_ROUND_RUN,
    LEAD_ROUNDS,
    PRINCIPAL_NEEDS,
    TEACHER_HOME,
    TEACHER_PULSE,
    TRIVIAL,
    TRIVIAL_PATH,
)

ACCOUNTS: dict[str, Any] = {}
if os.environ.get("LOAD_ACCOUNTS"):
    with open(os.environ["LOAD_ACCOUNTS"], encoding="utf-8") as handle:
        ACCOUNTS = json.load(handle)
_low, _high = (float(x) for x in os.environ.get("LOAD_WAIT", "1,5").split(","))
# The smoke test (tests/bench/test_load.py) wants one user of each kind and a round every other time.
EQUAL_WEIGHTS = os.environ.get("LOAD_EQUAL_WEIGHTS") == "true"
ROUND_WEIGHT = int(os.environ.get("LOAD_ROUND_WEIGHT", "1"))

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PULSE_FORM = re.compile(r'<form method="post" action="(/[^"]*sessions/\d+/pulse/)"')


def csrf_token(html: str) -> str | None:
    found = CSRF.search(html)
    return found.group(1) if found else None


def field_value(html: str, name: str) -> str | None:
    """The value a form field is filled with (the date field's default is the district's today)."""
    found = re.search(rf'name="{name}" value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    return found.group(1) if found else None


class _Person(HttpUser):
    abstract = True
    wait_time = between(_low, _high)
    role = ""

    def on_start(self) -> None:
        people = ACCOUNTS.get(self.role) or []
        if not people:
            raise RuntimeError(f"No {self.role} in LOAD_ACCOUNTS: build the accounts file first.")
        self.person = random.choice(people)
        if "session" in self.person:
            self.client.cookies.set("sessionid", self.person["session"])

    def open(self, path: str, label: str) -> str | None:
        """GET a page; anything but a 200 is an error (a redirect here would be to the sign-in page)."""
        with self.client.get(path, name=label, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} from {path}")
                return None
            return response.text

    def send(self, path: str, data: dict[str, Any], label: str) -> bool:
        """POST a form; accepted means the redirect a saved form answers with."""
        headers = {"Referer": f"{self.host}{path}"}
        with self.client.post(
            path, data=data, name=label, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code} from {path}: the form was not accepted")
                return False
            return True


class Teacher(_Person):
    weight = 1 if EQUAL_WEIGHTS else 40
    role = "teachers"

    @task
    def home(self) -> None:
        html = self.open("/", TEACHER_HOME)
        pulse = PULSE_FORM.search(html or "")
        token = csrf_token(html or "")
        if pulse and token:
            answers = {name: random.randint(3, 5) for name in ("useful", "will_use", "respected")}
            self.send(pulse.group(1), {"csrfmiddlewaretoken": token, **answers}, TEACHER_PULSE)


class Coach(_Person):
    weight = 1 if EQUAL_WEIGHTS else 25
    role = "coaches"

    @task(3)
    def caseload(self) -> None:
        self.open("/caseload/", COACH_CASELOAD)

    @task(1)
    def log_session(self) -> None:
        path = f"/cycles/{random.choice(self.person['cycles'])}/sessions/new/"
        html = self.open(path, COACH_SESSION_FORM) or ""
        token, date = csrf_token(html), field_value(html, "date")
        if token and date:
            data = {
                "csrfmiddlewaretoken": token,
                "date": date,
                "minutes": 30,
                "session_type": "co_plan",
                "notes": "Planned Thursday's station rotation together.",
                "next_steps": "Try the exit ticket with two groups.",
            }
            self.send(path, data, COACH_SESSION_LOG)


class Principal(_Person):
    weight = 1 if EQUAL_WEIGHTS else 15
    role = "principals"

    @task
    def needs(self) -> None:
        self.open(f"/schools/{self.person['school']}/needs/", PRINCIPAL_NEEDS)


class Lead(_Person):
    weight = 1 if EQUAL_WEIGHTS else 2
    role = "leads"

    @task(20)
    def requests(self) -> None:
        self.open("/requests/", LEAD_REQUESTS)

    @task(ROUND_WEIGHT)
    def run_round(self) -> None:
        token = csrf_token(self.open("/matching/", LEAD_ROUNDS) or "")
        if token:
            self.send("/matching/run/", {"csrfmiddlewaretoken": token}, LEAD_ROUND_RUN)


class ApiClient(_Person):
    weight = 1 if EQUAL_WEIGHTS else 10
    role = "api"

    def on_start(self) -> None:
        super().on_start()
        self.client.headers["Authorization"] = f"Bearer {self.person['token']}"

    @task
    def cycles(self) -> None:
        self.open("/api/v1/cycles", API_CYCLES)


class Trivial(HttpUser):
    """The baseline: the same pace against a view that does no work (bench/loadkit/urls.py)."""

    wait_time = between(_low, _high)

    @task
    def trivial(self) -> None:
        with self.client.get(TRIVIAL_PATH, name=TRIVIAL, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} from {TRIVIAL_PATH}")
