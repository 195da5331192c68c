"""Single sign-on without a browser (issue 13): the settings and their secret, who a provider's
account is matched to, and passwords turned off. The whole flow against a real provider is in
tests/e2e/test_sign_in.py."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, override_settings
from django.urls import reverse

from coachmap.core.admin import site as admin_site
from coachmap.core.models import AuditAction, AuditEvent, Role
from coachmap.signin import sealing, services
from coachmap.signin.matching import Identity, claims_of, find_person
from coachmap.signin.models import Kind, SignInPolicy, SignInProvider
from tests.conftest import World
from tests.factories import PASSWORD, DistrictFactory, SchoolFactory, TeacherFactory, UserFactory, member

pytestmark = pytest.mark.django_db

SECRET = "very-secret-value-4c1d"


def turn_on(world: World, kind: Kind = Kind.OIDC, **extra: str) -> SignInProvider:
    fields = {"issuer_url": "https://accounts.riverbend.example", "label": "Riverbend Accounts"} | extra
    return services.provider_save(
        actor=world.admin,
        district=world.district,
        kind=kind,
        enabled=True,
        client_id="riverbend-client-123456",
        secret=SECRET,
        **fields,
    )


# --- the secret ---------------------------------------------------------------------------------


def test_the_secret_is_sealed_and_opens_after_a_key_rotation(world: World) -> None:
    provider = turn_on(world)
    assert SECRET.encode() not in bytes(provider.secret_sealed)
    assert SignInProvider.objects.get().secret() == SECRET
    with override_settings(
        SECRET_KEY="a-new-key", SECRET_KEY_FALLBACKS=["test-secret-key-not-for-production"]
    ):
        assert SignInProvider.objects.get().secret() == SECRET
    with override_settings(SECRET_KEY="another-key", SECRET_KEY_FALLBACKS=[]):
        assert SignInProvider.objects.get().secret() == ""
    assert sealing.unseal(b"") == ""


def test_the_secret_stays_out_of_pages_audit_logs_and_the_admin(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    client = world.client("admin")
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            reverse("signin:provider", kwargs={"kind": "oidc"}),
            {
                "enabled": "on",
                "client_id": "riverbend-client-123456",
                "secret": SECRET,
                "issuer_url": "https://accounts.riverbend.example",
                "label": "Riverbend Accounts",
            },
            follow=True,
        )
        assert "Another OpenID Connect provider sign-in saved; it is on." in response.content.decode()
        bodies = [
            response.content.decode(),
            client.get(reverse("signin:settings")).content.decode(),
            client.get(reverse("signin:provider", kwargs={"kind": "oidc"})).content.decode(),
            Client().get(reverse("login")).content.decode(),
            client.get(reverse("admin:index")).content.decode(),
        ]
        # A form sent back with an error does not echo the secret either.
        bodies.append(
            client.post(
                reverse("signin:provider", kwargs={"kind": "microsoft"}),
                {"enabled": "on", "client_id": "m", "secret": SECRET},
            ).content.decode()
        )
    for body in bodies:
        assert SECRET not in body
        assert "riverbend-client-123456" not in body, "the client ID shows only its last characters"
    assert "Set (ends …3456)" in bodies[2]
    assert "Type your directory (tenant) ID" in bodies[5]
    assert all(SECRET not in record.getMessage() for record in caplog.records)
    for event in AuditEvent.objects.filter(action=AuditAction.SETTINGS_CHANGE):
        assert SECRET not in str(event.detail)
    assert AuditEvent.objects.get(action=AuditAction.SETTINGS_CHANGE).detail["after"]["secret"] == "replaced"
    registered = {model.__name__ for model in admin_site._registry}
    assert not registered & {"SignInProvider", "SocialApp", "SocialToken", "SocialAccount"}


def test_an_empty_secret_keeps_the_stored_one(world: World) -> None:
    turn_on(world)
    services.provider_save(
        actor=world.admin,
        district=world.district,
        kind=Kind.OIDC,
        enabled=True,
        client_id="",
        secret="",
        issuer_url="https://accounts.riverbend.example",
    )
    provider = SignInProvider.objects.get()
    assert provider.secret() == SECRET
    assert provider.client_id == "riverbend-client-123456"


# --- turning providers on -----------------------------------------------------------------------


def test_turning_on_needs_what_each_provider_needs(world: World) -> None:
    with pytest.raises(ValidationError) as missing:
        services.provider_save(
            actor=world.admin, district=world.district, kind=Kind.OIDC, enabled=True, client_id="", secret=""
        )
    assert set(missing.value.message_dict) == {"client_id", "secret", "issuer_url"}
    with pytest.raises(ValidationError) as tenant:
        services.provider_save(
            actor=world.admin,
            district=world.district,
            kind=Kind.MICROSOFT,
            enabled=True,
            client_id="c",
            secret="s",
        )
    assert "tenant" in tenant.value.message_dict
    assert not SignInProvider.objects.exists(), "a refused change changes nothing"
    clever = services.provider_save(
        actor=world.admin, district=world.district, kind=Kind.CLEVER, enabled=True, client_id="c", secret="s"
    )
    assert clever.issuer_url == "https://clever.com", "Clever's issuer is preset"


def test_only_a_district_admin_changes_sign_in(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.provider_save(
            actor=world.lead,
            district=world.district,
            kind=Kind.CLEVER,
            enabled=True,
            client_id="c",
            secret="s",
        )
    assert world.client("lead").get(reverse("signin:settings")).status_code == 403


def test_one_kind_is_on_for_one_district_per_server(world: World) -> None:
    turn_on(world, Kind.GOOGLE)
    other = DistrictFactory(name="Lakeside")
    other_admin = member(UserFactory(), Role.DISTRICT_ADMIN, district=other)
    with pytest.raises(ValidationError, match="already on for another district"):
        services.provider_save(
            actor=other_admin, district=other, kind=Kind.GOOGLE, enabled=True, client_id="c", secret="s"
        )


# --- who an account is ---------------------------------------------------------------------------


def identity(email: str = "", verified: bool = True, **claims: object) -> Identity:
    return Identity(emails=((email, verified),), claims=claims)


def test_matched_by_verified_email_only_among_the_districts_people(world: World) -> None:
    provider = turn_on(world)
    tina = world.teacher.user
    tina.email = "tina@riverbend.example"
    tina.save(update_fields=["email"])
    found = find_person(provider, identity("TINA@Riverbend.example"))
    assert found.user == tina and found.matched_by == "email"
    assert find_person(provider, identity("tina@riverbend.example", verified=False)).reason == "unknown"
    outsider = UserFactory(email="out@riverbend.example")  # has an account, but no place in the district
    assert find_person(provider, identity(outsider.email)).reason == "unknown"
    elsewhere = TeacherFactory(school=SchoolFactory(district=DistrictFactory()), user__email="far@x.example")
    assert find_person(provider, identity(elsewhere.user.email)).reason == "unknown"


def test_matched_by_the_roster_sourced_id_claim(world: World) -> None:
    provider = turn_on(world, sourced_id_claim="sourcedId")
    world.teacher.source_id = "T-77"
    world.teacher.save(update_fields=["source_id"])
    found = find_person(provider, identity("", sourcedId="T-77"))
    assert found.user == world.teacher.user and found.matched_by == "sourcedId"
    assert find_person(provider, identity("", sourcedId="T-78")).reason == "unknown"
    assert claims_of({"id_token": {"sub": "a"}, "userinfo": {"sourcedId": "T-77"}}) == {
        "sub": "a",
        "sourcedId": "T-77",
    }


def test_two_people_with_one_email_and_inactive_people_are_refused(world: World) -> None:
    provider = turn_on(world)
    world.teacher.user.email = "shared@riverbend.example"
    world.teacher.user.save(update_fields=["email"])
    world.other_teacher.user.email = "shared@riverbend.example"
    world.other_teacher.user.save(update_fields=["email"])
    assert find_person(provider, identity("shared@riverbend.example")).reason == "ambiguous"
    world.other_teacher.user.email = ""
    world.other_teacher.user.is_active = False
    world.other_teacher.user.save(update_fields=["email", "is_active"])
    world.other_teacher.source_id = "T-9"
    world.other_teacher.save(update_fields=["source_id"])
    provider.sourced_id_claim = "sub"
    assert find_person(provider, identity("", sub="T-9")).reason == "inactive"


def test_microsoft_addresses_count_as_the_directorys_own(world: World) -> None:
    provider = turn_on(world, Kind.MICROSOFT, tenant="0000-riverbend")
    world.lead.email = "lena@riverbend.example"
    world.lead.save(update_fields=["email"])
    assert find_person(provider, identity("lena@riverbend.example", verified=False)).user == world.lead


# --- the sign-in page and passwords --------------------------------------------------------------


def test_the_sign_in_page_offers_providers_that_are_on(world: World) -> None:
    page = Client().get(reverse("login"))
    assert "Sign in with" not in page.content.decode()
    turn_on(world)
    page = Client().get(reverse("login"))
    body = page.content.decode()
    assert 'action="/accounts/sso/oidc/oidc/login/"' in body
    assert "Sign in with Riverbend Accounts" in body
    assert 'name="password"' in body, "passwords stay available unless turned off"
    assert "https://accounts.riverbend.example" in page["Content-Security-Policy"]
    assert "https://accounts.riverbend.example" not in Client().get("/library/")["Content-Security-Policy"]


def test_passwords_turned_off_refuse_all_but_the_district_admins(world: World) -> None:
    admin = world.client("admin")
    response = admin.post(reverse("signin:passwords"), {}, follow=True)
    assert "Turn on a sign-in provider first" in response.content.decode()
    assert not SignInPolicy.objects.filter(passwords_allowed=False).exists()

    turn_on(world)
    response = admin.post(reverse("signin:passwords"), {}, follow=True)
    assert "Passwords are off" in response.content.decode()
    page = Client().get(reverse("login")).content.decode()
    assert 'name="password"' not in page
    assert "Sign in with Riverbend Accounts" in page

    refused = Client().post(reverse("login"), {"username": "tina", "password": PASSWORD})
    assert refused.status_code == 200
    assert "Your district has turned coachmap passwords off" in refused.content.decode()
    assert "_auth_user_id" not in refused.client.session

    break_glass = Client()
    assert 'name="password"' in break_glass.get(reverse("login") + "?with=password").content.decode()
    signed_in = break_glass.post(
        reverse("login") + "?with=password", {"username": "ada", "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_PASSWORD, actor=world.admin).count() == 1

    with pytest.raises(ValidationError, match="turn passwords back on first"):
        services.provider_save(
            actor=world.admin, district=world.district, kind=Kind.OIDC, enabled=False, client_id="", secret=""
        )
    admin.post(reverse("signin:passwords"), {"passwords_allowed": "on"})
    ok = Client().post(reverse("login"), {"username": "tina", "password": PASSWORD})
    assert ok.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_PASSWORD).count() == 1


def test_a_provider_not_turned_on_starts_nothing(world: World) -> None:
    assert Client().post("/accounts/sso/oidc/clever/login/").status_code == 404
    assert Client().get("/accounts/sso/google/login/").status_code == 404
    turn_on(world, Kind.GOOGLE)
    assert Client().get("/accounts/sso/google/login/").status_code == 200
    start = Client().post("/accounts/sso/google/login/")
    assert start.status_code == 302
    assert start["Location"].startswith("https://accounts.google.com/")
    assert SECRET not in start["Location"]


def _google_login(request: object, email: str, process: str) -> object:
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount, SocialLogin

    from coachmap.core.models import User

    login = SocialLogin(
        account=SocialAccount(
            provider="google", uid="g-1", extra_data={"email": email, "email_verified": True}
        ),
        user=User(email=email),
        email_addresses=[EmailAddress(email=email, verified=True, primary=True)],
    )
    login.state = {"process": process}
    return login


@pytest.mark.parametrize("process", ["login", "connect", "redirect"])
def test_an_account_is_linked_only_to_the_person_it_matches_when_signing_in(
    world: World, process: str
) -> None:
    from allauth.core import context
    from allauth.core.exceptions import ImmediateHttpResponse
    from allauth.socialaccount.models import SocialAccount
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    from coachmap.signin.adapter import SocialAdapter

    turn_on(world, Kind.GOOGLE)
    tina = world.teacher.user
    tina.email = "tina@riverbend.example"
    tina.save(update_fields=["email"])
    request = RequestFactory().get("/accounts/sso/google/login/callback/")
    request.session = SessionStore()
    request.user = world.other_teacher.user if process == "connect" else AnonymousUser()
    with context.request_context(request):
        login = _google_login(request, tina.email, process)
        if process == "login":
            SocialAdapter().pre_social_login(request, login)  # type: ignore[arg-type]
            assert SocialAccount.objects.get(uid="g-1").user == tina
        else:
            with pytest.raises(ImmediateHttpResponse) as refused:
                SocialAdapter().pre_social_login(request, login)  # type: ignore[arg-type]
            assert refused.value.response.status_code == 403
            assert not SocialAccount.objects.exists()


def test_a_sign_in_that_does_not_finish_says_so_and_signs_nobody_in(world: World) -> None:
    turn_on(world, Kind.GOOGLE)
    client = Client()
    response = client.get("/accounts/sso/google/login/callback/", {"code": "forged", "state": "forged"})
    assert response.status_code == 400
    assert "did not finish, so you are not signed in" in response.content.decode()
    assert "_auth_user_id" not in client.session
