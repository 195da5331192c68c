"""Every route in the URLconf, with extreme path values and query parameters, GET and POST, as
every role: nothing answers 5xx (issue 12, item 6).

Routes come from `django.urls.get_resolver()`, so a route added tomorrow is walked tomorrow. Each
path parameter is filled with a real object's id (so the view runs) and with extremes — 0, -1,
2⁶³, 2⁶⁴, 40 digits, a long string, dates at the ends of the calendar, a non-date — and each is
requested with extreme query parameters; a POST carries extreme form fields. A URL that no route
matches is a 404 before any view runs, so only URLs that resolve are requested (one that does
not is requested once, to prove its 404 page)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter
from django.urls.exceptions import Resolver404

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "teacher", "coach", "lead", "principal", "admin"]
EXTREMES = [
    "0",
    "-1",
    str(2**63),
    str(2**64),
    "9" * 40,
    "x" * 1000,
    "0001-01-01",
    "9999-12-31",
    "not-a-date",
    "%00",
]
QUERIES = [
    {
        "page": str(10**30),
        "week": "0001-01-01",
        "school_id": str(2**64),
        "school": str(2**64),
        "coach": str(2**64),
        "grade": "9" * 30,
        "pick": "9999-12-31",
        "period": "9999",
        "page_size": str(10**30),
    },
    {
        "page": "-1",
        "week": "9999-12-31",
        "school_id": "-1",
        "coach": "-1",
        "grade": "-1",
        "pick": "0001-01",
        "period": "-1",
        "subject": "x" * 300,
        "group": "race:" + "x" * 300,
        "sort": "-",
        "kind": "?",
        "need": "x" * 300,
        "source": "x",
        "status": "x",
        "all": "1",
    },
    {
        "page": "abc",
        "week": "not-a-date",
        "school_id": "abc",
        "grade": "abc",
        "pick": "abc",
        "next": "//evil",
    },
    # A NUL byte, which PostgreSQL refuses in any text, in every text parameter (typed ones left
    # out so that they cannot stop the request before the text reaches a query).
    dict.fromkeys(
        [
            "q",
            "kind",
            "tool",
            "practice",
            "subject",
            "grade",
            "quadrant",
            "group",
            "sort",
            "need",
            "source",
            "status",
            "coach",
            "period",
            "pick",
        ],
        "a\x00b",
    ),
]
FORM = {
    "toggle": "abc",
    "remove_question": "9" * 30,
    "add_question": "1",
    "status": "x" * 300,
    "answer": "accept",
    "accept": "maybe",
    "week": "0001-01-01",
    "date": "9999-12-31",
    "measured_on": "0001-01-01",
    "minutes": str(2**64),
    "students_assessed": str(2**64),
    "students_meeting": "-1",
    "school": str(2**64),
    "coach": str(2**64),
    "teacher": "-1",
    "goal": "abc",
    "key": "x" * 500,
    "order": ",".join(["x"] * 500),
    "direction": "up",
    "note": "x" * 5000,
    "quadrant": "x",
    "kind": "x",
    "query": "x",
    "value": "1e400",
    "baseline": "nan",
    "target": "inf",
    "target_date": "9999-12-31",
    "years_experience": str(2**64),
    "title": "a\x00b",
    "first_name": "a\x00b",
    "email": "x" * 300 + "@example.org",
    "role": "x" * 300,
    "expected": str(2**64),
    "active": "on",
    "text": "a\x00b",
    "url": "http://a\x00b",
}
SECONDS_PER_ROLE = 180  # a guard against a runaway route, not a benchmark: 2 shared cores vary


def routes() -> list[str]:
    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    return list(dict.fromkeys(walk(get_resolver().url_patterns, "")))


_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>[^)]*\)")


def fill(route: str, value: object) -> str:
    """The route with every parameter given `value` (a callable picks it by name)."""
    path = route.lstrip("^").rstrip("$")

    def one(match: re.Match[str]) -> str:
        name = match.group("name") or match.group("rname")
        return str(value(name) if callable(value) else value)

    return "/" + _PARAM.sub(one, path)


def real_ids(world) -> dict[str, object]:
    return {
        "school_id": world.school.pk,
        "goal_id": world.goal.pk,
        "indicator_id": world.indicator.pk,
        "tool_id": world.tool.pk,
        "link_id": world.tool_link.pk,
        "request_id": world.open_request.pk,
        "proposal_id": world.draft_proposal.pk,
        "referral_id": world.referral.pk,
        "teacher_id": world.teacher.pk,
        "cycle_id": world.cycle.pk,
        "handover_id": world.handover.pk,
        "round_id": world.draft_round.pk,
        "agreement_id": world.agreement.pk,
        "session_id": world.session.pk,
        "survey_id": world.open_survey.pk,
        "resource_id": world.resource.pk,
        "person_id": world.teacher.user.pk,
        "membership_id": world.teacher.user.memberships.get().pk,
        "table": "needs",
        "object_id": world.coach.user.pk,
        "id": world.coach.user.pk,
        "content_type_id": 1,
        "app_label": "core",
        "url": "nothing-here/",
    }


def resolves(url: str) -> bool:
    try:
        resolve(url.split("?", maxsplit=1)[0])
    except Resolver404:
        return False
    return True


def urls_for(world) -> Iterator[tuple[str, str, dict[str, str] | None]]:
    """(method, url, data) for every route: real ids with each extreme query, then each extreme."""
    ids = real_ids(world)
    for route in routes():
        real = fill(route, lambda name: ids.get(name, 1))
        for query in [{}, *QUERIES]:
            yield "GET", real, query
        yield "POST", real, FORM
        if "<" not in route and "(?P" not in route:
            continue
        for value in EXTREMES:
            url = fill(route, value)
            if resolves(url):
                yield "GET", url, QUERIES[0]
                yield "POST", url, FORM


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_5xx_to_extreme_input(world, role):
    client = Client(raise_request_exception=True)
    if world.users[role] is not None:
        client.force_login(world.users[role])
    failures: list[str] = []
    began = time.monotonic()
    requests = 0
    for method, url, data in urls_for(world):
        requests += 1
        try:
            if method == "GET":
                status = client.get(url, data).status_code
            else:
                status = client.post(url, data).status_code
        except Exception as exc:  # an unhandled exception is the 500 a person would see
            failures.append(f"{method} {url[:120]} {str(data)[:60]}: {type(exc).__name__}: {str(exc)[:200]}")
            continue
        if status >= 500:
            failures.append(f"{method} {url[:120]}: {status}")
        if "logout" in url and world.users[role] is not None:
            client.force_login(world.users[role])  # walk on signed in
    seconds = time.monotonic() - began
    assert failures == [], f"{len(failures)} of {requests} requests as {role} failed:\n" + "\n".join(failures)
    assert requests > 300
    assert seconds < SECONDS_PER_ROLE, f"the walk took {seconds:.0f} s"


def test_a_url_no_route_matches_is_a_404_page(world):
    response = world.client("coach").get(fill("cycles/<id:cycle_id>/", 2**64))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_every_number_in_a_url_is_read_by_the_id_converter():
    """`<int:…>` takes any number of digits, and a database crashes on more than 64 bits: every
    route (pages and API) reads ids with `<id:…>`, which matches only ids a database can hold."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), getattr(pattern.pattern, "converters", {})

    unbounded = [
        route
        for route, converters in walk(get_resolver().url_patterns)
        if any(isinstance(c, IntConverter) for c in converters.values())
    ]
    assert unbounded == []
