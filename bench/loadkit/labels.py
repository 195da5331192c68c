"""The load benchmark's request labels: one row of figures each. Kept apart from the locustfile,
which cannot be imported outside Locust (Locust patches the standard library for gevent)."""

from __future__ import annotations

import re

TEACHER_HOME = "teacher: home"
TEACHER_PULSE = "teacher: answer the pulse"
COACH_CASELOAD = "coach: caseload"
COACH_SESSION_FORM = "coach: session form"
COACH_SESSION_LOG = "coach: log a session"
PRINCIPAL_NEEDS = "principal: school needs"
LEAD_REQUESTS = "lead: requests"
LEAD_ROUNDS = "lead: matching page"
LEAD_ROUND_RUN = "lead: run a matching round"
API_CYCLES = "api: list cycles"
TRIVIAL = "trivial view (baseline)"
TRIVIAL_PATH = "/bench/trivial"

# A matching round solves the whole district's assignment (seconds, bench/results/matching.json):
# an action a lead takes a few times a term, reported but not held to the page goal.
NOT_PAGES = frozenset({LEAD_ROUND_RUN, TRIVIAL})

# The request log's method and path, back to a label (the server's own time per label).
BY_PATH: list[tuple[str, re.Pattern[str], str]] = [
    ("GET", re.compile(r"^/$"), TEACHER_HOME),
    ("POST", re.compile(r"^/surveys/sessions/\d+/pulse/$"), TEACHER_PULSE),
    ("GET", re.compile(r"^/caseload/$"), COACH_CASELOAD),
    ("GET", re.compile(r"^/cycles/\d+/sessions/new/$"), COACH_SESSION_FORM),
    ("POST", re.compile(r"^/cycles/\d+/sessions/new/$"), COACH_SESSION_LOG),
    ("GET", re.compile(r"^/schools/\d+/needs/$"), PRINCIPAL_NEEDS),
    ("GET", re.compile(r"^/requests/$"), LEAD_REQUESTS),
    ("GET", re.compile(r"^/matching/$"), LEAD_ROUNDS),
    ("POST", re.compile(r"^/matching/run/$"), LEAD_ROUND_RUN),
    ("GET", re.compile(r"^/api/v1/cycles$"), API_CYCLES),
    ("GET", re.compile(r"^/bench/trivial$"), TRIVIAL),
]
