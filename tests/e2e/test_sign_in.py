"""Single sign-on in a real browser against a real OpenID Connect provider (issue 13).

The provider is django-oidc-provider, started by `oidc` in a second process on the loopback with its
own database (tests/oidc_provider/). A district admin turns it on in Settings; a rostered teacher
signs in through it and lands on their home page; an account that is no person of the district is
refused with a message and nobody is created; a provider turned off shows no button; and the client
secret never appears in the HTML of any page coachmap served along the way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import Error as PlaywrightError

from coachmap.core.models import AuditAction, AuditEvent, User
from coachmap.signin.models import SignInProvider
from tests.conftest import World
from tests.e2e.conftest import check_page
from tests.factories import PASSWORD
from tests.oidc_provider.server import OidcProvider

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CLIENT_ID = "coachmap-riverbend-0451"
SECRET = "s3cret-that-never-shows-7f2e9c"
SCHOOL_PASSWORD = "school account password 1"
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture(scope="module")
def oidc(live_server: Any) -> Iterator[OidcProvider]:
    provider = OidcProvider()
    provider.start()
    try:
        provider.seed(
            client_id=CLIENT_ID,
            client_secret=SECRET,
            redirect_uris=[f"{live_server.url}/accounts/sso/oidc/oidc/login/callback/"],
            users=[
                {"username": "T-0451", "email": "Tina.Teach@riverbend.example", "password": SCHOOL_PASSWORD},
                {"username": "stranger", "email": "someone@elsewhere.example", "password": SCHOOL_PASSWORD},
                {
                    "username": "T-0999",
                    "email": "not-vouched@riverbend.example",
                    "last_name": "Unverified",
                    "password": SCHOOL_PASSWORD,
                },
            ],
        )
        yield provider
    finally:
        provider.stop()


class Pages:
    """Fresh browser contexts (one per person, as on separate computers), each recording the HTML
    of every coachmap page it receives."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.contexts: list[Any] = []
        self.html: list[tuple[str, str]] = []

    def new(self, phone: bool = False) -> Any:
        size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        context = self.browser.new_context(
            base_url=self.base_url, viewport=size, is_mobile=phone, has_touch=phone
        )
        context.set_default_timeout(20_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("response", self._record)
        return page

    def _record(self, response: Any) -> None:
        if response.url.startswith(self.base_url) and "text/html" in response.headers.get("content-type", ""):
            with contextlib.suppress(PlaywrightError):  # a redirect has no body to read
                self.html.append((response.url, response.text()))

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser: Any, live_server: Any) -> Iterator[Pages]:
    recorder = Pages(browser, live_server.url)
    yield recorder
    recorder.close()


def password_sign_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/")


