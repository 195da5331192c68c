"""Family reports: the principal's list, review, words, publish and revoke; the families' public page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe

from coachmap.core import access, confirm
from coachmap.core.access import AuthedRequest
from coachmap.core.audit import audit_record
from coachmap.core.forms import add_service_errors
from coachmap.core.models import AuditAction, Role, School
from coachmap.core.pdf import html_to_pdf
from coachmap.core.schoolyear import school_year_of
from coachmap.families import access as families_access
from coachmap.families import services, words
from coachmap.families.content import report_content
from coachmap.families.forms import StartForm, TextsForm
from coachmap.families.models import FamilyReport

STATE_WORDS = {
    "draft": "Draft: only you, the program lead and the district see it. Publish it to make a link for families.",
    "published": "Published: families read it at the link below, without an account. Take the link down to stop it.",
    "revoked": "Link taken down: the old link says the report is not available. Publish again to make a new link.",
}


def _codes() -> list[str]:
    return [code for code, _ in settings.LANGUAGES]


def _language(request: HttpRequest) -> str:
    """?lang=es, else the language LocaleMiddleware chose (cookie, then the browser's)."""
    wanted = request.GET.get("lang", "")
    if wanted in _codes():
        return wanted
    try:
        return translation.get_supported_language_variant(translation.get_language() or "en")
    except LookupError:
        return settings.LANGUAGES[0][0]


def _switcher(request: HttpRequest, current: str) -> list[dict[str, Any]]:
    return [
        {
            "code": code,
            "name": translation.get_language_info(code)["name_local"].capitalize(),
            "url": f"{request.path}?lang={code}",
            "current": code == current,
        }
        for code in _codes()
    ]


def _content(report: FamilyReport) -> dict[str, Any]:
    """A published (or taken down) report says what it said; a draft reads today's figures."""
    if report.published_at is not None and report.content:
        return report.content
    return report_content(report.school, timezone.localdate())


def _body(report: FamilyReport, language: str) -> dict[str, Any]:
    """The report in `language`, ready for `families/body.html` (call inside that language)."""
    content = _content(report)
    return {
        "report": report,
        "school_name": content.get("school", report.school.name),
        "term": words.term(report.term, report.school_year),
        "goals": [words.goal_words(g) for g in content.get("goals", [])],
        "tools": [words.tool_words(t) for t in content.get("tools", [])],
        "min_size": content.get("min_size", report.school.district.min_group_size),
        "as_of": words.date(content.get("as_of", timezone.localdate().isoformat())),
        "help_text": report.text(language, "help"),
        "contact_text": report.text(language, "contact"),
        "language": language,
    }


def _body_html(report: FamilyReport, language: str) -> str:
    with translation.override(language):
        return render_to_string("families/body.html", _body(report, language))


def _fetch(request: AuthedRequest, report_id: int) -> FamilyReport:
    return access.fetch(
        lambda u: families_access.family_reports_visible_to(u).select_related("school__district"),
        request.user,
        pk=report_id,
    )


@access.route_required("families:index")
def report_list(request: AuthedRequest) -> HttpResponse:
    """Every family report the person may review; the principal starts one for a term here."""
    reports = list(
        families_access.family_reports_visible_to(request.user)
        .select_related("school")
        .order_by("school__name", "-school_year", "term")
    )
    led = list(School.objects.filter(pk__in=access.school_ids(request.user, Role.PRINCIPAL)).order_by("name"))
    schools = list(access.schools_readable_by(request.user).order_by("name"))
    return render(
        request,
        "families/index.html",
        {
            "reports": reports,
            "led": led,
            "form": StartForm(schools=led, this_year=school_year_of(timezone.localdate())) if led else None,
            "schools": schools,
        },
    )


@access.route_required("families:new")
@require_POST
def report_new(request: AuthedRequest) -> HttpResponse:
    led = list(School.objects.filter(pk__in=access.school_ids(request.user, Role.PRINCIPAL)).order_by("name"))
    form = StartForm(request.POST, schools=led, this_year=school_year_of(timezone.localdate()))
    if form.is_valid():
        try:
            report = services.report_start(
                actor=request.user,
                school=form.cleaned_data["school"],
                school_year=form.cleaned_data["school_year"],
                term=form.cleaned_data["term"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "Draft started. Write how families can help and whom they can ask, then publish."
            )
            return redirect("families:report", report_id=report.pk)
    reports = list(families_access.family_reports_visible_to(request.user).select_related("school"))
    return render(
        request,
        "families/index.html",
        {
            "reports": reports,
            "led": led,
            "form": form,
            "schools": list(access.schools_readable_by(request.user)),
        },
        status=400,
    )


@access.route_required("families:report")
def report_detail(request: AuthedRequest, report_id: int) -> HttpResponse:
    """The principal's review: the report as families will read it, in each language."""
    report = _fetch(request, report_id)
    language = _language(request)
    public_url = (
        request.build_absolute_uri(reverse("families:public", args=[report.school_id, report.token]))
        if report.is_public
        else ""
    )
    return render(
        request,
        "families/review.html",
        {
            "report": report,
            "body": mark_safe(_body_html(report, language)),
            "language": language,
            "switcher": _switcher(request, language),
            "state_words": STATE_WORDS[report.state],
            "may_change": families_access.may_change_family_report(request.user, report),
            "public_url": public_url,
            "languages": settings.LANGUAGES,
        },
    )


@access.route_required("families:edit")
def report_edit(request: AuthedRequest, report_id: int) -> HttpResponse:
    report = _fetch(request, report_id)
    access.require(
        families_access.may_change_family_report(request.user, report),
        "Only the school's principal writes its report.",
    )
    form = TextsForm(request.POST or None, report=report)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_texts_save(actor=request.user, report=report, texts=form.texts())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            note = " Publish again to put the new words on the families' link." if report.is_public else ""
            messages.success(request, f"Saved.{note}")
            return redirect("families:report", report_id=report.pk)
    return render(request, "families/edit.html", {"report": report, "form": form})


@access.route_required("families:publish")
@require_POST
def report_publish(request: AuthedRequest, report_id: int) -> HttpResponse:
    report = _fetch(request, report_id)
    try:
        services.report_publish(actor=request.user, report=report)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, "Published. Share the link below with families; it works without an account."
        )
    return redirect("families:report", report_id=report.pk)


@access.route_required("families:revoke")
@require_POST
def report_revoke(request: AuthedRequest, report_id: int) -> HttpResponse:
    report = _fetch(request, report_id)
    access.require(
        families_access.may_change_family_report(request.user, report),
        "Only the school's principal takes its report down.",
    )
    if not confirm.is_confirmed(request):
        back = reverse("families:report", args=[report.pk])
        return confirm.confirm_page(
            request,
            confirm.Confirmation(
                question=f"Take down the families' link to {report}?",
                consequences=[
                    "Families who open the link read that the report is not available.",
                    "The link never works again; publishing again makes a new one to share.",
                ],
                confirm_label="Take the link down",
                action=request.path,
                cancel_url=back,
                destructive=True,
            ),
        )
    try:
        services.report_revoke(actor=request.user, report=report)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, "The link is down: families who open it read that the report is not available."
        )
    return redirect("families:report", report_id=report.pk)


