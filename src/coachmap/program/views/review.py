"""The annual review: gathered figures and the lead's notes, year by year, past years read-only."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from coachmap.core import access
from coachmap.core.access import AuthedRequest
from coachmap.core.models import Role
from coachmap.core.schoolyear import school_year_of
from coachmap.program import access as program_access
from coachmap.program import forms, services
from coachmap.program.models import AnnualReview
from coachmap.program.views.pages import district_of

# --- the annual review ------------------------------------------------------------------------------


@access.route_required("program:reviews")
def reviews(request: AuthedRequest) -> HttpResponse:
    district = district_of(request, Role.PROGRAM_LEAD, Role.DISTRICT_ADMIN)
    current = school_year_of(timezone.localdate())
    rows = program_access.reviews_visible_to(request.user).filter(district=district)
    return render(
        request,
        "program/reviews.html",
        {
            "reviews": [(r, f"{r.school_year - 1}–{r.school_year}") for r in rows],
            "current": current,
            "current_label": f"{current - 1}–{current}",
            "has_current": rows.filter(school_year=current).exists(),
            "is_lead": program_access.may_write_review(
                request.user, AnnualReview(district=district, school_year=current), current
            ),
        },
    )


@access.route_required("program:review")
def review(request: AuthedRequest, year: int) -> HttpResponse:
    row = access.fetch(program_access.reviews_visible_to, request.user, school_year=year)
    current = school_year_of(timezone.localdate())
    writable = program_access.may_write_review(request.user, row, current)
    return render(
        request,
        "program/review.html",
        {
            "review": row,
            "label": f"{row.school_year - 1}–{row.school_year}",
            "f": row.figures or {},
            "writable": writable,
            "form": forms.ReviewNotesForm(
                initial={"what_worked": row.what_worked, "what_to_change": row.what_to_change}
            )
            if writable
            else None,
        },
    )


@access.route_required("program:review-gather")
@require_POST
def review_gather(request: AuthedRequest) -> HttpResponse:
    district = district_of(request, Role.PROGRAM_LEAD)
    row = services.review_gather(actor=request.user, district=district)
    messages.success(
        request, "Figures gathered. Add what worked and what to change, then print or share the page."
    )
    return redirect("program:review", year=row.school_year)


@access.route_required("program:review-annotate")
@require_POST
def review_annotate(request: AuthedRequest, year: int) -> HttpResponse:
    row = access.fetch(program_access.reviews_visible_to, request.user, school_year=year)
    form = forms.ReviewNotesForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Keep each part to 8,000 characters.")
        return redirect("program:review", year=year)
    try:
        services.review_annotate(actor=request.user, review_row=row, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Saved. The review keeps this year's notes beside its figures.")
    return redirect("program:review", year=year)
