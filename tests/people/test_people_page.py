"""The People page (issue 13): a district admin searches, adds, invites, gives and takes roles and
switches accounts off and on — each change audited through `core.services` with the person as
subject; nobody sets a password; another district's people do not exist for them."""

from __future__ import annotations

import re
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from coachmap.core.models import AuditAction, AuditEvent, Coach, Membership, Role, Teacher, User
from tests.conftest import World
from tests.factories import DistrictFactory, SchoolFactory, TeacherFactory, UserFactory, member

pytestmark = pytest.mark.django_db

INVITATION = re.compile(r"https?://[^/\s]+(/accounts/invitation/[^\s]+/)")


def _unused_teacher(world: World, name: str, email: str) -> User:
    """A rostered teacher: no password of their own, never signed in."""
    teacher = TeacherFactory(
        school=world.school, user__username=name, user__email=email, source_id=f"t-{name}"
    )
    teacher.user.set_unusable_password()
    teacher.user.save()
    return teacher.user


def _events(person: User) -> list[str]:
    return list(AuditEvent.objects.filter(subject=person).order_by("id").values_list("action", flat=True))


def test_people_are_searchable_by_name_and_email(world: World) -> None:
    world.teacher.user.email = "tina.t@riverbend.example.org"
    world.teacher.user.save()
    admin = world.client("admin")
    page = admin.get(reverse("people:index"), {"q": "riverbend.example"}).content.decode()
    assert str(world.teacher.user) in page
    assert str(world.other_teacher.user) not in page
    page = admin.get(reverse("people:index"), {"q": world.coach.user.last_name}).content.decode()
    assert str(world.coach.user) in page
    assert "1 person found" in page


def test_people_are_paginated(world: World) -> None:
    for n in range(30):
        _unused_teacher(world, f"bulk{n:02}", f"bulk{n:02}@example.org")
    admin = world.client("admin")
    first = admin.get(reverse("people:index"), {"q": "bulk"}).content.decode()
    assert "30 people found" in first
    assert "Page 1 of 2" in first
    second = admin.get(reverse("people:index"), {"q": "bulk", "page": 2}).content.decode()
    assert "Page 2 of 2" in second


def test_add_a_person_invites_them_and_they_choose_their_password(world: World) -> None:
    admin = world.client("admin")
    response = admin.post(
        reverse("people:new"),
        {
            "first_name": "Nia",
            "last_name": "Newton",
            "email": "nia@riverbend.example.org",
            "role": "teacher",
            "school": world.school.pk,
        },
    )
    nia = User.objects.get(email="nia@riverbend.example.org")
    assert response.status_code == 302
    assert response.url == reverse("people:person", args=[nia.pk])
    assert not nia.has_usable_password()
    assert Teacher.objects.get(user=nia).school == world.school
    assert _events(nia) == [AuditAction.ACCOUNT_CREATE, AuditAction.ROLE_CHANGE, AuditAction.PASSWORD_LINK]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nia@riverbend.example.org"]
    assert "invited you to coachmap" in mail.outbox[0].body
    assert "for 7 days" in mail.outbox[0].body
    assert INVITATION.search(mail.outbox[0].body)
    page = admin.get(reverse("people:person", args=[nia.pk])).content.decode()
    assert "Invited; the link works until" in page
    assert 'type="password"' not in page


def test_add_refuses_a_teacher_without_a_school_and_a_duplicate_email(world: World) -> None:
    admin = world.client("admin")
    data = {"first_name": "Al", "last_name": "Ng", "email": "al@example.org", "role": "teacher", "school": ""}
    page = admin.post(reverse("people:new"), data).content.decode()
    assert "A teacher belongs to a school: choose one." in page
    world.coach.user.email = "carla@example.org"
    world.coach.user.save()
    page = admin.post(
        reverse("people:new"), {**data, "email": "carla@example.org", "role": "coach"}
    ).content.decode()
    assert "already has the address carla@example.org" in page
    assert not User.objects.filter(first_name="Al").exists()
    assert mail.outbox == []


