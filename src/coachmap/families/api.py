"""Family reports through the API (issue 20): the principal's review, their words per language,
publish and take down; read by the program lead and the district as on the pages. The same forms
and services (`families.services`, publishing and taking down audited). The families' own link
is a page for families, never an API route: these routes only say its address, as the review does.
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from coachmap.core import access
from coachmap.core.forms import form_cleaned
from coachmap.core.inputs import Id, Pages
from coachmap.core.models import Role, School
from coachmap.core.schoolyear import school_year_of
from coachmap.families import access as families_access
from coachmap.families import services, views
from coachmap.families.content import report_content
from coachmap.families.forms import StartForm, TextsForm
from coachmap.families.models import FamilyReport, Term

router = Router(tags=["family reports"])

STATE_WORDS = {
    "draft": "Draft: only the principal, the program lead and the district see it. Publish it to make a link for families.",
    "published": "Published: families read it at its link, without an account. Take the link down to stop it.",
    "revoked": "Link taken down: the old link says the report is not available. Publish again to make a new link.",
}


class WordsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    help: str | None = Field(None, max_length=services.MAX_TEXT, description="How families can help at home.")
    contact: str | None = Field(None, max_length=services.MAX_TEXT, description="How to ask a question.")


class TextsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    texts: dict[str, WordsIn] = Field(
        description="Per language code (en, es, …): the words to change; those left out are kept."
    )


class StartIn(Schema):
    model_config = ConfigDict(extra="forbid")

    school_id: Id
    school_year: int = Field(ge=2000, le=2100)
    term: Term


class TakeDownIn(Schema):
    model_config = ConfigDict(extra="forbid")

    confirm: bool = Field(
        False, description="true: take the link down (families then read that the report is not available)."
    )


class FamilyReportOut(Schema):
    id: int
    school_id: int
    school: str
    school_year: int
    term: str
    state: str = Field(description="draft, published or revoked")
    state_words: str
    published_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    updated_at: datetime.datetime


class FamilyReportDetailOut(FamilyReportOut):
    texts: dict[str, dict[str, str]] = Field(description="The principal's words per language: help, contact.")
    content: dict[str, Any] = Field(
        description="What the report says: frozen when published, today's figures in a draft; "
        "figures about too few students are left out, as on the page."
    )
    public_url: str = Field(
        description="The families' link while published, as on the review page; else empty."
    )


def _out(report: FamilyReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "school_id": report.school_id,
        "school": report.school.name,
        "school_year": report.school_year,
        "term": report.term,
        "state": report.state,
        "state_words": STATE_WORDS[report.state],
        "published_at": report.published_at,
        "revoked_at": report.revoked_at,
        "updated_at": report.updated_at,
    }


def _detail(request: HttpRequest, report: FamilyReport) -> dict[str, Any]:
    content = (
        report.content
        if report.published_at is not None and report.content
        else report_content(report.school, timezone.localdate())
    )
    public_url = (
        request.build_absolute_uri(reverse("families:public", args=[report.school_id, report.token]))
        if report.is_public
        else ""
    )
    codes = [code for code, _ in settings.LANGUAGES]
    texts = {code: {part: report.text(code, part) for part in services.PARTS} for code in codes}
    return {**_out(report), "texts": texts, "content": content, "public_url": public_url}


def _fetch(request: HttpRequest, report_id: int, page: str) -> FamilyReport:
    access.require(access.may_open(request.user, page), "Family reports are the principal's to write.")
    return access.fetch(
        lambda u: families_access.family_reports_visible_to(u).select_related("school__district"),
        request.user,
        pk=report_id,
    )


@router.get("/family-reports", response=list[FamilyReportOut])
@paginate(Pages, page_size=50)
def family_reports(
    request: HttpRequest,
    school_id: Id | None = None,
    school_year: int | None = None,
    state: str | None = None,
) -> list[dict[str, Any]]:
    """The reports the person reviews: their school's (a principal), every school's (the lead, the district)."""
    access.require(
        access.may_open(request.user, "families:index"),
        "Family reports are for principals, the program lead and the district.",
    )
    if state and state not in STATE_WORDS:
        raise ValidationError({"state": "Choose draft, published or revoked."})
    rows: QuerySet[FamilyReport] = families_access.family_reports_visible_to(request.user).select_related(
        "school"
    )
    if school_id is not None:
        rows = rows.filter(school_id=school_id)
    if school_year is not None:
        rows = rows.filter(school_year=school_year)
    public = Q(published_at__isnull=False, revoked_at__isnull=True, token__isnull=False) & ~Q(token="")
    if state == "published":
        rows = rows.filter(public)
    elif state == "revoked":
        rows = rows.exclude(public).filter(revoked_at__isnull=False)
    elif state == "draft":
        rows = rows.exclude(public).filter(revoked_at__isnull=True)
    return [_out(r) for r in rows.order_by("school__name", "-school_year", "term", "id")]


@router.get("/family-reports/{report_id}", response=FamilyReportDetailOut)
def family_report(request: HttpRequest, report_id: Id) -> dict[str, Any]:
    """One report for review: the principal's words in each language and what it says."""
    return _detail(request, _fetch(request, report_id, "families:report"))


