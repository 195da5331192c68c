"""The admin's pages through the API (issue 20): people, district and sign-in settings, roster
confirmations and column mappings, agreements and principal–coach check-ins. Each write has the
page's effect (the same service, the same audit row); bad input is a 422 naming the field and
changes nothing; another district's or school's object is a 404; no answer holds a secret."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from coachmap.api import tokens
from coachmap.coaching.models import PartnershipAgreement, PrincipalCheckIn
from coachmap.core.models import AuditAction, AuditEvent, District, Membership, Role, User
from coachmap.notifications.models import Notification
from coachmap.roster.models import ColumnMapping, ImportRun, ImportStatus, Student
from coachmap.signin.models import SignInProvider
from tests.conftest import CHECKIN_NOTE, World
from tests.factories import DistrictFactory, SchoolFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def _post(client: Client, name: str, data: Any = None, **kwargs: Any) -> Any:
    return client.post(reverse(name, kwargs=kwargs), json.dumps(data or {}), content_type="application/json")


def _elsewhere() -> tuple[District, User]:
    """Another district with a teacher in it."""
    district = DistrictFactory()
    school = SchoolFactory(district=district)
    person = member(UserFactory(email="far@example.org"), Role.TEACHER, district=district, school=school)
    return district, person


# --- people ------------------------------------------------------------------------------------------


def test_people_are_paginated_and_filtered_by_role_and_school(world: World) -> None:
    admin = world.client("admin")
    everyone = admin.get(reverse("api:people"), {"page_size": 2}).json()
    assert everyone["count"] == User.objects.filter(memberships__district=world.district).distinct().count()
    assert len(everyone["items"]) == 2
    teachers = admin.get(reverse("api:people"), {"role": "teacher", "school_id": world.school.pk}).json()
    assert world.teacher.user.pk in {p["id"] for p in teachers["items"]}
    assert world.other_teacher.user.pk not in {p["id"] for p in teachers["items"]}
    assert all(any(r["role"] == "teacher" for r in p["roles"]) for p in teachers["items"])
    bad = admin.get(reverse("api:people"), {"standing": "nonsense"})
    assert bad.status_code == 422 and "standing" in bad.json()["detail"]


def test_another_districts_person_and_school_are_not_found(world: World) -> None:
    _, person = _elsewhere()
    admin = world.client("admin")
    assert admin.get(reverse("api:person", kwargs={"person_id": person.pk})).status_code == 404
    assert (
        admin.get(reverse("api:people"), {"school_id": person.memberships.get().school_id}).status_code == 404
    )
    switched = _post(admin, "api:person_switch", {"active": False}, person_id=person.pk)
    assert switched.status_code == 404
    person.refresh_from_db()
    assert person.is_active


def test_adding_a_person_invites_them_as_the_page_does(world: World) -> None:
    made = _post(
        world.client("admin"),
        "api:person_create",
        {
            "first_name": "Nadia",
            "last_name": "New",
            "email": "nadia@example.org",
            "role": "teacher",
            "school_id": world.school.pk,
        },
    )
    assert made.status_code == 201, made.content
    body = made.json()
    person = User.objects.get(pk=body["id"])
    assert body["standing"] == "invited" and body["roles"][0]["school_id"] == world.school.pk
    assert Membership.objects.filter(user=person, role=Role.TEACHER, school=world.school).exists()
    assert [m.to for m in mail.outbox] == [["nadia@example.org"]]
    assert AuditEvent.objects.filter(subject=person, action=AuditAction.PASSWORD_LINK).exists()
    assert not person.has_usable_password()


def test_a_bad_person_is_refused_naming_the_field_and_nothing_changes(world: World) -> None:
    before = User.objects.count()
    admin = world.client("admin")
    bad_email = _post(
        admin,
        "api:person_create",
        {
            "first_name": "N",
            "last_name": "N",
            "email": "not-an-address",
            "role": "teacher",
            "school_id": world.school.pk,
        },
    )
    assert bad_email.status_code == 422 and "email" in bad_email.json()["detail"]
    no_school = _post(
        admin,
        "api:person_create",
        {"first_name": "N", "last_name": "N", "email": "n@example.org", "role": "teacher"},
    )
    assert no_school.status_code == 422 and "school" in no_school.json()["detail"]
    assert User.objects.count() == before and mail.outbox == []


def test_no_route_sets_or_reads_a_password(world: World) -> None:
    """An admin who could set a password could sign in as anyone: every input refuses the field."""
    admin = world.client("admin")
    teacher = world.teacher.user
    old_hash = teacher.password
    attempts = [
        (
            "api:person_create",
            {
                "first_name": "M",
                "last_name": "M",
                "email": "m@example.org",
                "role": "coach",
                "password": "pw12345678!",
            },
            {},
        ),
        ("api:person_switch", {"active": True, "password": "pw12345678!"}, {"person_id": teacher.pk}),
        ("api:person_role_give", {"role": "coach", "password": "pw12345678!"}, {"person_id": teacher.pk}),
    ]
    for name, data, kwargs in attempts:
        response = _post(admin, name, data, **kwargs)
        assert response.status_code == 422, name
        assert "password" in json.dumps(response.json()["detail"]), name
    teacher.refresh_from_db()
    assert teacher.password == old_hash and not User.objects.filter(email="m@example.org").exists()
    # No answer holds a password or its hash, and no request body of these routes names one.
    listed = admin.get(reverse("api:people")).content.decode()
    one = admin.get(reverse("api:person", kwargs={"person_id": teacher.pk})).content.decode()
    for body in (listed, one):
        # (The words "set a password" describe an invitation; no field holds one.)
        assert '"password' not in body and old_hash not in body and "pbkdf2" not in body
    schema = admin.get(reverse("api:openapi-json")).json()
    for path, item in schema["paths"].items():
        if path.startswith(("/api/v1/people", "/api/v1/district", "/api/v1/signin")):
            assert 'password"' not in json.dumps(item).replace('passwords_allowed"', ""), path


def test_roles_are_given_and_taken_with_the_pages_rules(world: World) -> None:
    admin = world.client("admin")
    person = world.teacher.user
    given = _post(admin, "api:person_role_give", {"role": "coach"}, person_id=person.pk)
    assert given.status_code == 200 and {r["role"] for r in given.json()["roles"]} == {"teacher", "coach"}
    assert AuditEvent.objects.filter(subject=person, action=AuditAction.ROLE_CHANGE).count() == 1
    no_school = _post(admin, "api:person_role_give", {"role": "principal"}, person_id=person.pk)
    assert no_school.status_code == 422 and "school" in no_school.json()["detail"]

    coach_role = Membership.objects.get(user=person, role=Role.COACH)
    taken = _post(admin, "api:person_role_take", person_id=person.pk, role_id=coach_role.pk)
    assert taken.status_code == 200 and [r["role"] for r in taken.json()["roles"]] == ["teacher"]
    last = Membership.objects.get(user=person)
    refused = _post(admin, "api:person_role_take", person_id=person.pk, role_id=last.pk)
    assert refused.status_code == 422 and "only role" in json.dumps(refused.json()["detail"])
    assert Membership.objects.filter(pk=last.pk).exists()
    _, far = _elsewhere()
    far_role = far.memberships.get()
    assert _post(admin, "api:person_role_take", person_id=person.pk, role_id=far_role.pk).status_code == 404


def test_switching_off_and_inviting_again(world: World) -> None:
    admin = world.client("admin")
    person = world.teacher.user
    off = _post(admin, "api:person_switch", {"active": False}, person_id=person.pk)
    assert off.status_code == 200 and off.json()["standing"] == "switched_off"
    person.refresh_from_db()
    assert not person.is_active
    refused = _post(admin, "api:person_invite", person_id=person.pk)
    assert refused.status_code == 422 and mail.outbox == []
    _post(admin, "api:person_switch", {"active": True}, person_id=person.pk)
    User.objects.filter(pk=person.pk).update(email="tess@example.org")
    sent = _post(admin, "api:person_invite", person_id=person.pk)
    assert sent.status_code == 200 and [m.to for m in mail.outbox] == [["tess@example.org"]]


def test_inviting_every_teacher_needs_the_count_confirmed(world: World) -> None:
    admin = world.client("admin")
    User.objects.filter(pk=world.teacher.user.pk).update(email="tess@example.org", password="!unusable")
    count = admin.get(reverse("api:people_teachers_to_invite")).json()["count"]
    wrong = _post(admin, "api:people_invite_teachers", {"expected": count + 1})
    assert wrong.status_code == 422 and mail.outbox == []
    done = _post(admin, "api:people_invite_teachers", {"expected": count})
    assert done.status_code == 200 and done.json()["sent"] == count == len(mail.outbox)


# --- district settings ----------------------------------------------------------------------------


def test_district_settings_change_as_on_the_page_and_are_audited(world: World) -> None:
    admin = world.client("admin")
    settings = admin.get(reverse("api:district_settings")).json()
    assert settings["min_group_size"] == world.district.min_group_size
    changed = _post(admin, "api:district_settings_update", {"min_group_size": 7, "retention_years": 5})
    assert changed.status_code == 200, changed.content
    assert changed.json()["warning"] and changed.json()["retention_years"] == 5
    world.district.refresh_from_db()
    assert (world.district.min_group_size, world.district.retention_years) == (7, 5)
    assert settings["coaching_time_target"] == world.district.coaching_time_target, "left out: kept"
    row = AuditEvent.objects.filter(action=AuditAction.SETTINGS_CHANGE).latest("at")
    assert row.detail["after"]["min_group_size"] == 7


def test_a_minimum_group_size_below_five_is_refused_and_nothing_changes(world: World) -> None:
    before = world.district.min_group_size
    refused = _post(
        world.client("admin"), "api:district_settings_update", {"min_group_size": 3, "retention_years": 2}
    )
    assert refused.status_code == 422
    assert "cannot be below 5" in " ".join(refused.json()["detail"]["min_group_size"])
    world.district.refresh_from_db()
    assert world.district.min_group_size == before and world.district.retention_years != 2
    assert not AuditEvent.objects.filter(action=AuditAction.SETTINGS_CHANGE).exists()
    assert world.client("lead").get(reverse("api:district_settings")).status_code == 403


# --- sign-in settings -----------------------------------------------------------------------------


def test_a_client_secret_is_write_only(world: World) -> None:
    admin = world.client("admin")
    secret = "s3cr3t-value-nobody-reads"
    saved = _post(
        admin,
        "api:signin_provider_save",
        {"enabled": True, "client_id": "client-1234567890", "secret": secret},
        kind="google",
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["secret_set"] and saved.json()["enabled"]
    provider = SignInProvider.objects.get(district=world.district, kind="google")
    assert provider.secret() == secret
    read = admin.get(reverse("api:signin_settings")).content.decode()
    for body in (saved.content.decode(), read):
        assert secret not in body and "client-1234567890" not in body
    audit = json.dumps(list(AuditEvent.objects.values_list("detail", flat=True)))
    assert secret not in audit


def test_sign_in_settings_refuse_bad_input_and_every_token(world: World) -> None:
    admin = world.client("admin")
    missing = _post(admin, "api:signin_provider_save", {"enabled": True}, kind="microsoft")
    assert missing.status_code == 422 and {"client_id", "secret"} <= set(missing.json()["detail"])
    assert not SignInProvider.objects.exists()
    assert _post(admin, "api:signin_provider_save", {}, kind="myspace").status_code == 404
    secret = tokens.personal_token_create(actor=world.admin, name="t", scopes=["read", "write"])[1]
    response = Client().get(reverse("api:signin_settings"), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 403 and "never open to API tokens" in response.json()["detail"]


# --- roster ---------------------------------------------------------------------------------------


def test_a_held_import_is_confirmed_through_the_api(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    student = Student.objects.get()
    csv = f"student_id,english_learner\n{student.source_id},true\n".encode()
    lead = world.client("lead")
    with django_capture_on_commit_callbacks(execute=True):
        lead.post(reverse("api:import_upload"), {"kind": "flags", "upload": SimpleUploadedFile("f.csv", csv)})
    check = ImportRun.objects.get()
    assert check.status == ImportStatus.CHECKED

    refused = _post(lead, "api:import_confirm", {}, run_id=check.pk)
    assert refused.status_code == 422 and "confirm" in refused.json()["detail"]
    student.refresh_from_db()
    assert not student.english_learner and ImportRun.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        done = _post(lead, "api:import_confirm", {"confirm": True}, run_id=check.pk)
    assert done.status_code == 202, done.content
    run = ImportRun.objects.get(pk=done.json()["id"])
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE and run.allow_removals
    student.refresh_from_db()
    assert student.english_learner
    again = _post(lead, "api:import_confirm", {"confirm": True}, run_id=check.pk)
    assert again.status_code == 422 and "already run" in json.dumps(again.json()["detail"])


def test_column_mappings_are_saved_listed_and_forgotten(world: World) -> None:
    lead = world.client("lead")
    saved = _post(
        lead,
        "api:column_mapping_save",
        {"name": "Star Reading", "columns": {"student_id": "SIS ID", "subject": "Subj"}},
    )
    assert saved.status_code == 201, saved.content
    listed = lead.get(reverse("api:column_mappings")).json()
    assert [m["name"] for m in listed["items"]] == ["Star Reading"]
    assert AuditEvent.objects.filter(action=AuditAction.SETTINGS_CHANGE).count() == 1
    bad = _post(lead, "api:column_mapping_save", {"name": "X", "columns": {"shoe_size": "Shoe"}})
    assert bad.status_code == 422 and "columns" in bad.json()["detail"]
    assert ColumnMapping.objects.count() == 1
    far = ColumnMapping.objects.create(
        district=DistrictFactory(), name="Theirs", columns={"student_id": "ID"}
    )
    assert lead.delete(reverse("api:column_mapping_delete", kwargs={"mapping_id": far.pk})).status_code == 404
    gone = lead.delete(reverse("api:column_mapping_delete", kwargs={"mapping_id": saved.json()["id"]}))
    assert gone.status_code == 204
    assert list(ColumnMapping.objects.values_list("name", flat=True)) == ["Theirs"]


# --- agreements and check-ins ---------------------------------------------------------------------

WORDS = {
    "who_is_coached": "Any teacher who asks.",
    "schedule_set_by": "coach",
    "success_looks_like": "Students explain their reasoning.",
    "principal_will_ask": "Trends.",
    "principal_will_not_ask": "What was said in a session.",
}


def test_an_agreement_is_written_and_a_change_asks_both_again(world: World) -> None:
    PartnershipAgreement.objects.filter(pk=world.agreement.pk).update(
        coach_acknowledged_at="2026-09-01T00:00Z", principal_acknowledged_at="2026-09-01T00:00Z"
    )
    principal = world.client("principal")
    written = _post(
        principal,
        "api:agreement_update",
        {**WORDS, "success_looks_like": "More talk."},
        agreement_id=world.agreement.pk,
    )
    assert written.status_code == 200, written.content
    world.agreement.refresh_from_db()
    assert world.agreement.success_looks_like == "More talk."
    assert world.agreement.coach_acknowledged_at is None and world.agreement.principal_acknowledged_at is None
    bad = _post(
        principal,
        "api:agreement_update",
        {**WORDS, "schedule_set_by": "nobody"},
        agreement_id=world.agreement.pk,
    )
    assert bad.status_code == 422 and "schedule_set_by" in json.dumps(bad.json()["detail"])
    world.agreement.refresh_from_db()
    assert world.agreement.schedule_set_by != "nobody"
    assert (
        _post(
            world.client("lead"), "api:agreement_update", WORDS, agreement_id=world.agreement.pk
        ).status_code
        == 403
    )
    far = _post(world.client("other_coach"), "api:agreement_create", {**WORDS, "school_id": world.school.pk})
    assert far.status_code == 404


def test_a_check_in_is_scheduled_then_its_notes_recorded(world: World) -> None:
    from django.utils import timezone

    coach = world.client("coach")
    made = _post(
        coach,
        "api:principal_checkin_schedule",
        {"school_id": world.school.pk, "date": str(timezone.localdate()), "figure_keys": ["sessions"]},
    )
    assert made.status_code == 201, made.content
    checkin = PrincipalCheckIn.objects.get(pk=made.json()["id"])
    assert Notification.objects.filter(user=world.principal).exists(), "the principal is told"
    no_figures = _post(
        coach,
        "api:principal_checkin_schedule",
        {"school_id": world.school.pk, "date": str(timezone.localdate()), "figure_keys": []},
    )
    assert no_figures.status_code == 422 and "figure_keys" in no_figures.json()["detail"]
    assert PrincipalCheckIn.objects.count() == 2

    noted = _post(
        world.client("principal"),
        "api:principal_checkin_record",
        {"notes": "Agreed on PLC time."},
        checkin_id=checkin.pk,
    )
    assert noted.status_code == 200 and noted.json()["figures"]
    checkin.refresh_from_db()
    assert checkin.notes == "Agreed on PLC time." and checkin.held_at is not None
    lead = world.client("lead")
    assert lead.get(reverse("api:principal_checkin", kwargs={"checkin_id": checkin.pk})).json()["notes"]
    assert (
        _post(lead, "api:principal_checkin_record", {"notes": "x"}, checkin_id=checkin.pk).status_code == 403
    )
    listed = lead.get(reverse("api:principal_checkins")).content.decode()
    assert CHECKIN_NOTE not in listed and "Agreed on PLC time." not in listed, "the list leaves notes out"
    assert (
        world.client("admin")
        .get(reverse("api:principal_checkin", kwargs={"checkin_id": checkin.pk}))
        .status_code
        == 403
    )


def test_the_schema_declares_the_errors_of_the_new_routes(world: World) -> None:
    schema = world.client("admin").get(reverse("api:openapi-json")).json()
    for path in ("/api/v1/people", "/api/v1/district/settings", "/api/v1/imports/{run_id}/confirm"):
        for operation in schema["paths"][path].values():
            assert {"401", "403", "404", "422"} <= set(map(str, operation["responses"])), path
