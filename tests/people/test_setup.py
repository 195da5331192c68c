"""First run (issue 13): `coachmap setup` on an empty database, then a roster import, gives a
working district whose first admin accepts the printed invitation, chooses a password and signs
in. A second run, and every wrong value, is refused with a message naming the flag, and changes
nothing."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from coachmap.core.models import AuditAction, AuditEvent, District, Membership, Role, Teacher, User
from tests.roster.conftest import SAMPLE, do_import

pytestmark = pytest.mark.django_db

PASSWORD = "a district of our own 2026"
LINK = re.compile(r"https?://[^/\s]+(/accounts/invitation/[^\s]+/)")
FLAGS = [
    "--no-input",
    "--district-name",
    "Grand Bend ISD",
    "--time-zone",
    "America/Chicago",
    "--state",
    "tx",
    "--state-code",
    "255901",
    "--min-group-size",
    "12",
    "--oneroster-org-id",
    "255901",
    "--admin-name",
    "Dana Reyes",
    "--admin-email",
    "dana.reyes@grandbend.example.org",
    "--site-url",
    "https://coachmap.grandbend.example.org",
]


def run_setup(*args: str) -> str:
    out = StringIO()
    call_command("setup", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def accept(client: Client, path: str, password: str) -> str:
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(form_url, {"new_password1": password, "new_password2": password}, follow=True)
    return response.content.decode()


def test_setup_then_roster_import_gives_a_working_district() -> None:
    out = run_setup(*FLAGS)

    district = District.objects.get()
    assert (district.name, district.time_zone, district.state) == ("Grand Bend ISD", "America/Chicago", "TX")
    assert (district.state_id, district.min_group_size, district.source_id) == ("255901", 12, "255901")
    admin = User.objects.get(email="dana.reyes@grandbend.example.org")
    assert (admin.first_name, admin.last_name) == ("Dana", "Reyes")
    assert not admin.has_usable_password()
    assert Membership.objects.filter(user=admin, district=district, role=Role.DISTRICT_ADMIN).exists()
    assert "Set up Grand Bend ISD" in out
    found = LINK.search(out)
    assert found, out
    assert "https://coachmap.grandbend.example.org/accounts/invitation/" in out
    # Every step is in the audit trail, and the admin is told of it on first sign-in.
    actions = set(AuditEvent.objects.filter(district=district).values_list("action", flat=True))
    assert {AuditAction.SETTINGS_CHANGE, AuditAction.ACCOUNT_CREATE, AuditAction.ROLE_CHANGE} <= actions

    # The first roster: the real sample bundle, into the district setup made (its org id matches).
    report = do_import("oneroster", SAMPLE)
    assert report.problem_count == 0, report.problems[:3]
    assert District.objects.count() == 1
    assert district.schools.count() > 0
    assert Teacher.objects.filter(school__district=district).count() > 0

    # The admin accepts the printed invitation, chooses a password and signs in.
    client = Client()
    assert "Your password is saved" in accept(client, found.group(1), PASSWORD)
    assert (
        client.post(reverse("login"), {"username": admin.username, "password": PASSWORD}).status_code == 302
    )
    assert client.get(reverse("people:index")).status_code == 200
    teachers = client.get(reverse("people:index"), {"role": "teacher"}).content.decode()
    some_teacher = Teacher.objects.filter(school__district=district).select_related("user").first()
    assert some_teacher is not None
    assert str(some_teacher.user.last_name) in teachers
    assert client.get(reverse("district-settings")).status_code == 200
    # The printed link worked once.
    assert "This invitation has already been used" in accept(Client(), found.group(1), "another try 123456")


def test_a_second_setup_is_refused_and_changes_nothing() -> None:
    run_setup(*FLAGS)
    before = (District.objects.count(), User.objects.count(), AuditEvent.objects.count())
    again = [*FLAGS]
    again[again.index("Grand Bend ISD")] = "Another District"
    again[again.index("dana.reyes@grandbend.example.org")] = "someone@else.example.org"
    with pytest.raises(CommandError, match=r"already set up.*Grand Bend ISD.*changed nothing"):
        run_setup(*again)
    assert (District.objects.count(), User.objects.count(), AuditEvent.objects.count()) == before


def test_setup_refuses_when_demo_data_or_any_district_exists() -> None:
    District.objects.create(name="Riverbend (demo)", slug="riverbend")
    with pytest.raises(CommandError, match="already set up"):
        run_setup(*FLAGS)
    assert User.objects.count() == 0


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        (
            "--time-zone",
            "Mars/Olympus_Mons",
            "--time-zone: The time zone: “Mars/Olympus_Mons” is not a time zone",
        ),
        (
            "--min-group-size",
            "3",
            "--min-group-size: The minimum group size: The minimum group size cannot be below 5",
        ),
        ("--min-group-size", "ten", "--min-group-size: The minimum group size: “ten” is not a whole number"),
        (
            "--admin-email",
            "dana at grandbend",
            "--admin-email: The first district admin's email: Enter a valid email",
        ),
        ("--state", "Texas", "--state: The state: “TEXAS” is not a state's two-letter postal code"),
        ("--district-name", "", "--district-name: The district name is required."),
        ("--admin-name", "  ", "--admin-name: The first district admin's name is required."),
    ],
)
def test_each_wrong_value_is_named_and_nothing_is_created(flag: str, value: str, message: str) -> None:
    args = [*FLAGS]
    args[args.index(flag) + 1] = value
    with pytest.raises(CommandError) as caught:
        run_setup(*args)
    assert message in str(caught.value)
    assert "Nothing was set up" in str(caught.value)
    assert District.objects.count() == 0
    assert User.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(CommandError) as caught:
        run_setup("--no-input", "--time-zone", "Nowhere", "--min-group-size", "1")
    text = str(caught.value)
    for flag in ("--district-name", "--time-zone", "--min-group-size", "--admin-name", "--admin-email"):
        assert flag in text
    assert "--state:" not in text  # optional, and left empty


def test_interactive_setup_asks_again_after_a_wrong_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(
        [
            "Lakeside Schools",
            "Europe/Nowhere",  # wrong: asked again
            "America/Indiana/Indianapolis",
            "in",
            "5385",
            "4",  # below the floor: asked again
            "",  # the default, 10
            "",
            "Sam Okafor",
            "not-an-email",
            "sam@lakeside.example.org",
        ]
    )
    asked: list[str] = []

    def fake_input(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    monkeypatch.setattr("builtins.input", fake_input)
    err = StringIO()
    out = StringIO()
    call_command("setup", stdout=out, stderr=err)
    district = District.objects.get()
    assert (district.name, district.time_zone, district.state, district.state_id) == (
        "Lakeside Schools",
        "America/Indiana/Indianapolis",
        "IN",
        "5385",
    )
    assert district.min_group_size == 10
    assert district.source_id == ""
    assert User.objects.get().email == "sam@lakeside.example.org"
    assert "not a time zone" in err.getvalue()
    assert "cannot be below 5" in err.getvalue()
    assert "Enter a valid email" in err.getvalue()
    assert LINK.search(out.getvalue())
    assert len(asked) == 11


def test_the_oneroster_org_id_is_shown_and_editable_in_settings() -> None:
    run_setup(*FLAGS)
    admin = User.objects.get()
    # Give the admin a password the test client can use without a browser round trip.
    client = Client()
    client.force_login(admin)
    page = client.get(reverse("district-settings")).content.decode()
    assert "OneRoster org id" in page
    assert 'value="255901"' in page
    district = District.objects.get()
    response = client.post(
        reverse("district-settings"),
        {
            "min_group_size": 12,
            "rate_coding": "on",
            "coaching_time_target": 80,
            "time_zone": "America/Denver",
            "state": "co",
            "state_id": "0880",
            "source_id": "org-7",
        },
    )
    assert response.status_code == 302
    district.refresh_from_db()
    assert (district.source_id, district.time_zone, district.state, district.state_id) == (
        "org-7",
        "America/Denver",
        "CO",
        "0880",
    )
    change = AuditEvent.objects.filter(action=AuditAction.SETTINGS_CHANGE, actor=admin).get()
    assert change.detail["before"]["source_id"] == "255901"
    assert change.detail["after"]["source_id"] == "org-7"
    bad = client.post(
        reverse("district-settings"),
        {"min_group_size": 12, "coaching_time_target": 80, "time_zone": "Somewhere/Else", "source_id": "x"},
    )
    assert bad.status_code == 200
    assert "is not a time zone coachmap knows" in bad.content.decode()
    district.refresh_from_db()
    assert district.time_zone == "America/Denver"


def test_setup_without_a_terminal_says_to_use_the_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_terminal(prompt: str) -> str:
        raise EOFError

    monkeypatch.setattr("builtins.input", no_terminal)
    with pytest.raises(CommandError, match="run `coachmap setup --no-input` with the flags"):
        call_command("setup", stdout=StringIO(), stderr=StringIO())
    assert District.objects.count() == 0