def school_account_sign_in(page: Any, button: str, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("button", name=button).click()
    page.get_by_label("School username").fill(username)
    page.get_by_label("School password").fill(SCHOOL_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def turn_on(page: Any, oidc: OidcProvider, *, claim: str = "") -> None:
    page.goto("/district/sign-in/")
    check_page(page, "sign-in settings")
    page.get_by_role("link", name="Set up Another OpenID Connect provider").click()
    check_page(page, "sign-in provider settings")
    assert "/accounts/sso/oidc/oidc/login/callback/" in page.locator("code.redirect-uri").inner_text()
    page.get_by_label("Turned on").check()
    page.get_by_label("Client ID").fill(CLIENT_ID)
    page.get_by_label("Client secret").fill(SECRET)
    page.get_by_label("Issuer address").fill(oidc.issuer)
    page.get_by_label("Name on the button").fill("Riverbend Accounts")
    page.get_by_label("Claim that holds the roster sourcedId").fill(claim)
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("sign-in saved; it is on").is_visible()


def test_a_rostered_teacher_signs_in_and_a_stranger_is_refused(
    pages: Pages, world: World, oidc: OidcProvider
) -> None:
    tina = world.teacher.user
    tina.email = "tina.teach@riverbend.example"
    tina.first_name = "Tina"
    tina.save(update_fields=["email", "first_name"])

    admin = pages.new()
    password_sign_in(admin, "ada")
    turn_on(admin, oidc)
    provider = SignInProvider.objects.get(kind="oidc")
    assert SECRET.encode() not in bytes(provider.secret_sealed), "the secret is stored sealed"
    admin.goto("/district/sign-in/oidc/")
    assert admin.get_by_text("Set. Leave empty to keep it").first.is_visible()
    admin.set_viewport_size({"width": 390, "height": 844})
    for address in ("/district/sign-in/", "/district/sign-in/oidc/"):
        admin.goto(address)
        assert admin.evaluate(NO_SIDEWAYS_SCROLL), f"{address} scrolls sideways at 390 px"
    admin.set_viewport_size({"width": 1280, "height": 900})

    teacher = pages.new(phone=True)
    teacher.goto("/accounts/login/")
    check_page(teacher, "sign-in page with a provider on a phone")
    assert teacher.evaluate(NO_SIDEWAYS_SCROLL)
    button = teacher.get_by_role("button", name="Sign in with Riverbend Accounts").bounding_box()
    assert button is not None and button["height"] >= 44
    school_account_sign_in(teacher, "Sign in with Riverbend Accounts", "T-0451")
    teacher.wait_for_url(f"{pages.base_url}/")
    assert teacher.get_by_role("heading", name="Welcome, Tina").is_visible()
    check_page(teacher, "teacher home after single sign-on")
    assert SocialAccount.objects.filter(user=tina, provider="oidc", uid="T-0451").exists()
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_LINKED, actor=tina).count() == 1

    people = User.objects.count()
    stranger = pages.new()
    school_account_sign_in(stranger, "Sign in with Riverbend Accounts", "stranger")
    message = "This account is not a person of Riverbend. Ask your district admin to add you."
    assert stranger.get_by_text(message).is_visible()
    check_page(stranger, "unknown account refused")
    stranger.goto("/")
    stranger.wait_for_url("**/accounts/login/**")
    assert User.objects.count() == people, "an unknown account is never created"
    assert not SocialAccount.objects.filter(uid="stranger").exists()
    refusal = AuditEvent.objects.get(action=AuditAction.SIGN_IN_REFUSED)
    assert refusal.district_id == world.district.pk
    assert refusal.detail == {"provider": "oidc", "reason": "unknown"}

    # The address is not vouched for by the provider: not matched by email, and refused.
    unverified = pages.new()
    school_account_sign_in(unverified, "Sign in with Riverbend Accounts", "T-0999")
    assert unverified.get_by_text(message).is_visible()

    # Turned off in Settings: the button is gone, and the old address starts nothing.
    admin.goto("/district/sign-in/oidc/")
    admin.get_by_label("Turned on").uncheck()
    admin.get_by_role("button", name="Save").click()
    assert admin.get_by_text("sign-in saved; it is off").is_visible()
    visitor = pages.new()
    visitor.goto("/accounts/login/")
    assert visitor.get_by_role("button", name="Sign in", exact=True).is_visible()
    assert visitor.get_by_role("button", name="Sign in with").count() == 0
    assert visitor.request.get(f"{pages.base_url}/accounts/sso/oidc/oidc/login/").status == 404

    assert len(pages.html) > 10
    leaked = [url for url, html in pages.html if SECRET in html]
    assert not leaked, f"the client secret appears in {leaked}"


def test_matched_by_roster_sourced_id_claim_and_inactive_refused(
    pages: Pages, world: World, oidc: OidcProvider
) -> None:
    omar = world.other_teacher
    omar.source_id = "T-0999"
    omar.save(update_fields=["source_id"])
    omar.user.first_name = "Omar"
    omar.user.save(update_fields=["first_name"])

    admin = pages.new()
    password_sign_in(admin, "ada")
    turn_on(admin, oidc, claim="sub")

    teacher = pages.new()
    school_account_sign_in(teacher, "Sign in with Riverbend Accounts", "T-0999")
    teacher.wait_for_url(f"{pages.base_url}/")
    assert teacher.get_by_role("heading", name="Welcome, Omar").is_visible()

    # Turned off in coachmap later: the link made above no longer signs them in.
    omar.user.is_active = False
    omar.user.save(update_fields=["is_active"])
    again = pages.new()
    school_account_sign_in(again, "Sign in with Riverbend Accounts", "T-0999")
    assert again.get_by_text("This account is turned off in Riverbend.").is_visible()
    check_page(again, "inactive account refused")
    leaked = [url for url, html in pages.html if SECRET in html]
    assert not leaked, f"the client secret appears in {leaked}"
