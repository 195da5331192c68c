"""The district admin on a phone (390 px) connects the OneRoster service, syncs now and reads the
run; then adds a webhook and copies its secret. axe-core checks every page; nothing scrolls sideways,
and the saved secrets never reach a page again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coachmap.core.models import Role
from coachmap.roster.models import Student, SyncRun, SyncStatus
from tests.e2e.conftest import check_page, login
from tests.factories import PASSWORD, DistrictFactory, UserFactory, member
from tests.roster.oneroster_server import CLIENT_ID, SECRET, Server, Service

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = 390


def _no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"the page is {width} px wide at {PHONE} px"


def test_the_admin_connects_the_roster_service_and_adds_a_webhook(page, monkeypatch, settings) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the test service is plain HTTP on 127.0.0.1
    settings.WEBHOOKS_ALLOW_HTTP = False
    district = DistrictFactory(name="Grand Bend ISD")
    member(UserFactory(username="ada"), Role.DISTRICT_ADMIN, district=district)
    page.set_viewport_size({"width": PHONE, "height": 844})
    login(page, "ada", PASSWORD)
    with Server(Service()) as server:
        page.goto(reverse("roster:sync"))
        check_page(page, "admin roster sync empty")
        _no_sideways_scroll(page)
        page.get_by_label("Service address").fill(server.base_url)
        page.get_by_label("Token address (OAuth 2)").fill(server.token_url)
        page.get_by_label("Client id").fill(CLIENT_ID)
        page.get_by_label("Client secret").fill(SECRET)
        page.get_by_role("button", name="Save").click()
        page.get_by_text("The OneRoster service is saved.").wait_for()
        assert SECRET not in page.content()
        page.get_by_role("button", name="Sync now").click()
        page.get_by_text("Synced.").wait_for()
        check_page(page, "admin roster sync run")
        _no_sideways_scroll(page)
        assert SECRET not in page.content()
    run = SyncRun.objects.get(district=district)
    assert run.status == SyncStatus.DONE, run.reason
    assert Student.objects.filter(district=district).count() == 8

    page.goto(reverse("notifications:webhooks"))
    check_page(page, "admin webhooks empty")
    page.get_by_label("Address").fill("https://warehouse.example.org/hooks/coachmap-events")
    page.get_by_label("An import finished (an uploaded file or the roster sync)").check()
    page.get_by_role("button", name="Add and show its secret").click()
    page.get_by_role("heading", name="Copy this secret now").wait_for()
    check_page(page, "admin webhook secret")
    _no_sideways_scroll(page)
    secret = page.locator("code.secret").inner_text()
    assert secret.startswith("whsec_")
    page.goto(reverse("notifications:webhooks"))
    assert secret not in page.content()
    _no_sideways_scroll(page)
