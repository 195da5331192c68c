"""API tokens (issue 20): personal and service tokens, stored hashed, shown once, expiring,
audited, rate-limited, never more than their person or their scopes, never reading notes."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coachmap.api import tokens
from coachmap.api.models import ApiToken
from coachmap.core.models import AuditAction, AuditEvent, Membership, Role
from tests.conftest import SECRET_NOTE, World

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def personal(user, scopes=("read",), days=None) -> str:
    return tokens.personal_token_create(actor=user, name="script", scopes=list(scopes), days=days)[1]


def service(world: World, scopes=("read:aggregates",)) -> str:
    return tokens.service_account_create(actor=world.admin, name="Warehouse", scopes=list(scopes))[2]


def test_a_token_is_stored_only_as_a_digest_and_shown_once(world: World) -> None:
    token, secret = tokens.personal_token_create(actor=world.teacher.user, name="laptop", scopes=["read"])
    assert secret.startswith(f"cm_{token.prefix}_") and len(secret) > 50
    row = ApiToken.objects.get(pk=token.pk)
    assert secret not in {row.digest, row.prefix, row.name} and row.digest == tokens.digest(secret)
    assert row.expires_at - timezone.now() > datetime.timedelta(days=89)
    page = world.client("teacher").get(reverse("tokens:personal")).content.decode()
    assert token.prefix in page and secret not in page
    assert AuditEvent.objects.filter(action=AuditAction.API_TOKEN_CREATE, actor=world.teacher.user).exists()


def test_a_personal_token_acts_as_its_person_and_each_use_is_audited(world: World) -> None:
    secret = personal(world.coach.user)
    response = Client().get(reverse("api:me"), **bearer(secret))
    assert response.status_code == 200 and response.json()["roles"] == ["coach"]
    token = ApiToken.objects.get(user=world.coach.user)
    assert token.last_used_at is not None
    use = AuditEvent.objects.get(action=AuditAction.PERSONAL_TOKEN_USE)
    assert use.actor == world.coach.user and use.detail["prefix"] == token.prefix
    assert use.detail["path"] == reverse("api:me")
    # The paths a person calls say who takes coaching: the admin never lists them, only counts.
    from coachmap.core import access

    assert not access.audit_visible_to(world.admin).filter(pk=use.pk).exists()
    assert access.audit_counted_for(world.admin).filter(pk=use.pk).exists()


def test_a_service_tokens_uses_are_listed_for_the_admin(world: World) -> None:
    from coachmap.core import access

    Client().get(reverse("api:coaching_trends"), **bearer(service(world)))
    use = AuditEvent.objects.get(action=AuditAction.API_TOKEN_USE)
    assert use.detail["service_account"] == "Warehouse"
    assert access.audit_visible_to(world.admin).filter(pk=use.pk).exists()


@pytest.mark.parametrize("how", ["revoked", "expired", "garbage", "tampered", "basic", "switched off"])
def test_a_bad_token_is_a_401_and_never_falls_back_to_the_session(world: World, how: str) -> None:
    secret = personal(world.teacher.user)
    token = ApiToken.objects.get(user=world.teacher.user)
    header = f"Bearer {secret}"
    if how == "revoked":
        tokens.personal_token_revoke(actor=world.teacher.user, token_id=token.pk)
    elif how == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    elif how == "garbage":
        header = "Bearer not-a-token"
    elif how == "tampered":
        header = f"Bearer {secret[:-2]}xx"
    elif how == "basic":
        header = "Basic dGluYTpwdw=="
    else:
        world.teacher.user.is_active = False
        world.teacher.user.save()
    client = world.client("lead")  # signed in too: the bad token still wins
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=header)
    assert response.status_code == 401, how
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_read_token_cannot_write_and_a_write_token_needs_no_csrf(world: World) -> None:
    lead = world.lead
    url = reverse("api:round_run")
    read = Client(enforce_csrf_checks=True).post(url, **bearer(personal(lead)))
    assert read.status_code == 403 and "write" in read.json()["detail"]
    write = Client(enforce_csrf_checks=True).post(url, **bearer(personal(lead, ("read", "write"))))
    assert write.status_code == 200
    # The session still needs its CSRF token on writes.
    session = Client(enforce_csrf_checks=True)
    session.force_login(lead)
    assert session.post(url).status_code == 403


def test_a_teachers_token_cannot_read_the_leads_routes(world: World) -> None:
    secret = personal(world.teacher.user, ("read", "write"))
    client = Client()
    assert client.get(reverse("api:rounds"), **bearer(secret)).status_code == 403
    assert client.get(reverse("api:quadrants"), **bearer(secret)).status_code == 403
    assert client.get(reverse("api:coaching_trends"), **bearer(secret)).status_code == 403
    cycles = client.get(reverse("api:cycles"), **bearer(secret)).json()
    assert [c["id"] for c in cycles["items"]] == [world.cycle.pk]


@pytest.mark.parametrize("role", ["teacher", "coach"])
def test_no_token_reads_session_notes_even_the_notes_own_people(world: World, role: str) -> None:
    secret = personal(world.users[role], ("read", "write"))
    url = reverse("api:cycle_sessions", kwargs={"cycle_id": world.cycle.pk})
    response = Client().get(url, **bearer(secret))
    assert response.status_code == 403 and SECRET_NOTE not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.NOTES_READ).exists()
    # The same person's browser session still reads them.
    assert SECRET_NOTE in world.client(role).get(url).content.decode()


def test_no_token_reads_individual_intake_answers(world: World) -> None:
    from tests.coaching.test_matching_flow import confident

    if not hasattr(world.teacher, "intake"):
        confident(world.teacher)
    by_session = world.client("teacher").get(reverse("api:intakes")).json()
    assert by_session[0]["answers"] is not None
    by_token = Client().get(reverse("api:intakes"), **bearer(personal(world.teacher.user))).json()
    assert by_token[0]["answers"] is None


def test_a_service_token_reaches_only_its_scopes(world: World) -> None:
    secret = service(world, ("read:aggregates",))
    client = Client()
    assert client.get(reverse("api:coaching_trends"), **bearer(secret)).status_code == 200
    assert client.get(reverse("api:quadrants"), **bearer(secret)).status_code == 200
    assert client.get(reverse("api:me"), **bearer(secret)).status_code == 200
    refused = client.get(reverse("api:goals"), **bearer(secret))
    assert refused.status_code == 403 and "read:goals" in refused.json()["detail"]
    assert client.get(reverse("api:cycles"), **bearer(secret)).status_code == 403
    assert client.post(reverse("api:round_run"), **bearer(secret)).status_code == 403
    goals = service(world, ("read:goals",))
    assert client.get(reverse("api:goals"), **bearer(goals)).status_code == 200


def test_a_service_token_stops_when_its_maker_is_no_longer_an_admin(world: World) -> None:
    secret = service(world)
    Membership.objects.filter(user=world.admin, role=Role.DISTRICT_ADMIN).delete()
    response = Client().get(reverse("api:coaching_trends"), **bearer(secret))
    assert response.status_code == 401 and "no longer administers" in response.json()["detail"]


def test_switching_a_service_account_off_revokes_its_token(world: World) -> None:
    account, _, secret = tokens.service_account_create(
        actor=world.admin, name="BI", scopes=["read:aggregates"]
    )
    response = world.client("admin").post(reverse("tokens:service-revoke", kwargs={"account_id": account.pk}))
    assert response.status_code == 302
    assert Client().get(reverse("api:me"), **bearer(secret)).status_code == 401


def test_each_token_is_rate_limited_with_retry_after(world: World, settings) -> None:
    settings.API_TOKEN_RATE = 2
    settings.API_TOKEN_RATE_WINDOW = 60
    secret, other = personal(world.coach.user), personal(world.coach.user)
    client = Client()
    assert [client.get(reverse("api:me"), **bearer(secret)).status_code for _ in range(2)] == [200, 200]
    limited = client.get(reverse("api:me"), **bearer(secret))
    assert limited.status_code == 429 and 1 <= int(limited["Retry-After"]) <= 60
    assert "try again" in limited.json()["detail"]
    assert client.get(reverse("api:me"), **bearer(other)).status_code == 200  # per token


@pytest.mark.parametrize(
    ("scopes", "days", "field"),
    [
        (["read"], 0, "days"),
        (["read"], 366, "days"),
        ([], 30, "scopes"),
        (["read:notes"], 30, "scopes"),
        (["read:aggregates"], 30, "scopes"),  # a service scope on a personal token
    ],
)
def test_bad_token_requests_name_the_field_and_make_nothing(world: World, scopes, days, field) -> None:
    with pytest.raises(ValidationError) as error:
        tokens.personal_token_create(actor=world.teacher.user, name="x", scopes=scopes, days=days)
    assert field in error.value.message_dict
    assert not ApiToken.objects.exists()


def test_a_service_account_cannot_hold_a_personal_or_unknown_scope(world: World) -> None:
    for scopes in (["read"], ["write"], ["read:session-notes"], ["read:survey-answers"]):
        with pytest.raises(ValidationError):
            tokens.service_account_create(actor=world.admin, name="x", scopes=scopes)
    assert not ApiToken.objects.exists()


def test_the_tokens_page_makes_shows_once_and_revokes(world: World) -> None:
    client = world.client("teacher")
    page = client.post(reverse("tokens:personal"), {"name": "Sheets", "scopes": ["read"], "days": "30"})
    body = page.content.decode()
    token = ApiToken.objects.get(user=world.teacher.user)
    secret = body.split('id="new-token"')[1].split('value="')[1].split('"')[0]
    assert secret.startswith(f"cm_{token.prefix}_") and tokens.digest(secret) == token.digest
    assert secret not in client.get(reverse("tokens:personal")).content.decode()
    # Someone else's token is not theirs to revoke.
    other = world.client("other_teacher").post(
        reverse("tokens:personal-revoke", kwargs={"token_id": token.pk})
    )
    assert other.status_code == 404
    client.post(reverse("tokens:personal-revoke", kwargs={"token_id": token.pk}))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Revoked" in client.get(reverse("tokens:personal")).content.decode()


def test_a_bad_form_names_the_field(world: World) -> None:
    page = world.client("admin").post(
        reverse("tokens:services"), {"name": "BI", "scopes": ["read"], "days": "30"}
    )
    assert page.status_code == 200 and "is not one of the available choices" in page.content.decode()
    assert not ApiToken.objects.exists()


def test_the_old_unversioned_paths_answer_the_same(world: World) -> None:
    client = world.client("coach")
    old = client.get("/api/me")
    assert old.status_code == 200 and old.json() == client.get("/api/v1/me").json()
    assert old["Deprecation"] == "true" and "/api/v1/me" in old["Link"]
    assert Client().get("/api/me", **bearer(personal(world.coach.user))).status_code == 200
    assert client.get("/api/nothing-here").status_code == 404


def test_the_schema_declares_every_error_and_the_bearer_scheme(world: World) -> None:
    schema = world.client("coach").get(reverse("api:openapi-json")).json()
    assert "BearerToken" in schema["components"]["securitySchemes"]
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            missing = {"401", "403", "404", "422", "429"} - {str(s) for s in operation["responses"]}
            assert not missing, f"{method} {path} does not declare {missing}"
    by_token = Client().get(reverse("api:openapi-json"), **bearer(service(world)))
    assert by_token.status_code == 200


def test_a_roster_token_sends_a_file_and_follows_its_run(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    secret = service(world, ("write:roster",))
    client = Client()
    upload = SimpleUploadedFile("flags.csv", b"sourcedId,flag\n", "text/csv")
    sent = client.post(reverse("api:import_upload"), {"kind": "flags", "upload": upload}, **bearer(secret))
    assert sent.status_code == 202 and sent.json()["dry_run"] is True
    runs = client.get(reverse("api:imports"), **bearer(secret)).json()
    assert runs["count"] == 1 and runs["items"][0]["status_words"]
    one = client.get(reverse("api:import_run", kwargs={"run_id": sent.json()["id"]}), **bearer(secret))
    assert one.status_code == 200
    # Reading aggregates is not this token's business.
    assert client.get(reverse("api:coaching_trends"), **bearer(secret)).status_code == 403
