"""The look-for framework's pages: read, history, edit and publish, walkthroughs, levels in aggregate."""

from __future__ import annotations

import re

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from coachmap.core import access, confirm
from coachmap.core.access import AuthedRequest
from coachmap.core.models import District, Role
from coachmap.core.schoolyear import school_year_of
from coachmap.improvement import access as improvement_access
from coachmap.improvement.framework import defaults as framework_defaults
from coachmap.improvement.framework import queries as framework_queries
from coachmap.improvement.framework import services as framework_services
from coachmap.improvement.models import GradeBand
from coachmap.program import forms, queries
from coachmap.program.views.pages import district_of, form_page, saved_or_none

# --- the look-for framework ------------------------------------------------------------------------


def _framework_page(request: AuthedRequest, district: District, number: int | None) -> HttpResponse:
    versions = list(framework_queries.history(request.user, district.pk))
    version = (
        versions[0]
        if number is None and versions
        else next((v for v in versions if v.number == number), None)
    )
    if number is not None and version is None:
        raise Http404("No such version of the framework.")
    return render(
        request,
        "program/framework.html",
        {
            "layout": framework_queries.layout(version) if version else None,
            "versions": versions,
            "may_edit": improvement_access.may_edit_framework(request.user, district.pk),
        },
    )


@access.route_required("program:framework")
def framework(request: AuthedRequest) -> HttpResponse:
    return _framework_page(request, district_of(request), None)


@access.route_required("program:framework-version")
def framework_version(request: AuthedRequest, number: int) -> HttpResponse:
    return _framework_page(request, district_of(request), number)


@access.route_required("program:framework-edit")
def framework_edit(request: AuthedRequest) -> HttpResponse:
    district = district_of(request, Role.PROGRAM_LEAD)
    current = framework_queries.current_version(district.pk)
    if current is not None:
        layout = framework_queries.layout(current)
        levels = [(lv.name, lv.description) for lv in layout.levels]
        bands = {b.value: [lf.text for lf in b.look_fors] for b in layout.bands}
    else:
        levels = list(framework_defaults.LEVELS)
        bands = {band: list(items) for band, items in framework_defaults.LOOK_FORS.items()}
    initial = {"levels": "\n".join(f"{n}: {d}" if d else n for n, d in levels)}
    initial |= {f"look_fors_{band}": "\n".join(bands.get(band, [])) for band in GradeBand.values}
    form = forms.FrameworkForm(request.POST or None, initial=initial)
    number = current.number + 1 if current else 1
    if request.method == "POST" and form.is_valid() and not confirm.is_confirmed(request):
        # Every coach's check-ins and every walkthrough use the new version from now on: ask first.
        return confirm.confirm_page(
            request,
            confirm.Confirmation(
                question=f"Publish version {number} of the look-for framework?",
                consequences=[
                    "Coaches and principals use it from now on in check-ins, micro-coaching and walkthroughs.",
                    "What was recorded with an earlier version keeps that version; the history shows them all.",
                    "Everyone in the district reads the new version on the framework page.",
                ],
                confirm_label=f"Publish version {number}",
                action=request.path,
                cancel_url=reverse("program:framework"),
                fields={name: str(form.data.get(name, "")) for name in form.fields},
            ),
        )
    saved = saved_or_none(
        request,
        form,
        lambda f: framework_services.framework_publish(
            actor=request.user, district=district, **f.publish_data()
        ),
        "New version published. Check-ins and walkthroughs already recorded keep the version they used.",
        reverse("program:framework"),
    )
    return saved or form_page(
        request,
        form,
        "Edit the look-for framework",
        f"Publish as version {number}",
        reverse("program:framework"),
        intro="What quality technology use looks like at each grade band, and the levels of use. Publishing "
        "makes a new version; nothing already recorded changes.",
    )


@access.route_required("program:framework-report")
def framework_report(request: AuthedRequest) -> HttpResponse:
    district = district_of(request, Role.PROGRAM_LEAD, Role.PRINCIPAL, Role.DISTRICT_ADMIN)
    today = timezone.localdate()
    year = _year(request.GET.get("year"), school_year_of(today))
    return render(
        request,
        "program/framework_report.html",
        {
            "table": queries.framework_levels(request.user, district, year),
            "year": year,
            "years": list(range(school_year_of(today), school_year_of(today) - 4, -1)),
        },
    )


def _year(raw: str | None, default: int) -> int:
    if raw and re.fullmatch(r"\d{4}", raw) and 2000 <= int(raw) <= default + 1:  # noqa: PLR2004
        return int(raw)
    return default


@access.route_required("program:walkthroughs")
def walkthroughs(request: AuthedRequest) -> HttpResponse:
    user = request.user
    district = district_of(request, Role.COACH, Role.PRINCIPAL)
    version = framework_queries.current_version(district.pk)
    schools = queries.schools_for_walkthroughs(user, district)
    form = None
    if version is not None and schools:
        form = forms.WalkthroughForm(
            request.POST or None,
            schools=queries.schools_for_walkthroughs(user, district, as_queryset=True),
            version=version,
            initial={"observed_on": timezone.localdate()},
        )
        saved = saved_or_none(
            request,
            form,
            lambda f: framework_services.walkthrough_record(actor=user, **f.cleaned_data),
            "Walkthrough recorded. It counts only in the school's aggregate, never by teacher.",
            reverse("program:walkthroughs"),
        )
        if saved:
            return saved
    return render(
        request,
        "program/walkthroughs.html",
        {
            "form": form,
            "version": version,
            "mine": improvement_access.walkthroughs_visible_to(user)
            .select_related("school", "level", "version")
            .prefetch_related("look_fors")[:50],
        },
    )
