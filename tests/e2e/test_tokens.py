"""Issue 20: the Tokens page (a teacher's own) and the Service accounts page (the district admin's)
on a 390-pixel phone: make a token, see it once, use it, revoke it; axe-checked, no sideways scroll."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from coachmap.core.models import Role
from tests.e2e.conftest import check_page, login, logout
from tests.factories import PASSWORD, DistrictFactory, SchoolFactory, TeacherFactory, UserFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page, name: str) -> None:  # type: ignore[no-untyped-def]
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner == 390, f"{name} scrolls sideways at 390 px: {scroll} px wide"


def test_tokens_and_service_accounts_on_a_phone(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    district = DistrictFactory(name="Riverbend")
    school = SchoolFactory(district=district, name="Maple Elementary")
    TeacherFactory(school=school, user__username="taylor")
    member(UserFactory(username="ada"), Role.DISTRICT_ADMIN, district=district)

    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        login(page, "taylor", PASSWORD)
        page.goto(reverse("tokens:personal"))
        check_page(page, "i20 tokens empty")
        page.get_by_role("textbox", name="Name").fill("My spreadsheet")
        page.get_by_role("button", name="Make the token").click()
        secret = page.get_by_role("textbox", name="New token").input_value()
        assert secret.startswith("cm_")
        check_page(page, "i20 tokens new")
        _no_sideways_scroll(page, "tokens page")
        me = Client().get(reverse("api:me"), HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert me.status_code == 200 and me.json()["username"] == "taylor"
        page.get_by_role("button", name="Revoke “My spreadsheet”").click()
        assert page.get_by_text("Revoked: it no longer works").is_visible()
        assert Client().get(reverse("api:me"), HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
        check_page(page, "i20 tokens revoked")
        logout(page)

        login(page, "ada", PASSWORD)
        page.goto(reverse("tokens:services"))
        check_page(page, "i20 service accounts empty")
        page.get_by_role("textbox", name="Name").fill("Data warehouse")
        page.get_by_role("button", name="Make the service account and its token").click()
        secret = page.get_by_role("textbox", name="New token").input_value()
        check_page(page, "i20 service accounts new")
        _no_sideways_scroll(page, "service accounts page")
        assert (
            Client().get(reverse("api:coaching_trends"), HTTP_AUTHORIZATION=f"Bearer {secret}").status_code
            == 200
        )
    finally:
        context.close()