def test_add_when_the_mail_server_is_down_changes_nothing(world: World) -> None:
    before = (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
    with mock.patch("coachmap.core.services.send_mail", side_effect=smtplib.SMTPConnectError(421, "down")):
        page = world.client("admin").post(
            reverse("people:new"),
            {"first_name": "Al", "last_name": "Ng", "email": "al@example.org", "role": "coach"},
        )
    assert page.status_code == 200
    assert "The mail server did not accept the invitation, so nothing was changed" in page.content.decode()
    assert (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count()) == before


def test_give_and_take_roles_per_school(world: World) -> None:
    admin = world.client("admin")
    tina = world.teacher.user
    response = admin.post(
        reverse("people:role-give", args=[tina.pk]), {"role": "principal", "school": world.other_school.pk}
    )
    assert response.status_code == 302
    made = Membership.objects.get(user=tina, role=Role.PRINCIPAL)
    assert made.school == world.other_school
    admin.post(reverse("people:role-give", args=[tina.pk]), {"role": "coach"})
    assert Coach.objects.filter(user=tina, district=world.district).exists()
    response = admin.post(reverse("people:role-take", args=[tina.pk, made.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=made.pk).exists()
    changes = AuditEvent.objects.filter(subject=tina, action=AuditAction.ROLE_CHANGE).order_by("id")
    assert [e.detail["change"] for e in changes] == ["grant", "grant", "revoke"]
    assert all(e.actor == world.admin for e in changes)


def test_a_persons_last_role_and_the_last_admin_cannot_be_taken(world: World) -> None:
    admin = world.client("admin")
    omar = world.other_teacher.user
    only = Membership.objects.get(user=omar)
    page = admin.post(reverse("people:role-take", args=[omar.pk, only.pk]), follow=True).content.decode()
    assert "only role in Riverbend" in page
    assert Membership.objects.filter(pk=only.pk).exists()
    member(world.admin, Role.COACH, district=world.district)
    mine = Membership.objects.get(user=world.admin, role=Role.DISTRICT_ADMIN)
    page = admin.post(
        reverse("people:role-take", args=[world.admin.pk, mine.pk]), follow=True
    ).content.decode()
    assert "only district admin of Riverbend" in page
    assert Membership.objects.filter(pk=mine.pk).exists()


def test_a_role_for_a_school_needs_the_school(world: World) -> None:
    page = world.client("admin").post(
        reverse("people:role-give", args=[world.coach.user.pk]), {"role": "teacher", "school": ""}
    )
    assert page.status_code == 200
    assert "A teacher belongs to a school: choose one." in page.content.decode()
    assert not Membership.objects.filter(user=world.coach.user, role=Role.TEACHER).exists()


def test_switch_off_and_on(world: World) -> None:
    admin = world.client("admin")
    coach = world.coach.user
    admin.post(reverse("people:switch", args=[coach.pk]))
    coach.refresh_from_db()
    assert not coach.is_active
    assert not Client().login(username=coach.username, password="correct horse battery staple")
    page = admin.get(reverse("people:index"), {"standing": "switched_off"}).content.decode()
    assert str(coach) in page
    admin.post(reverse("people:switch", args=[coach.pk]), {"active": "on"})
    coach.refresh_from_db()
    assert coach.is_active
    changes = AuditEvent.objects.filter(subject=coach, action=AuditAction.ACCOUNT_CHANGE).order_by("id")
    assert [e.detail["changes"]["is_active"] for e in changes] == [[True, False], [False, True]]


def test_an_admin_cannot_switch_themselves_off(world: World) -> None:
    page = world.client("admin").post(reverse("people:switch", args=[world.admin.pk]), follow=True)
    assert "You cannot switch off your own account." in page.content.decode()
    world.admin.refresh_from_db()
    assert world.admin.is_active


def test_not_accepted_list_and_send_again(world: World) -> None:
    ann = _unused_teacher(world, "ann", "ann@example.org")
    bo = _unused_teacher(world, "bo", "bo@example.org")
    admin = world.client("admin")
    admin.post(reverse("people:invite", args=[ann.pk]))
    listed = admin.get(reverse("people:index"), {"standing": "not_accepted"}).content.decode()
    assert str(ann) in listed and str(bo) in listed
    assert str(world.coach.user) not in listed  # has a password
    invited = admin.get(reverse("people:index"), {"standing": "invited"}).content.decode()
    assert str(ann) in invited and str(bo) not in invited
    assert "Send again" in invited
    admin.post(reverse("people:invite", args=[ann.pk]))
    assert len(mail.outbox) == 2
    assert [m.to for m in mail.outbox] == [["ann@example.org"], ["ann@example.org"]]
    assert _events(ann).count(AuditAction.PASSWORD_LINK) == 2


def test_invite_every_rostered_teacher_with_no_sign_in_yet(world: World) -> None:
    fresh = [_unused_teacher(world, f"new{n}", f"new{n}@example.org") for n in range(3)]
    no_email = _unused_teacher(world, "noemail", "")
    admin = world.client("admin")
    confirm = admin.get(reverse("people:invite-teachers")).content.decode()
    assert "invitation to <strong>3 teachers</strong>" in confirm
    assert "1 teacher without an email address" in confirm
    assert "Send 3 invitations" in confirm
    # A stale confirmation (the list changed) sends nothing.
    response = admin.post(reverse("people:invite-teachers"), {"expected": "2"}, follow=True)
    assert "The list has changed since you looked: 3 teachers" in response.content.decode()
    assert mail.outbox == []
    response = admin.post(reverse("people:invite-teachers"), {"expected": "3"}, follow=True)
    assert "Invited 3 teachers" in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == [p.email for p in fresh]
    assert not _events(no_email)
    # Teachers who have signed in (the world's) were not invited; nobody is left to invite.
    assert "Nothing to send" in admin.get(reverse("people:invite-teachers")).content.decode()


def test_inviting_everyone_stops_cleanly_when_the_mail_server_fails(world: World) -> None:
    for n in range(3):
        _unused_teacher(world, f"new{n}", f"new{n}@example.org")
    sent: list[str] = []

    def flaky(subject: str, body: str, sender: object, to: list[str]) -> int:
        if sent:
            raise smtplib.SMTPServerDisconnected("gone")
        sent.append(to[0])
        return 1

    with mock.patch("coachmap.core.services.send_mail", side_effect=flaky):
        page = world.client("admin").post(reverse("people:invite-teachers"), {"expected": "3"}, follow=True)
    text = page.content.decode()
    assert "Invited 1 teacher." in text
    assert "Stopped before the last 2" in text
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_LINK).count() == 1
    # The two left over are offered again.
    assert (
        "Send 2 invitations" in world.client("admin").get(reverse("people:invite-teachers")).content.decode()
    )


# --- attacks --------------------------------------------------------------------------------------


@pytest.fixture
def elsewhere(world: World) -> User:
    other = DistrictFactory(name="Hillcrest")
    school = SchoolFactory(district=other)
    person = TeacherFactory(school=school, user__email="x@hillcrest.example.org").user
    member(UserFactory(username="hadmin"), Role.DISTRICT_ADMIN, district=other)
    return person


def _person_urls(person: User) -> list[tuple[str, str, dict[str, str]]]:
    membership = Membership.objects.filter(user=person).first()
    assert membership is not None
    return [
        ("get", reverse("people:person", args=[person.pk]), {}),
        ("post", reverse("people:role-give", args=[person.pk]), {"role": "coach"}),
        ("post", reverse("people:role-take", args=[person.pk, membership.pk]), {}),
        ("post", reverse("people:switch", args=[person.pk]), {}),
        ("post", reverse("people:invite", args=[person.pk]), {}),
    ]


def test_another_districts_person_is_a_404_and_nothing_changes(world: World, elsewhere: User) -> None:
    before = (list(Membership.objects.values_list("pk", "role")), AuditEvent.objects.count())
    admin = world.client("admin")
    for method, url, data in _person_urls(elsewhere):
        assert getattr(admin, method)(url, data).status_code == 404, url
    assert "Hillcrest" not in admin.get(reverse("people:index"), {"q": "hillcrest"}).content.decode()
    elsewhere.refresh_from_db()
    assert elsewhere.is_active
    assert (list(Membership.objects.values_list("pk", "role")), AuditEvent.objects.count()) == before
    assert mail.outbox == []


def test_a_membership_of_another_person_cannot_be_taken_through_mine(world: World, elsewhere: User) -> None:
    theirs = Membership.objects.get(user=elsewhere)
    tina = world.teacher.user
    response = world.client("admin").post(reverse("people:role-take", args=[tina.pk, theirs.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("role", ["teacher", "coach", "lead", "principal", "other_principal"])
def test_every_other_role_is_refused(world: World, role: str) -> None:
    client = world.client(role)
    urls = [
        ("get", reverse("people:index"), {}),
        ("get", reverse("people:new"), {}),
        (
            "post",
            reverse("people:new"),
            {"first_name": "X", "last_name": "Y", "email": "x@y.org", "role": "coach"},
        ),
        ("get", reverse("people:invite-teachers"), {}),
        ("post", reverse("people:invite-teachers"), {"expected": "0"}),
        *_person_urls(world.teacher.user),
    ]
    before = AuditEvent.objects.count()
    for method, url, data in urls:
        assert getattr(client, method)(url, data).status_code == 403, f"{method} {url} as {role}"
    assert AuditEvent.objects.count() == before
    assert mail.outbox == []


def test_the_menu_shows_people_to_district_admins_only(world: World) -> None:
    assert reverse("people:index") in world.client("admin").get(reverse("home")).content.decode()
    assert reverse("people:index") not in world.client("lead").get(reverse("home")).content.decode()
