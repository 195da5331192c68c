"""People in a real browser (issue 13): a district admin invites the teachers who have no sign-in
yet; a teacher opens the invitation from the email, chooses a password and signs in; the used
link then says so. Each page is checked with axe-core."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.conftest import World
from tests.e2e.conftest import check_page, login, logout
from tests.factories import PASSWORD, TeacherFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "my classroom, my password 2026"
INVITATION = re.compile(r"https?://[^/\s]+(/accounts/invitation/[^\s]+/)")


def test_admin_invites_a_teacher_who_accepts_and_signs_in(page, world: World) -> None:  # type: ignore[no-untyped-def]
    rostered = TeacherFactory(
        school=world.school,
        source_id="t-rosa",
        user__username="rosa.reyes@riverbend.example.org",
        user__first_name="Rosa",
        user__last_name="Reyes",
        user__email="rosa.reyes@riverbend.example.org",
    ).user
    rostered.set_unusable_password()
    rostered.save()

    login(page, world.admin.username, PASSWORD)
    page.get_by_role("link", name="People").first.click()
    assert page.get_by_role("heading", name="People of Riverbend").is_visible()
    check_page(page, "people list")
    page.get_by_label("Name or email").fill("Reyes")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Rosa Reyes").click()
    assert page.get_by_text("Not invited yet").is_visible()
    check_page(page, "person page")

    page.get_by_role("link", name="People").first.click()
    page.get_by_role("link", name=re.compile(r"Invite every teacher with no sign-in yet \(1\)")).click()
    assert page.get_by_text("Rosa Reyes (rosa.reyes@riverbend.example.org)").is_visible()
    check_page(page, "invite every teacher")
    page.get_by_role("button", name="Send 1 invitation").click()
    assert page.get_by_text("Invited 1 teacher").is_visible()
    assert page.get_by_role("link", name="Rosa Reyes").is_visible()
    check_page(page, "not accepted yet")
    logout(page)

    assert [m.to for m in mail.outbox] == [["rosa.reyes@riverbend.example.org"]]
    link = INVITATION.search(mail.outbox[0].body)
    assert link is not None
    page.goto(link.group(1))
    assert page.get_by_role("heading", name="Welcome to coachmap for Riverbend").is_visible()
    check_page(page, "invitation")
    page.get_by_label("New password:", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save my password").click()
    assert page.get_by_role("heading", name="Your password is saved").is_visible()

    login(page, "rosa.reyes@riverbend.example.org", NEW_PASSWORD)
    assert page.get_by_role("button", name="Sign out").is_visible()
    logout(page)
    page.goto(link.group(1))
    assert page.get_by_role("heading", name="This invitation has already been used").is_visible()
    check_page(page, "used invitation")
