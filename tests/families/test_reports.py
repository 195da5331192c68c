"""Family reports (issue 15): the principal's draft, publish and revoke; the families' public link
in English and Spanish; nothing personal and nothing below the minimum group size in it."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from coachmap.core.models import AuditAction, AuditEvent, Role
from coachmap.families import services
from coachmap.families.models import FamilyReport
from coachmap.roster.models import Student
from tests.factories import DistrictFactory, SchoolFactory, UserFactory, member
from tests.families.conftest import (
    ENGLISH_CONTACT,
    ENGLISH_HELP,
    SPANISH_CONTACT,
    SPANISH_HELP,
    Families,
)

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def _signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _published(f: Families) -> FamilyReport:
    return services.report_publish(actor=f.principal, report=f.report)


def _public_url(report: FamilyReport) -> str:
    return reverse("families:public", args=[report.school_id, report.token])


def test_the_public_link_works_without_an_account_in_english(families: Families) -> None:
    report = _published(families)
    response = Client().get(_public_url(report))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and response["Referrer-Policy"] == "no-referrer"
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Maple Elementary: a report for families" in page
    assert "Goal: more students who are learning English meet the standard in reading and writing." in page
    # Baseline 3 % is coded; the newest figure (3 of 12 English learners) is a plain rate.
    assert "When we set this goal, 5% or fewer of them met the standard." in page
    assert "In our newest results (April 25, 2026), 25% met the standard." in page
    assert "Our aim: 40% by June 15, 2028." in page
    assert ENGLISH_HELP in page and ENGLISH_CONTACT in page
    assert SPANISH_HELP not in page
    assert "Lexia" in page and "Used in: grade 3, grade 4." in page


def test_spanish_by_lang_and_by_the_browser_with_numbers_and_dates_the_spanish_way(
    families: Families,
) -> None:
    report = _published(families)
    for response in (
        Client().get(_public_url(report), {"lang": "es"}),
        Client(HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").get(_public_url(report)),
    ):
        page = response.content.decode()
        assert '<html lang="es">' in page
        assert response["Content-Language"] == "es"
        assert "Maple Elementary: un informe para las familias" in page
        assert f"el 5{NBSP}% o menos de ellos alcanzaba el nivel esperado" in page
        assert f"(25 de abril de 2026), el 25{NBSP}% alcanzó el nivel esperado." in page
        assert f"Nuestro objetivo: el 40{NBSP}% para el 15 de junio de 2028." in page
        assert SPANISH_HELP in page and SPANISH_CONTACT in page
        assert ENGLISH_HELP not in page


def test_decimals_are_written_the_readers_way(families: Families) -> None:
    from django.utils import translation

    from coachmap.families import words

    with translation.override("es"):
        assert words.percent(12.5) == f"12,5{NBSP}%"
        assert words.figure({"value": 4.5, "coded": None}, "gap") == "4,5 puntos porcentuales"
    with translation.override("en"):
        assert words.percent(12.5) == "12.5%"
        assert words.figure({"value": None, "coded": "high"}, "proficiency_rate") == "95% or more"


def test_the_public_link_holds_nothing_personal_and_nothing_below_the_minimum(families: Families) -> None:
    report = _published(families)
    for lang in ("en", "es"):
        page = Client().get(_public_url(report), {"lang": lang}).content.decode()
        pdf_url = reverse("families:public-pdf", args=[report.school_id, report.token])
        for name in (families.teacher_name, families.coach_name, "paula", "Tamsin", "Abernathy"):
            assert name not in page
        for student in Student.objects.filter(school=families.maple.school):
            assert re.search(rf"\b{re.escape(student.source_id)}\b", page) is None
        # The three Asian students' goal shows no figure at all, not even its baseline (67 %).
        assert "67" not in page
        small = "could point to individual children" if lang == "en" else "podrían señalar a niños concretos"
        assert small in page
        # No count of students: the 12 English learners, the 40 tested, the 3 below the minimum.
        text = re.sub(r"<[^>]+>", " ", page)
        for count in ("12 ", "40 ", " 3 "):
            assert count not in text.replace("20 minut", ""), count
        pdf = Client().get(pdf_url, {"lang": lang})
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # What was published is frozen: no raw baseline or student count in the stored content.
    goals = report.content["goals"]
    assert goals[0]["baseline"] == {"value": None, "coded": "low"}
    assert goals[1]["hidden"] and goals[1]["baseline"] is None and goals[1]["latest"] is None


def test_revoked_wrong_and_another_districts_links_all_get_the_same_not_found(families: Families) -> None:
    report = _published(families)
    token = report.token
    elsewhere = SchoolFactory(district=DistrictFactory(name="Elsewhere"), name="Far Elementary")
    far_principal = member(
        UserFactory(username="farp"), Role.PRINCIPAL, district=elsewhere.district, school=elsewhere
    )
    far = services.report_start(
        actor=far_principal, school=elsewhere, school_year=report.school_year, term="fall"
    )
    far = services.report_texts_save(
        actor=far_principal, report=far, texts={"en": {"contact": "x"}, "es": {"contact": "x"}}
    )
    far = services.report_publish(actor=far_principal, report=far)
    assert Client().get(reverse("families:public", args=[elsewhere.pk, far.token])).status_code == 200

    wrong = Client().get(reverse("families:public", args=[report.school_id, "not-the-token"]))
    other_district = Client().get(reverse("families:public", args=[report.school_id, far.token]))
    services.report_revoke(actor=families.principal, report=report)
    revoked = Client().get(reverse("families:public", args=[report.school_id, token]))
    revoked_pdf = Client().get(reverse("families:public-pdf", args=[report.school_id, token]))
    answers = [wrong, other_district, revoked, revoked_pdf]
    assert {r.status_code for r in answers} == {404}
    assert len({r.content for r in answers}) == 1
    body = revoked.content.decode()
    assert "This report is not available" in body and "Maple" not in body
    # Publishing again makes a new link; the old one stays dead.
    again = services.report_publish(actor=families.principal, report=report)
    assert again.token != token
    assert Client().get(reverse("families:public", args=[report.school_id, token])).status_code == 404
    assert Client().get(_public_url(again)).status_code == 200


def test_publish_and_revoke_are_audited(families: Families) -> None:
    report = _published(families)
    services.report_revoke(actor=families.principal, report=report)
    actions = list(
        AuditEvent.objects.filter(object_id=str(report.pk), object_type="families.familyreport")
        .order_by("at", "pk")
        .values_list("action", "actor__username")
    )
    assert actions == [(AuditAction.REPORT_PUBLISH, "paula"), (AuditAction.REPORT_REVOKE, "paula")]


def test_publishing_needs_a_contact_in_every_language_and_changes_nothing_without(families: Families) -> None:
    services.report_texts_save(
        actor=families.principal, report=families.report, texts={"en": {"contact": "Call us."}, "es": {}}
    )
    with pytest.raises(ValidationError) as caught:
        services.report_publish(actor=families.principal, report=families.report)
    assert "contact_es" in caught.value.error_dict
    report = FamilyReport.objects.get(pk=families.report.pk)
    assert report.token is None and report.published_at is None
    assert not AuditEvent.objects.filter(action=AuditAction.REPORT_PUBLISH).exists()


def test_only_the_principal_writes_and_the_page_says_what_happens_next(families: Families) -> None:
    lead = member(UserFactory(username="lena"), Role.PROGRAM_LEAD, district=families.maple.district)
    with pytest.raises(PermissionDenied):
        services.report_publish(actor=lead, report=families.report)
    url = reverse("families:report", args=[families.report.pk])
    page = _signed_in(families.principal).get(url).content.decode()
    assert "Draft: only you, the program lead and the district see it." in page
    assert "Publish for families" in page
    lead_page = _signed_in(lead).get(url)
    assert lead_page.status_code == 200 and "Publish for families" not in lead_page.content.decode()
    client = _signed_in(families.principal)
    assert client.post(reverse("families:publish", args=[families.report.pk])).status_code == 302
    page = client.get(url).content.decode()
    assert "Published: families read it at the link below" in page
    assert FamilyReport.objects.get(pk=families.report.pk).token in page
    # Taking the link down asks first; leaving the question changes nothing.
    revoke = reverse("families:revoke", args=[families.report.pk])
    assert "Take down the families" in client.post(revoke).content.decode()
    assert FamilyReport.objects.get(pk=families.report.pk).is_public
    assert client.post(revoke, {"confirmed": "yes"}).status_code == 302
    assert not FamilyReport.objects.get(pk=families.report.pk).is_public


def test_the_principals_words_are_saved_per_language_and_too_long_is_refused(families: Families) -> None:
    client = _signed_in(families.principal)
    url = reverse("families:edit", args=[families.report.pk])
    response = client.post(
        url, {"help_en": "x" * 2001, "contact_en": "Call", "help_es": "", "contact_es": "Llame"}
    )
    assert (
        response.status_code == 200
        and "Ensure this value has at most 2000 characters" in response.content.decode()
    )
    assert FamilyReport.objects.get(pk=families.report.pk).text("en", "help") == ENGLISH_HELP
    response = client.post(
        url, {"help_en": "Read.", "contact_en": "Call", "help_es": "Lean.", "contact_es": "Llame"}
    )
    assert response.status_code == 302
    report = FamilyReport.objects.get(pk=families.report.pk)
    assert report.text("es", "help") == "Lean." and report.text("en", "contact") == "Call"


def test_a_second_report_for_the_same_term_is_refused_by_name(families: Families) -> None:
    response = _signed_in(families.principal).post(
        reverse("families:new"),
        {"school": families.maple.school.pk, "school_year": families.report.school_year, "term": "fall"},
    )
    assert response.status_code == 400
    assert "already has a report for that term" in response.content.decode()
    assert FamilyReport.objects.count() == 1


def test_the_lead_reviews_every_school_of_their_district_and_no_other(families: Families) -> None:
    url = reverse("families:report", args=[families.report.pk])
    lead = member(UserFactory(username="lena"), Role.PROGRAM_LEAD, district=families.maple.district)
    far_lead = member(UserFactory(username="farl"), Role.PROGRAM_LEAD, district=DistrictFactory())
    assert _signed_in(lead).get(url).status_code == 200
    assert _signed_in(far_lead).get(url).status_code == 404
    assert _signed_in(far_lead).get(reverse("families:pdf", args=[families.report.pk])).status_code == 404
    index = _signed_in(lead).get(reverse("families:index")).content.decode()
    assert (
        "Maple Elementary" in index
        and reverse("improvement:school", args=[families.maple.school.pk]) in index
    )