def _pdf(report: FamilyReport, language: str) -> HttpResponse:
    with translation.override(language):
        html = render_to_string("families/print.html", _body(report, language))
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    name = f"family-report-{report.term}-{report.school_year}-{language}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@access.route_required("families:pdf")
def report_pdf(request: AuthedRequest, report_id: int) -> HttpResponse:
    return pdf_download(request, _fetch(request, report_id))


def pdf_download(request: AuthedRequest, report: FamilyReport) -> HttpResponse:
    """The report as a PDF in the language asked for (`?lang=`), audited as an export: the review
    page's download and the API's (`families.api.family_report_pdf`)."""
    language = _language(request)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=report,
        district=report.school.district_id,
        report="family report",
        language=language,
    )
    return _pdf(report, language)


# --- the families' public link: no account, nothing personal -------------------------------------


def _public(response: HttpResponse) -> HttpResponse:
    """No copy kept on the way (a link taken down stops at once), no search engine, no referrer
    carrying the token."""
    patch_cache_control(response, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _not_available(request: HttpRequest) -> HttpResponse:
    """One answer for a wrong, revoked or another district's link: nothing says which."""
    language = _language(request)
    translation.activate(language)
    return _public(
        render(request, "families/not_available.html", {"language": language, "switcher": []}, status=404)
    )


@require_safe
def public_report(request: HttpRequest, school_id: int, token: str) -> HttpResponse:
    report = families_access.public_report(school_id, token)
    if report is None:
        return _not_available(request)
    language = _language(request)
    translation.activate(language)
    context = _body(report, language)
    context["switcher"] = _switcher(request, language)
    context["pdf_url"] = f"{reverse('families:public-pdf', args=[school_id, token])}?lang={language}"
    response = render(request, "families/public.html", context)
    return _public(response)


@require_safe
def public_report_pdf(request: HttpRequest, school_id: int, token: str) -> HttpResponse:
    report = families_access.public_report(school_id, token)
    if report is None:
        return _not_available(request)
    language = _language(request)
    translation.activate(language)
    return _public(_pdf(report, language))
