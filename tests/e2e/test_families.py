"""In a real browser at phone width: the demo principal reviews the published family report; a family
opens the public link without an account, in English and in Spanish; the link is taken down; a coach
reads the schools they serve. axe-core checks every page, screenshots land in tests/artifacts/."""

from __future__ import annotations

import datetime

import pytest

from coachmap.demo.generate import DEMO_PASSWORD, Generator
from coachmap.demo.profiles import PROFILES
from coachmap.families.models import FamilyReport
from tests.e2e.conftest import check_page, login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def _no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_family_reads_the_report_in_english_and_spanish_on_a_phone(page) -> None:  # type: ignore[no-untyped-def]
    Generator(PROFILES["demo"], 1, datetime.date(2026, 11, 23)).run()
    report = FamilyReport.objects.get()
    assert report.is_public
    page.set_viewport_size(PHONE)
    public = f"/families/read/{report.school_id}/{report.token}/"

    page.goto(public + "?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Our goals for students").is_visible()
    assert page.get_by_role("heading", name="Questions?").is_visible()
    _no_sideways_scroll(page)
    check_page(page, "family report english 390")

    page.get_by_role("link", name="Español").click()
    page.wait_for_url("**lang=es")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", name="Nuestras metas para los estudiantes").is_visible()
    assert page.get_by_role("heading", name="¿Tiene preguntas?").is_visible()
    assert page.get_by_text("Podemos hablar en inglés o en español.").is_visible()
    _no_sideways_scroll(page)
    check_page(page, "family report spanish 390")

    # The principal reviews it (the report in Spanish inside the English page) and takes the link down.
    login(page, "principal", DEMO_PASSWORD)
    page.goto(f"/families/{report.pk}/?lang=es")
    assert page.get_by_text("Published: families read it at the link below").is_visible()
    _no_sideways_scroll(page)
    check_page(page, "family report principal review 390")
    page.get_by_role("button", name="Take the link down…").press("Enter")
    page.wait_for_load_state()
    check_page(page, "family report take down question")
    page.get_by_role("button", name="Take the link down").press("Enter")
    page.wait_for_load_state()
    assert page.get_by_text("The link is down").is_visible()
    logout(page)

    page.goto(public + "?lang=es")
    assert page.get_by_role("heading", name="Este informe no está disponible").is_visible()
    check_page(page, "family report not available spanish 390")


def test_a_coach_reads_the_schools_they_serve_without_edit_buttons(page) -> None:  # type: ignore[no-untyped-def]
    Generator(PROFILES["demo"], 1, datetime.date(2026, 11, 23)).run()
    page.set_viewport_size(PHONE)
    from coachmap.core.models import Coach

    school = Coach.objects.get(user__username="coach").schools.order_by("name").first()
    login(page, "coach", DEMO_PASSWORD)
    page.goto(f"/schools/{school.pk}/")
    assert page.get_by_role("heading", name="What our data say", exact=True).is_visible()
    assert page.get_by_role("link", name="Set an improvement goal").count() == 0
    _no_sideways_scroll(page)
    check_page(page, "coach reads school data 390")
    page.get_by_role("link", name="Technology map").first.click()
    assert page.get_by_role("link", name="Add a tool or initiative").count() == 0
    check_page(page, "coach reads technology map 390")
