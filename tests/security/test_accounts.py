"""Issue 12, item 1: nobody can set or learn another person's password, anywhere.

The attack: a district admin set a coach's password at /admin/core/user/<id>/password/, signed in
as the coach and read every confidential note. Now passwords are set only by their owners (an
emailed single-use link, or the old password), and every change an admin makes to an account is
audited and shown to its owner on their next sign-in.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from coachmap.api.api import api
from coachmap.core.models import AuditAction, AuditEvent, Membership, Role, User
from tests.conftest import SECRET_NOTE, World
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a wholly new tandem bicycle 42"
# A reset link, or an invitation: the first link of an account nobody has used yet (issue 13).
LINK = re.compile(r"https?://[^/\s]+(/accounts/(?:password/reset|invitation)/[^\s]+/)")


def _link_in(message: mail.EmailMessage) -> str:
    found = LINK.search(message.body)
    assert found, f"no set-your-password link in: {message.body}"
    return found.group(1)


def _set_password_through(client: Client, link: str, password: str) -> str:
    """Follow an emailed link and choose a password; returns the page's text."""
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(form_url, {"new_password1": password, "new_password2": password}, follow=True)
    return response.content.decode()


# --- the reproduction: the admin's password form ---------------------------------------------------


def test_admin_cannot_set_a_coachs_password_in_the_admin(world: World) -> None:
    coach = world.coach.user
    url = f"/admin/core/user/{coach.pk}/password/"
    admin = world.client("admin")
    assert admin.get(url).status_code in (403, 404)
    response = admin.post(
        url, {"password1": "takeover-9876!", "password2": "takeover-9876!", "usable_password": "true"}
    )
    assert response.status_code in (403, 404)
    coach.refresh_from_db()
    assert coach.check_password(PASSWORD)
    assert not coach.check_password("takeover-9876!")
    # So the admin cannot sign in as the coach, nor read the coach's notes.
    attacker = Client()
    assert not attacker.login(username=coach.username, password="takeover-9876!")
    assert SECRET_NOTE not in attacker.get(reverse("coaching:cycle", args=[world.cycle.pk])).content.decode()


def test_admin_user_forms_have_no_password_fields(world: World) -> None:
    admin = world.client("admin")
    change = admin.get(reverse("admin:core_user_change", args=[world.coach.user.pk])).content.decode()
    add = admin.get(reverse("admin:core_user_add")).content.decode()
    for page in (change, add):
        assert 'type="password"' not in page
        assert 'name="password' not in page
        assert 'name="usable_password"' not in page
    assert "/password/" not in change


