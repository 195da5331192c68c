"""Every API route × every role, signed in with a token instead of the session (issue 20).

The session's statuses are the access matrix's (`tests/core/test_access_matrix.py`, EXPECTED); a
token never does better than its person: a personal token with read and write answers exactly
as its person's session does, except on routes no token may call; a read-only token never writes;
a service token reaches only the routes of its scopes, and only what its district admin could;
a revoked or expired token is a 401 everywhere. No token's answer ever holds a session note.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from coachmap.api import tokens
from coachmap.api.models import ApiToken
from coachmap.core import tokens as rules
from coachmap.roster.models import ImportRun, ImportStatus
from tests.conftest import HANDOVER_NOTE, OTHER_SECRET_NOTE, ROLES, SECRET_BARRIER, SECRET_NOTE, World
from tests.core.test_access_matrix import (  # noqa: F401 - fixtures: the matrix's world, built once
    EXPECTED,
    _media_in_tmp,  # an autouse fixture: uploads go to the test's own folder
    _one_world,
    _world_copy,
    all_route_names,
    body_of,
)

pytestmark = pytest.mark.django_db

NOT_OPERATIONS = {"api:api-root", "api:openapi-json", "api:openapi-view"}
API_ROUTES = sorted(n for n in EXPECTED if n.startswith("api:") and n not in NOT_OPERATIONS)
PEOPLE = [r for r in ROLES if r != "anonymous"]


def _view(name: str, world: World, method: str):
    """The route's handler, as the token check sees it."""
    route = EXPECTED[name]
    url = reverse(name, kwargs=route.kwargs(world))
    match = resolve(url)
    path_view = match.func.__closure__[0].cell_contents  # ninja's PathView for this address
    operation = next(op for op in path_view.operations if method.upper() in op.methods)
    return operation.view_func


def _call(world: World, name: str, secret: str):
    route = EXPECTED[name]
    url = reverse(name, kwargs=route.kwargs(world))
    return route.send(Client(), url, world, HTTP_AUTHORIZATION=f"Bearer {secret}")


def _no_secrets(response, who: str, name: str) -> None:
    body = body_of(response)
    for secret in (SECRET_NOTE, SECRET_BARRIER, OTHER_SECRET_NOTE, HANDOVER_NOTE):
        assert secret not in body, f"{name} shows a confidential text to {who}'s token"


def test_every_api_operation_is_in_the_matrix() -> None:
    """Each operation of the schema has a URL name the access matrix walks."""
    names = {n for n in all_route_names() if n.startswith("api:")}
    assert len(names) > 10 and names - set(EXPECTED) == set(), "API routes missing from the access matrix"


@pytest.mark.parametrize("name", API_ROUTES)
def test_a_personal_token_answers_as_its_person_never_more(world: World, name: str) -> None:
    route = EXPECTED[name]
    view = _view(name, world, route.method)
    for role in PEOPLE:
        secret = tokens.personal_token_create(actor=world.users[role], name="t", scopes=["read", "write"])[1]
        response = _call(world, name, secret)
        session = route.statuses[role]
        if rules.rule_of(view) == rules.NEVER:
            assert response.status_code == 403, f"{name}: {role}'s token got {response.status_code}"
        else:
            assert response.status_code == session, (
                f"{name}: {role}'s token {response.status_code} ≠ {session}"
            )
        _no_secrets(response, role, name)
        # One import per district at a time (issue 18): the last person's upload has finished
        # before the next person sends theirs.
        ImportRun.objects.filter(status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]).update(
            status=ImportStatus.DONE
        )


@pytest.mark.parametrize("name", [n for n in API_ROUTES if EXPECTED[n].method != "get"])
def test_a_read_only_token_never_writes(world: World, name: str) -> None:
    for role in PEOPLE:
        secret = tokens.personal_token_create(actor=world.users[role], name="t", scopes=["read"])[1]
        assert _call(world, name, secret).status_code == 403, f"{name}: {role}'s read-only token wrote"


@pytest.mark.parametrize("scope", [s.value for s in rules.SERVICE_SCOPES])
def test_a_service_token_reaches_only_its_scope_and_its_admins_rights(world: World, scope: str) -> None:
    secret = tokens.service_account_create(actor=world.admin, name="BI", scopes=[scope])[2]
    reached = []
    for name in API_ROUTES:
        route = EXPECTED[name]
        response = _call(world, name, secret)
        rule = rules.rule_of(_view(name, world, route.method))
        if rule == rules.ANY or (isinstance(rule, frozenset) and scope in rule):
            assert response.status_code == route.statuses["admin"], f"{name} with {scope}"
            reached.append(name)
        else:
            assert response.status_code == 403, f"{name} with {scope}: {response.status_code}"
        _no_secrets(response, "a service", name)
    assert reached  # every scope opens at least one route (`me` at least)


@pytest.mark.parametrize("how", ["revoked", "expired"])
def test_a_revoked_or_expired_token_is_a_401_on_every_route(world: World, how: str) -> None:
    secret = tokens.personal_token_create(actor=world.lead, name="t", scopes=["read", "write"])[1]
    rows = ApiToken.objects.filter(user=world.lead)
    if how == "revoked":
        rows.update(revoked_at=timezone.now())
    else:
        rows.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    for name in API_ROUTES:
        assert _call(world, name, secret).status_code == 401, name


def test_routes_that_read_notes_refuse_every_token_by_construction(world: World) -> None:
    """The notes route is marked `never`, and the notes query refuses tokens itself."""
    from coachmap.coaching.cycles import queries

    assert rules.rule_of(_view("api:cycle_sessions", world, "get")) == rules.NEVER
    user = world.coach.user
    rules.mark(user, rules.Kind.PERSONAL, ["read", "write"])
    with pytest.raises(PermissionDenied) as refused:
        queries.session_notes(user, world.cycle)
    assert "never read with an API token" in str(refused.value)
