"""Invitations (issue 13): single-use links that expire (INVITATION_TIMEOUT, 7 days by default).
An expired or used link gets a page that says so and who can send a new one, and changes nothing."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from coachmap.core.models import User
from tests.conftest import World
from tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db

INVITATION = re.compile(r"https?://[^/\s]+(/accounts/invitation/[^\s]+/)")
PASSWORD = "my own choice of password 31"


def _invite(world: World, email: str = "ivy@example.org") -> tuple[User, str]:
    teacher = TeacherFactory(school=world.school, user__username="ivy", user__email=email)
    teacher.user.set_unusable_password()
    teacher.user.save()
    world.client("admin").post(reverse("people:invite", args=[teacher.user.pk]))
    found = INVITATION.search(mail.outbox[-1].body)
    assert found, mail.outbox[-1].body
    return teacher.user, found.group(1)


def _choose(client: Client, path: str, password: str) -> str:
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    return client.post(
        form_url, {"new_password1": password, "new_password2": password}, follow=True
    ).content.decode()


def test_an_invitation_is_accepted_once(world: World) -> None:
    ivy, link = _invite(world)
    page = Client().get(link, follow=True).content.decode()
    assert "Welcome to coachmap for Riverbend" in page
    assert "Your password is saved" in _choose(Client(), link, PASSWORD)
    assert authenticate(username="ivy", password=PASSWORD) is not None
    # Used: the page says so, and a second password is not taken.
    page = _choose(Client(), link, "somebody else's choice 99")
    assert "This invitation has already been used" in page
    ivy.refresh_from_db()
    assert ivy.check_password(PASSWORD)
    # Accepted people leave the "not accepted" list.
    listed = world.client("admin").get(reverse("people:index"), {"standing": "not_accepted"}).content.decode()
    assert str(ivy) not in listed


def test_an_expired_invitation_changes_nothing_and_names_who_to_ask(world: World) -> None:
    sent = timezone.now()
    with time_machine.travel(sent, tick=False):
        ivy, link = _invite(world)
    with time_machine.travel(sent + datetime.timedelta(days=6, hours=23), tick=False):
        assert "Choose your password" in Client().get(link, follow=True).content.decode()
    with time_machine.travel(sent + datetime.timedelta(days=7, minutes=1), tick=False):
        page = _choose(Client(), link, PASSWORD)
        assert "This invitation has expired" in page
        assert "Ask the Riverbend admin to send a new one" in page
        ivy.refresh_from_db()
        assert not ivy.has_usable_password()
        listed = world.client("admin").get(reverse("people:index"), {"standing": "expired"}).content.decode()
        assert str(ivy) in listed
        assert "Invitation expired on" in listed
        # Sent again, a fresh link works.
        world.client("admin").post(reverse("people:invite", args=[ivy.pk]))
        fresh = INVITATION.search(mail.outbox[-1].body)
        assert fresh is not None
        assert "Your password is saved" in _choose(Client(), fresh.group(1), PASSWORD)


@override_settings(INVITATION_TIMEOUT=3600)
def test_the_lifetime_is_a_setting(world: World) -> None:
    sent = timezone.now()
    with time_machine.travel(sent, tick=False):
        _, link = _invite(world)
        assert "works once, for 1 hour." in mail.outbox[-1].body
    with time_machine.travel(sent + datetime.timedelta(hours=2), tick=False):
        assert "This invitation has expired" in Client().get(link, follow=True).content.decode()


def test_a_tampered_or_foreign_link_is_refused(world: World) -> None:
    ivy, link = _invite(world)
    uid, token = link.rstrip("/").split("/")[-2:]
    assert (
        "This invitation has expired"
        in Client().get(f"/accounts/invitation/{uid}/{token}x/").content.decode()
    )
    # A password-reset token does not open the invitation page, nor the reverse.
    page = Client().get(link.replace("/accounts/invitation/", "/accounts/password/reset/"), follow=True)
    assert "This link no longer works" in page.content.decode()
    assert "This invitation has expired" in Client().get("/accounts/invitation/zz/1-2/").content.decode()
    ivy.refresh_from_db()
    assert not ivy.has_usable_password()


def test_signing_in_another_way_ends_the_invitation(world: World) -> None:
    ivy, link = _invite(world)
    ivy.last_login = timezone.now()  # as single sign-on would
    ivy.save(update_fields=["last_login"])
    assert "This invitation has already been used" in Client().get(link, follow=True).content.decode()


def test_times_show_in_the_districts_time_zone(world: World) -> None:
    sent = datetime.datetime(2026, 12, 6, 12, 0, tzinfo=datetime.UTC)
    with time_machine.travel(sent, tick=False):
        ivy, _ = _invite(world)
        page = world.client("admin").get(reverse("people:person", args=[ivy.pk])).content.decode()
        assert "the link works until December 13, 2026, 07:00" in page  # the server's New York
        world.district.time_zone = "America/Chicago"
        world.district.save(update_fields=["time_zone"])
        page = world.client("admin").get(reverse("people:person", args=[ivy.pk])).content.decode()
        assert "the link works until December 13, 2026, 06:00" in page
