"""The program's vision: the lead writes it, everyone in the district reads it."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from coachmap.core import access
from coachmap.core.access import AuthedRequest
from coachmap.core.models import Role
from coachmap.program import access as program_access
from coachmap.program import defaults, forms, services
from coachmap.program.models import ProgramVision
from coachmap.program.views.pages import district_of, form_page, saved_or_none

# --- the vision ------------------------------------------------------------------------------------


@access.route_required("program:vision")
def vision(request: AuthedRequest) -> HttpResponse:
    district = district_of(request)
    access.require(program_access.may_read_vision(request.user, district.pk))
    return render(
        request,
        "program/vision.html",
        {
            "vision": ProgramVision.objects.filter(district=district).first(),
            "may_write": program_access.may_write_vision(request.user, district.pk),
        },
    )


@access.route_required("program:vision-edit")
def vision_edit(request: AuthedRequest) -> HttpResponse:
    district = district_of(request, Role.PROGRAM_LEAD)
    current = ProgramVision.objects.filter(district=district).first()
    initial = {
        "vision": current.vision if current else defaults.VISION,
        "aims": "\n".join(current.aims if current else defaults.AIMS),
    }
    form = forms.VisionForm(request.POST or None, initial=initial)
    saved = saved_or_none(
        request,
        form,
        lambda f: services.vision_write(actor=request.user, district=district, **f.cleaned_data),
        "Vision published: everyone in the district can read it from the menu and teachers' home page.",
        reverse("program:vision"),
    )
    return saved or form_page(
        request,
        form,
        "The program's vision and aims",
        "Publish the vision",
        reverse("program:vision"),
        intro="Write it with a coach. Every teacher, coach, principal and administrator of the district reads it.",
    )
