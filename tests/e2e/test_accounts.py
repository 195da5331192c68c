"""Accounts in a real browser: a forgotten password reset by email, what changed on my account,
who read my notes, and changing my own password — each page checked with axe-core."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from coachmap.coaching.cycles import queries as cycle_queries
from coachmap.core import services
from coachmap.core.models import Role
from tests.conftest import World
from tests.e2e.conftest import check_page, login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a wholly new tandem bicycle 42"
LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/[^\s]+/)")


def test_forgotten_password_then_what_changed_and_who_read_my_notes(page, world: World) -> None:  # type: ignore[no-untyped-def]
    tina = world.teacher.user
    tina.email = "tina@example.org"
    tina.save(update_fields=["email"])
    services.membership_grant(actor=world.admin, user=tina, district=world.district, role=Role.COACH)
    cycle_queries.session_notes(world.coach.user, world.cycle)

    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    check_page(page, "forgot password")
    page.get_by_label("Email").fill("tina@example.org")
    page.get_by_role("button", name="Email me a link").click()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    check_page(page, "reset link sent")

    link = LINK.search(mail.outbox[-1].body)
    assert link is not None
    page.goto(link.group(1))
    check_page(page, "choose your password")
    page.get_by_label("New password:", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save my password").click()
    assert page.get_by_role("heading", name="Your password is saved").is_visible()
    check_page(page, "password saved")
    page.goto(link.group(1))
    assert page.get_by_role("heading", name="This link no longer works").is_visible()
    check_page(page, "used reset link")

    login(page, "tina", NEW_PASSWORD)
    assert page.get_by_role("heading", name="Changes to your account since you last looked").is_visible()
    check_page(page, "teacher home with account changes")
    page.goto(f"/cycles/{world.cycle.pk}/")
    assert page.get_by_role("heading", name="Who has read these notes").is_visible()
    check_page(page, "teacher cycle with its readers")

    page.get_by_role("link", name="Change password").click()
    check_page(page, "change my password")
    page.get_by_label("Old password").fill(NEW_PASSWORD)
    page.get_by_label("New password:", exact=True).fill(NEW_PASSWORD + " again")
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD + " again")
    page.get_by_role("button", name="Change my password").click()
    assert page.get_by_role("heading", name="Your password is changed").is_visible()
    logout(page)