def test_admin_change_form_cannot_smuggle_a_password(world: World) -> None:
    coach = world.coach.user
    world.client("admin").post(
        reverse("admin:core_user_change", args=[coach.pk]),
        {
            "first_name": coach.first_name,
            "last_name": coach.last_name,
            "email": coach.email,
            "is_active": "on",
            "password": "smuggled-4321!",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    coach.refresh_from_db()
    assert coach.check_password(PASSWORD)


# --- people added by an admin ---------------------------------------------------------------------


def _add_person(world: World, **extra: str) -> User:
    data = {
        "username": "newcoach",
        "first_name": "Nia",
        "last_name": "Newton",
        "email": "nia@example.org",
        "role": Role.COACH.value,
        "school": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        **extra,
    }
    response = world.client("admin").post(reverse("admin:core_user_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return User.objects.get(username=data["username"])


def test_person_added_in_the_admin_gets_an_unusable_password_and_a_link(world: World) -> None:
    person = _add_person(world)
    assert not person.has_usable_password()
    assert Membership.objects.filter(user=person, role=Role.COACH, district=world.district).exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nia@example.org"]
    assert "Set your coachmap password" in message.subject
    assert str(world.admin) in message.body
    # The admin's audit trail has the addition, the role and the link; none of it holds a password.
    actions = set(AuditEvent.objects.filter(subject=person).values_list("action", flat=True))
    assert actions == {AuditAction.ACCOUNT_CREATE, AuditAction.ROLE_CHANGE, AuditAction.PASSWORD_LINK}
    # Only the person, through the link, chooses the password.
    page = _set_password_through(Client(), _link_in(message), NEW_PASSWORD)
    assert "Your password is saved" in page
    assert authenticate(username="newcoach", password=NEW_PASSWORD) is not None


def test_a_teacher_added_in_the_admin_belongs_to_a_school(world: World) -> None:
    person = _add_person(world, username="newteacher", role=Role.TEACHER.value, school=str(world.school.pk))
    assert person.teacher.school == world.school
    assert Membership.objects.filter(user=person, role=Role.TEACHER, school=world.school).exists()


# --- commands ---------------------------------------------------------------------------------------


def test_changepassword_command_refuses(world: World) -> None:
    with pytest.raises(CommandError, match="does not let anyone set another person's password"):
        call_command("changepassword", world.coach.user.username)
    world.coach.user.refresh_from_db()
    assert world.coach.user.check_password(PASSWORD)


def test_createsuperuser_refuses_once_people_exist(world: World) -> None:
    with pytest.raises(CommandError, match="only for first-run setup"):
        call_command("createsuperuser", "--noinput", "--username", "root", "--email", "root@example.org")
    assert not User.objects.filter(username="root").exists()


def test_createsuperuser_works_on_an_empty_database(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "first run only 2026")
    call_command("createsuperuser", "--noinput", "--username", "root", "--email", "root@example.org")
    assert User.objects.get(username="root").is_superuser


# --- forgotten password: a single-use emailed link to the person themselves -------------------------


def _with_email(world: World) -> User:
    teacher = world.teacher.user
    teacher.email = "tina@example.org"
    teacher.save(update_fields=["email"])
    return teacher


def test_sign_in_page_links_to_the_reset_page() -> None:
    page = Client().get(reverse("login")).content.decode()
    assert reverse("password_reset") in page
    assert "Forgot your password?" in page


def test_forgotten_password_reset_by_email_end_to_end(world: World) -> None:
    teacher = _with_email(world)
    client = Client()
    response = client.post(reverse("password_reset"), {"email": "tina@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["tina@example.org"]
    link = _link_in(mail.outbox[0])
    assert "Your password is saved" in _set_password_through(client, link, NEW_PASSWORD)
    teacher.refresh_from_db()
    assert teacher.check_password(NEW_PASSWORD)
    fresh = Client()
    assert fresh.post(reverse("login"), {"username": "tina", "password": NEW_PASSWORD}).status_code == 302
    assert SECRET_NOTE in fresh.get(reverse("coaching:cycle", args=[world.cycle.pk])).content.decode()


def test_a_used_reset_link_no_longer_works(world: World) -> None:
    teacher = _with_email(world)
    Client().post(reverse("password_reset"), {"email": "tina@example.org"})
    link = _link_in(mail.outbox[0])
    _set_password_through(Client(), link, NEW_PASSWORD)
    # Someone who later finds the email (or the admin who watched it go) cannot use it again.
    page = _set_password_through(Client(), link, "second try with the same link 77")
    assert "This link no longer works" in page
    teacher.refresh_from_db()
    assert teacher.check_password(NEW_PASSWORD)


def test_reset_never_reveals_whether_an_email_exists(world: World) -> None:
    _with_email(world)
    known = Client().post(reverse("password_reset"), {"email": "tina@example.org"}, follow=True)
    unknown = Client().post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert known.content == unknown.content
    assert len(mail.outbox) == 1  # only the real person got mail


# --- changing one's own password ------------------------------------------------------------------


def test_a_person_changes_their_own_password_with_the_old_one(world: World) -> None:
    client = world.client("coach")
    url = reverse("password_change")
    wrong = client.post(
        url, {"old_password": "not it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert wrong.status_code == 200
    world.coach.user.refresh_from_db()
    assert world.coach.user.check_password(PASSWORD)
    right = client.post(
        url, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert right.status_code == 302
    world.coach.user.refresh_from_db()
    assert world.coach.user.check_password(NEW_PASSWORD)


# --- every change an admin makes is audited and shown to the person --------------------------------


def test_admin_role_change_is_audited_and_shown_once_on_next_sign_in(world: World) -> None:
    response = world.client("admin").post(
        reverse("admin:core_membership_add"),
        {"user": world.teacher.user.pk, "role": Role.PRINCIPAL.value, "school": world.school.pk},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.ROLE_CHANGE, subject=world.teacher.user)
    assert event.actor == world.admin
    teacher = world.client("teacher")
    assert "See what changed" in teacher.get(reverse("coaching:my-goals")).content.decode()
    home = teacher.get(reverse("home")).content.decode()
    assert "Changes to your account" in home
    assert f"You were given the principal role at {world.school.name}." in home
    assert str(world.admin) in home
    again = teacher.get(reverse("home")).content.decode()
    assert "Changes to your account" not in again  # marked seen once shown
    assert "See what changed" not in teacher.get(reverse("coaching:my-goals")).content.decode()


def test_switching_an_account_off_and_on_is_audited_and_shown(world: World) -> None:
    coach = world.coach.user
    url = reverse("admin:core_user_change", args=[coach.pk])
    form = {
        "first_name": coach.first_name,
        "last_name": coach.last_name,
        "email": coach.email,
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    admin = world.client("admin")
    assert admin.post(url, form).status_code == 302  # is_active left out: switched off
    coach.refresh_from_db()
    assert not coach.is_active
    assert admin.post(url, {**form, "is_active": "on"}).status_code == 302
    changes = list(
        AuditEvent.objects.filter(action=AuditAction.ACCOUNT_CHANGE, subject=coach)
        .order_by("id")
        .values_list("detail__changes", flat=True)
    )
    assert changes == [{"is_active": [True, False]}, {"is_active": [False, True]}]
    home = world.client("coach").get(reverse("home")).content.decode()
    assert "Your account was switched off." in home
    assert "Your account was switched on." in home


def test_admin_cannot_redirect_the_email_of_someone_with_their_own_password(world: World) -> None:
    """Else the admin could point a coach's email at themselves and reset the coach's password."""
    coach = world.coach.user
    response = world.client("admin").post(
        reverse("admin:core_user_change", args=[coach.pk]),
        {
            "first_name": coach.first_name,
            "last_name": coach.last_name,
            "email": "admin-owned@example.org",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "only they can change their email" in response.content.decode()
    coach.refresh_from_db()
    assert coach.email != "admin-owned@example.org"


def test_admin_may_correct_the_email_of_someone_without_a_password_and_it_is_shown(world: World) -> None:
    person = _add_person(world)
    response = world.client("admin").post(
        reverse("admin:core_user_change", args=[person.pk]),
        {
            "first_name": "Nia",
            "last_name": "Newton",
            "email": "nia.newton@example.org",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_CHANGE, subject=person)
    assert event.detail["changes"] == {"email": ["nia@example.org", "nia.newton@example.org"]}


def test_admin_sending_a_reset_link_is_audited_and_goes_only_to_the_person(world: World) -> None:
    coach = world.coach.user
    coach.email = "carla@example.org"
    coach.save(update_fields=["email"])
    response = world.client("admin").post(
        reverse("admin:core_user_changelist"),
        {"action": "send_password_link", "_selected_action": [coach.pk]},
        follow=True,
    )
    assert "Sent 1 set-your-password link" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["carla@example.org"]]
    event = AuditEvent.objects.get(action=AuditAction.PASSWORD_LINK, subject=coach)
    assert event.actor == world.admin
    home = world.client("coach").get(reverse("home")).content.decode()
    assert "A link to set your password was sent to your email address." in home


# --- no impersonation, no password route in the API -------------------------------------------------


def _patterns(patterns: list[object], prefix: str = "") -> list[str]:
    found: list[str] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            found += _patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            found.append(prefix + str(p.pattern))
    return found


def test_there_is_no_impersonation_feature() -> None:
    routes = " ".join(_patterns(get_resolver().url_patterns)).lower()
    for word in ("impersonat", "hijack", "login-as", "login_as", "loginas", "become", "switch-user", "su/"):
        assert word not in routes, f"a route mentions {word!r}"


def test_the_api_has_no_route_that_touches_passwords_or_accounts() -> None:
    paths = api.get_openapi_schema()["paths"]
    assert not [p for p in paths if re.search(r"password|users?\b|account|impersonat", p)]


def test_a_roster_import_cannot_redirect_the_email_of_someone_with_their_own_password() -> None:
    """A crafted roster file was another way to send a teacher's reset link elsewhere."""
    from coachmap.core.models import Teacher
    from tests.roster.conftest import SAMPLE, do_import

    do_import("oneroster", SAMPLE)
    kelley = Teacher.objects.get(source_id="207270").user
    from_file = kelley.email
    assert from_file
    kelley.email = "kelley.own@example.org"
    kelley.set_password(NEW_PASSWORD)
    kelley.save()
    do_import("oneroster", SAMPLE)
    kelley.refresh_from_db()
    assert kelley.email == "kelley.own@example.org"
    # Someone who never set a password still gets the directory's address.
    kelley.set_unusable_password()
    kelley.save()
    do_import("oneroster", SAMPLE)
    kelley.refresh_from_db()
    assert kelley.email == from_file


def test_a_teacher_given_a_role_by_a_roster_import_is_told() -> None:
    from coachmap.core.models import Teacher
    from tests.roster.conftest import SAMPLE, do_import

    do_import("oneroster", SAMPLE)
    kelley = Teacher.objects.get(source_id="207270").user
    event = AuditEvent.objects.get(action=AuditAction.ROLE_CHANGE, subject=kelley)
    assert event.detail["change"] == "grant"
    client = Client()
    client.force_login(kelley)
    home = client.get(reverse("home")).content.decode()
    assert "You were given the teacher role at Grand Bend High School." in home


def test_adding_a_teacher_without_a_school_asks_for_one(world: World) -> None:
    response = world.client("admin").post(
        reverse("admin:core_user_add"),
        {"username": "noschool", "email": "ns@example.org", "role": Role.TEACHER.value, "school": ""},
    )
    assert response.status_code == 200
    assert "A teacher belongs to a school: choose one." in response.content.decode()
    assert not User.objects.filter(username="noschool").exists()
    assert not mail.outbox


def test_admin_changes_to_a_coachs_schools_and_capacity_are_audited_and_shown(world: World) -> None:
    coach = world.coach
    response = world.client("admin").post(
        reverse("admin:core_coach_change", args=[coach.pk]),
        {"coach_type": coach.coach_type, "schools": [world.school.pk, world.other_school.pk], "capacity": 7},
    )
    assert response.status_code == 302
    coach.refresh_from_db()
    assert coach.capacity == 7
    assert set(coach.schools.all()) == {world.school, world.other_school}
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_CHANGE, subject=coach.user)
    assert event.actor == world.admin
    assert set(event.detail["changes"]) == {"schools", "capacity"}
    home = world.client("coach").get(reverse("home")).content.decode()
    assert (
        f"Your list of schools served was changed from “{world.school.name}” to "
        f"“{world.other_school.name}, {world.school.name}”." in home
    )
    assert "Your capacity (most coaching cycles at once) was changed from “5” to “7”." in home


def test_admin_moving_a_teacher_is_audited_and_stays_in_the_district(world: World) -> None:
    from tests.factories import SchoolFactory

    teacher = world.teacher
    url = reverse("admin:core_teacher_change", args=[teacher.pk])
    form = {"years_experience": 3, "grades": "[3]", "subjects": '["ela"]'}
    admin = world.client("admin")
    elsewhere = SchoolFactory()
    assert admin.post(url, {**form, "school": elsewhere.pk}).status_code == 200
    teacher.refresh_from_db()
    assert teacher.school == world.school
    assert admin.post(url, {**form, "school": world.other_school.pk}).status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_CHANGE, subject=teacher.user)
    assert event.detail["changes"]["school"] == [world.school.name, world.other_school.name]
    home = world.client("teacher").get(reverse("home")).content.decode()
    assert f"Your school was changed from “{world.school.name}” to “{world.other_school.name}”." in home


def test_a_person_changes_their_own_email_with_their_password_and_the_old_address_is_told(
    world: World,
) -> None:
    coach = world.coach.user
    coach.email = "carla@example.org"
    coach.save(update_fields=["email"])
    client = world.client("coach")
    wrong = client.post(reverse("email_change"), {"email": "carla.new@example.org", "password": "not it"})
    assert wrong.status_code == 200
    assert "That is not your current password." in wrong.content.decode()
    coach.refresh_from_db()
    assert coach.email == "carla@example.org"
    right = client.post(reverse("email_change"), {"email": "carla.new@example.org", "password": PASSWORD})
    assert right.status_code == 302
    coach.refresh_from_db()
    assert coach.email == "carla.new@example.org"
    assert [m.to for m in mail.outbox] == [["carla@example.org"]]
    assert "carla.new@example.org" in mail.outbox[0].body


@override_settings(AXES_ENABLED=True)
def test_a_password_set_by_email_lifts_a_sign_in_pause_at_once(world: World) -> None:
    """The lockout page promises that the emailed link works: a person paused after five wrong
    passwords who sets a new one by email signs in straight away, not fifteen minutes later."""
    _with_email(world)
    client = Client()
    for _ in range(5):
        client.post(reverse("login"), {"username": "tina", "password": "not her password"})
    assert client.post(reverse("login"), {"username": "tina", "password": "still wrong"}).status_code == 429
    client.post(reverse("password_reset"), {"email": "tina@example.org"})
    _set_password_through(client, _link_in(mail.outbox[0]), NEW_PASSWORD)
    response = Client().post(reverse("login"), {"username": "tina", "password": NEW_PASSWORD})
    assert response.status_code == 302
