"""The main menu: every link exists, and no role is offered a page it cannot open."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coachmap.core import access
from coachmap.core.models import Role
from coachmap.core.navigation import SECTIONS, menu_for
from tests.conftest import ROLES, World

pytestmark = pytest.mark.django_db


def test_every_menu_link_names_a_page() -> None:
    for section in SECTIONS:
        for link in section.links:
            assert reverse(link.url_name)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_each_role_can_open_every_page_its_menu_offers(world: World, role: str) -> None:
    user = world.users[role]
    client = world.client(role)
    for section in menu_for(access.roles(user)):
        for link in section.links:
            response = client.get(link.url)
            assert response.status_code == 200, (
                f"{role}: menu offers {link.label} ({link.url}), page gave {response.status_code}"
            )


def test_a_menu_is_the_union_of_the_roles_held() -> None:
    def labels(*roles: Role) -> set[str]:
        return {link.label for section in menu_for(roles) for link in section.links}

    assert "Requests" in labels(Role.PROGRAM_LEAD)
    assert "Requests" not in labels(Role.TEACHER, Role.COACH)
    assert labels(Role.TEACHER, Role.COACH) == labels(Role.TEACHER) | labels(Role.COACH)
    assert menu_for([]) == []


def test_the_current_page_is_marked(world: World) -> None:
    body = world.client("coach").get(reverse("coaching:caseload")).content.decode()
    assert f'<a href="{reverse("coaching:caseload")}" aria-current="page">Caseload</a>' in body
