"""schemathesis fuzzes the JSON API from its own OpenAPI description, as every role: no request,
however malformed, answers 5xx (issue 12, item 6).

The schema is taken from the app (`api.get_openapi_schema()`), not fetched over HTTP, because
reading `/api/openapi.json` needs a signed-in user. Each request goes through the real WSGI
application with that role's session cookie and a CSRF token, so the API's own checks run first
and writes reach their handlers. For every operation schemathesis generates valid requests
(within the declared types) and invalid ones (wrong types, out-of-range numbers, missing or extra
fields), and valid requests again with real ids in the path so the handlers' own code runs.
Examples are bounded so each role's run stays within about a second per operation.
"""

from __future__ import annotations

import time

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from schemathesis import GenerationMode

from coachmap.api.api import api
from tests.issue16_world import of as issue16

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "teacher", "coach", "lead", "principal", "admin"]
# Signed in with an API token instead of a session (issue 20): a person's own token with read and
# write, and a service account's token with every service scope.
TOKENS = ["lead-token", "coach-token", "service-token"]
EXAMPLES = 4  # per operation and pass: about 210 operations, 1–3 passes each
# A guard against a runaway operation, not a benchmark: the whole run may take this long per
# operation of the schema (the schema grows with the API; issue 20 brought it from 16 to ~170).
SECONDS_PER_OPERATION = 1.5
# Malformed requests (the negative pass) are refused by the schema's validation, which runs after
# authentication and before any handler or role check: the same code answers every signed-in
# role, and anonymous requests never reach it (401). So one browser session and one token send
# them; every role sends the well-formed ones, which do reach the handlers and their role checks.
# (The fuzz is the suite's longest test: this keeps CI inside its 90 minutes as the API grows.)
NEGATIVE_ROLES = {"lead", "lead-token"}


@pytest.fixture
def wsgi_app():
    """The real WSGI application, kept from closing the test's database connection after each
    request (as Django's own test client does): on PostgreSQL that would end the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _cookies(world, role: str) -> tuple[dict[str, str], dict[str, str]]:
    """(cookies, headers) of a browser signed in as `role`, with a CSRF token for writes."""
    token = _get_new_csrf_string()
    cookies = {django_settings.CSRF_COOKIE_NAME: token}
    user = world.users[role]
    if user is not None:
        client = Client()
        client.force_login(user)
        cookies[django_settings.SESSION_COOKIE_NAME] = client.cookies[
            django_settings.SESSION_COOKIE_NAME
        ].value
    return cookies, {"X-CSRFToken": token}


def _token(world, who: str) -> tuple[dict[str, str], dict[str, str]]:
    """(cookies, headers) of another system holding a token: no session, no CSRF."""
    from coachmap.api import tokens
    from coachmap.core.tokens import SERVICE_SCOPES

    if who == "service-token":
        secret = tokens.service_account_create(
            actor=world.users["admin"], name="fuzz", scopes=[s.value for s in SERVICE_SCOPES]
        )[2]
    else:
        user = world.users[who.removesuffix("-token")]
        secret = tokens.personal_token_create(actor=user, name="fuzz", scopes=["read", "write"])[1]
    return {}, {"Authorization": f"Bearer {secret}"}


def _operations():
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("role", ROLES + TOKENS)
def test_the_api_never_answers_5xx_to_fuzzed_requests(world, settings, wsgi_app, role, tmp_path):
    settings.ALLOWED_HOSTS = ["localhost"]  # the host schemathesis's WSGI client sends
    settings.MEDIA_ROOT = tmp_path  # files the fuzzer uploads to the library (issue 20) stay here
    settings.API_TOKEN_RATE = 100_000  # the fuzzer is one token sending hundreds of requests
    app = wsgi_app
    cookies, headers = _token(world, role) if role in TOKENS else _cookies(world, role)
    real = {
        "cycle_id": world.cycle.pk,
        "round_id": world.draft_round.pk,
        "proposal_id": world.offer_proposal.pk,
        # Goals, requests and micro-coaching (issue 20): the teacher's fresh goal, a waiting request.
        "goal_id": world.fresh_goal_id,
        "request_id": world.open_request.pk,
        # Issue 20's feedback, library and professional-learning routes.
        "survey_id": world.open_survey.pk,
        "resource_id": world.resource.pk,
        "offering_id": issue16(world).offering.pk,
        "seat_id": issue16(world).seat.pk,
        "session_id": world.session.pk,
        "school_id": world.school.pk,
    }
    failures: list[str] = []
    sent = 0
    began = time.monotonic()

    def fuzz(strategy, label: str) -> None:
        @examples(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case) -> None:
            nonlocal sent
            sent += 1
            try:
                response = case.call(app=app, cookies=cookies, headers=headers)
            except Exception as exc:  # an exception out of the app is the 500 a person would see
                failures.append(f"{case.method} {case.formatted_path} {label}: {type(exc).__name__}: {exc}")
                return
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {label} → {response.status_code}: "
                    f"query={case.query} body={str(case.body)[:200]}"
                )

        run()

    operations = _operations()
    for operation in operations:
        wanted = {k: v for k, v in real.items() if k in operation.path}
        passes = [(GenerationMode.POSITIVE, None)]
        if role in NEGATIVE_ROLES:
            passes.append((GenerationMode.NEGATIVE, None))
        if wanted:
            passes.append((GenerationMode.POSITIVE, wanted))
        for mode, path_parameters in passes:
            label = f"{mode.value}{' with real ids' if path_parameters else ''}"
            fuzz(operation.as_strategy(generation_mode=mode, path_parameters=path_parameters), label)

    seconds = time.monotonic() - began
    assert failures == [], f"{len(failures)} of {sent} fuzzed requests as {role} failed:\n" + "\n".join(
        failures[:20]
    )
    assert sent > 100
    limit = SECONDS_PER_OPERATION * len(operations)
    assert seconds < limit, (
        f"the fuzz run of {len(operations)} operations took {seconds:.0f} s (limit {limit:.0f} s)"
    )
