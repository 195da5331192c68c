"""One table of who may open which page (`core.routes`): every page behind a sign-in is in it,
and the pages' decorator, the menu and the API all answer what it says."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from coachmap.core import access
from coachmap.core.navigation import EVERYONE, SECTIONS
from coachmap.core.routes import API_ROUTES, ROUTE_ROLES, roles_for
from tests.conftest import ROLES, World
from tests.core.test_access_matrix import EXPECTED

# Named URLs open to anonymous visitors: signing in and resetting a forgotten password.
PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    # A single sign-on that the provider cancelled or that failed: said before anyone is signed in.
    "socialaccount_login_cancelled",
    "socialaccount_login_error",
    # An invitation's link is opened before its person has a password (coachmap.people).
    "invitation_accept",
    # A load balancer's health check (issue 18): no sign-in, only words and numbers.
    "healthz",
    # A family report's link (issue 15): for families, without an account; an unguessable token.
    "families:public",
    "families:public-pdf",
    # The API's first, unversioned paths (issue 20): handed to /api/v1/, whose own sign-in
    # (a token or the session) answers 401; walked by the access matrix and tests/api.
    "api-legacy",
}
# Views that are Django's own: they check the sign-in themselves, so carry no `route`.
DJANGO_OWN = {"password_change", "password_change_done", "admin:index"}


def named_patterns() -> Iterator[tuple[str, URLPattern]]:
    """Every named page of the site; Django's admin (its own staff check) and the API (below) apart."""

    def walk(patterns: list[URLPattern | URLResolver], namespace: str) -> Iterator[tuple[str, URLPattern]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in {"admin", "api"}:
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif pattern.name and not pattern.callback.__module__.startswith("allauth."):
                # django-allauth's provider flows (coachmap.signin) are sign-in itself: public.
                yield namespace + pattern.name, pattern

    yield from walk(get_resolver().url_patterns, "")


def test_every_page_that_asks_for_a_sign_in_is_in_the_table() -> None:
    names = dict(named_patterns())
    missing = sorted(set(names) - PUBLIC - set(ROUTE_ROLES))
    assert not missing, f"Pages with no roles in core/routes.py: {missing}"
    stale = sorted(set(ROUTE_ROLES) - set(names) - DJANGO_OWN)
    assert not stale, f"core/routes.py names routes no URL has: {stale}"


def test_each_page_is_guarded_by_its_own_row_of_the_table() -> None:
    for name, pattern in named_patterns():
        if name in PUBLIC or name in DJANGO_OWN:
            continue
        guarded = getattr(pattern.callback, "route", None)
        assert guarded == name, f"{name} is guarded by {guarded!r}: use @access.route_required({name!r})"


@pytest.mark.django_db
def test_the_access_matrix_agrees_with_the_table() -> None:
    """The statuses the access matrix expects never contradict the table: a role the table refuses
    gets 403 (or 404 when the page's object is not theirs), and anonymous visitors go to sign in."""
    role_of = {
        "teacher": "teacher",
        "other_teacher": "teacher",
        "coach": "coach",
        "other_coach": "coach",
        "lead": "program_lead",
        "principal": "principal",
        "other_principal": "principal",
        "admin": "district_admin",
    }
    for name, roles in ROUTE_ROLES.items():
        if name not in EXPECTED or name in DJANGO_OWN:
            continue
        statuses = EXPECTED[name].statuses
        assert statuses["anonymous"] == 302, name
        for who, role in role_of.items():
            allowed = not roles or any(r.value == role for r in roles)
            if not allowed:
                assert statuses[who] == 403, (
                    f"{name}: the table refuses {who}, the matrix expects {statuses[who]}"
                )


def test_the_menu_offers_each_link_to_the_roles_of_the_table() -> None:
    for section in SECTIONS:
        for link in section.links:
            assert link.roles == (roles_for(link.url_name) or EVERYONE), link.url_name


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_each_page_refuses_exactly_the_roles_the_table_refuses(world: World, role: str) -> None:
    """The decorator as the user meets it: a page the table refuses to a role is 403 for them."""
    user = world.users[role]
    client = world.client(role)
    for name, pattern in named_patterns():
        if name in PUBLIC or name in DJANGO_OWN or pattern.pattern.converters:
            continue
        response = client.get(reverse(name))
        if access.may_open(user, name):
            assert response.status_code != 403, f"{role} may open {name} but got 403"
        else:
            assert response.status_code == 403, f"{role} may not open {name} but got {response.status_code}"


def test_anonymous_visitors_are_sent_to_sign_in_for_every_page_in_the_table(world: World) -> None:
    client = Client()
    for name, pattern in named_patterns():
        if name in PUBLIC or name in DJANGO_OWN or pattern.pattern.converters:
            continue
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("login") in response["Location"], name


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_the_api_refuses_exactly_the_roles_the_table_refuses(world: World, role: str) -> None:
    user = world.users[role]
    client = world.client(role)
    for api_name, page in API_ROUTES.items():
        # Writes are sent as the access matrix sends them (its method and body).
        response = EXPECTED[api_name].send(client, reverse(api_name), world)
        if access.may_open(user, page):
            assert response.status_code == 200, f"{role}: {api_name} gave {response.status_code}"
        else:
            assert response.status_code == 403, f"{role}: {api_name} gave {response.status_code}"