@router.get(
    "/family-reports/{report_id}/report.pdf",
    openapi_extra={
        "responses": {
            200: {
                "description": "The report as a PDF file, as the review page's download.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def family_report_pdf(
    request: HttpRequest,
    report_id: Id,
    lang: str | None = Query(
        None, max_length=10, description="The language code (en, es, …); the request's language by default."
    ),
) -> HttpResponse:
    """The report as the PDF the review page downloads, in one language: byte for byte the page's
    (the same renderer and template), audited as an export. Figures about too few students are
    left out, as on the page."""
    report = _fetch(request, report_id, "families:pdf")
    codes = [code for code, _ in settings.LANGUAGES]
    if lang is not None and lang not in codes:
        raise ValidationError({"lang": f"No language {lang}: use {', '.join(codes)}."})
    return views.pdf_download(request, report)  # type: ignore[arg-type]


@router.post("/family-reports", response={201: FamilyReportDetailOut})
def family_report_start(request: HttpRequest, data: StartIn) -> Status:
    """The principal starts a draft for a term (one per school and term)."""
    access.require(
        access.may_open(request.user, "families:new"), "Only the school's principal starts its family report."
    )
    led = list(School.objects.filter(pk__in=access.school_ids(request.user, Role.PRINCIPAL)).order_by("name"))
    school = access.fetch(
        lambda u: School.objects.filter(pk__in=[s.pk for s in led]), request.user, pk=data.school_id
    )
    form = StartForm(
        {"school": school.pk, "school_year": data.school_year, "term": data.term.value},
        schools=led,
        this_year=school_year_of(timezone.localdate()),
    )
    cleaned = form_cleaned(form)
    report = services.report_start(
        actor=request.user,  # type: ignore[arg-type]
        school=cleaned["school"],
        school_year=cleaned["school_year"],
        term=cleaned["term"],
    )
    return Status(201, _detail(request, report))


@router.post("/family-reports/{report_id}/texts", response=FamilyReportDetailOut)
def family_report_texts(request: HttpRequest, report_id: Id, data: TextsIn) -> dict[str, Any]:
    """The principal's own words, per language; a published report shows them once published again."""
    report = _fetch(request, report_id, "families:edit")
    access.require(
        families_access.may_change_family_report(request.user, report),
        "Only the school's principal writes its report.",
    )
    codes = [code for code, _ in settings.LANGUAGES]
    unknown = sorted(set(data.texts) - set(codes))
    if unknown:
        raise ValidationError({"texts": f"No language {', '.join(unknown)[:60]}: use {', '.join(codes)}."})
    values: dict[str, str] = {}
    for code in codes:
        sent = data.texts.get(code)
        for part in services.PARTS:
            given = getattr(sent, part) if sent is not None else None
            values[f"{part}_{code}"] = report.text(code, part) if given is None else given
    form = TextsForm(values, report=report)
    form_cleaned(form)
    saved = services.report_texts_save(actor=request.user, report=report, texts=form.texts())  # type: ignore[arg-type]
    return _detail(request, saved)


@router.post("/family-reports/{report_id}/publish", response=FamilyReportDetailOut)
def family_report_publish(request: HttpRequest, report_id: Id) -> dict[str, Any]:
    """Freeze what the report says and open a new link for families (the contact words in every
    language are needed first: 422 naming each missing one)."""
    report = _fetch(request, report_id, "families:publish")
    return _detail(request, services.report_publish(actor=request.user, report=report))  # type: ignore[arg-type]


@router.post("/family-reports/{report_id}/take-down", response=FamilyReportDetailOut)
def family_report_take_down(request: HttpRequest, report_id: Id, data: TakeDownIn) -> dict[str, Any]:
    """Take the families' link down for good, with `confirm: true` (the page's confirmation)."""
    report = _fetch(request, report_id, "families:revoke")
    access.require(
        families_access.may_change_family_report(request.user, report),
        "Only the school's principal takes its report down.",
    )
    if not data.confirm:
        raise ValidationError(
            {
                "confirm": "Send confirm: true to take the link down; families then read that it is not available."
            }
        )
    return _detail(request, services.report_revoke(actor=request.user, report=report))  # type: ignore[arg-type]
