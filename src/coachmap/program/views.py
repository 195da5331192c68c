"""Pages of the coaching program as a whole: the vision, the look-for framework (editor, history,
walkthroughs, levels in aggregate), the coaches' own growth, and the annual review. Thin: parse,
call one service or query, render."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coachmap.core import access, confirm
from coachmap.core.access import AuthedRequest
from coachmap.core.forms import add_service_errors
from coachmap.core.models import District, Role
from coachmap.core.schoolyear import school_year_of
from coachmap.improvement import access as improvement_access
from coachmap.improvement.framework import defaults as framework_defaults
from coachmap.improvement.framework import queries as framework_queries
from coachmap.improvement.framework import services as framework_services
from coachmap.improvement.models import GradeBand
from coachmap.program import access as program_access
from coachmap.program import defaults, forms, queries, services, terms
from coachmap.program.models import AnnualReview, Competency, ProgramVision


def _district(request: AuthedRequest, *roles: Role) -> District:
    district = access.acting_district(request.user, *(roles or tuple(Role)))
    if district is None:
        raise Http404("You belong to no district.")
    return district


def _form_page(
    request: AuthedRequest, form: Any, title: str, submit: str, back: str, *, intro: str = ""
) -> HttpResponse:
    return render(
        request,
        "program/form_page.html",
        {"form": form, "title": title, "submit": submit, "back": back, "intro": intro},
    )


def _saved(request: AuthedRequest, form: Any, save: Any, done: str, to: str) -> HttpResponse | None:
    """A posted form: on valid input, one service, then `to` with `done`; None to show the form again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        save(form)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, done)
    return redirect(to)


# --- the vision ------------------------------------------------------------------------------------


@access.route_required("program:vision")
def vision(request: AuthedRequest) -> HttpResponse:
    district = _district(request)
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
    district = _district(request, Role.PROGRAM_LEAD)
    current = ProgramVision.objects.filter(district=district).first()
    initial = {
        "vision": current.vision if current else defaults.VISION,
        "aims": "\n".join(current.aims if current else defaults.AIMS),
    }
    form = forms.VisionForm(request.POST or None, initial=initial)
    saved = _saved(
        request,
        form,
        lambda f: services.vision_write(actor=request.user, district=district, **f.cleaned_data),
        "Vision published: everyone in the district can read it from the menu and teachers' home page.",
        reverse("program:vision"),
    )
    return saved or _form_page(
        request,
        form,
        "The program's vision and aims",
        "Publish the vision",
        reverse("program:vision"),
        intro="Write it with a coach. Every teacher, coach, principal and administrator of the district reads it.",
    )


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
    return _framework_page(request, _district(request), None)


@access.route_required("program:framework-version")
def framework_version(request: AuthedRequest, number: int) -> HttpResponse:
    return _framework_page(request, _district(request), number)


@access.route_required("program:framework-edit")
def framework_edit(request: AuthedRequest) -> HttpResponse:
    district = _district(request, Role.PROGRAM_LEAD)
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
    saved = _saved(
        request,
        form,
        lambda f: framework_services.framework_publish(
            actor=request.user, district=district, **f.publish_data()
        ),
        "New version published. Check-ins and walkthroughs already recorded keep the version they used.",
        reverse("program:framework"),
    )
    return saved or _form_page(
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
    district = _district(request, Role.PROGRAM_LEAD, Role.PRINCIPAL, Role.DISTRICT_ADMIN)
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
    district = _district(request, Role.COACH, Role.PRINCIPAL)
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
        saved = _saved(
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


# --- coach growth ------------------------------------------------------------------------------------


def _coach(request: AuthedRequest) -> Any:
    coach = access.coach_of(request.user)
    if coach is None:
        raise Http404("You have no coach profile.")
    return coach


@access.route_required("program:growth")
def growth(request: AuthedRequest) -> HttpResponse:
    coach = _coach(request)
    user = request.user
    school_year, term = terms.term_of(timezone.localdate())
    assessments = list(
        program_access.self_assessments_visible_to(user).prefetch_related("ratings__competency")
    )
    return render(
        request,
        "program/growth.html",
        {
            "coach": coach,
            "term_label": terms.term_label(school_year, term),
            "this_term": next(
                (a for a in assessments if (a.school_year, a.term) == (school_year, term)), None
            ),
            "assessments": [(terms.term_label(a.school_year, a.term), a) for a in assessments],
            "goals": program_access.coach_goals_visible_to(user).select_related("competency"),
            "learning": program_access.learning_visible_to(user).select_related("competency")[:50],
            "status_form": forms.GoalStatusForm(),
        },
    )


@access.route_required("program:growth-assessment")
def growth_assessment(request: AuthedRequest) -> HttpResponse:
    coach = _coach(request)
    school_year, term = terms.term_of(timezone.localdate())
    competencies = services.rubric_ensure(district=coach.district)
    existing = (
        program_access.self_assessments_visible_to(request.user)
        .filter(school_year=school_year, term=term)
        .first()
    )
    initial: dict[str, Any] = {}
    if existing is not None:
        initial = {f"area_{r.competency_id}": r.level for r in existing.ratings.all()}
        initial["reflection"] = existing.reflection
    form = forms.SelfAssessmentForm(request.POST or None, competencies=competencies, initial=initial)
    saved = _saved(
        request,
        form,
        lambda f: services.self_assessment_save(
            coach=coach, ratings=f.ratings(), reflection=f.cleaned_data["reflection"]
        ),
        "Self-assessment saved. Only you read it; it joins the team's counts only when enough coaches have answered.",
        reverse("program:growth"),
    )
    return saved or _form_page(
        request,
        form,
        f"My self-assessment: {terms.term_label(school_year, term)}",
        "Save my self-assessment",
        reverse("program:growth"),
        intro="Where you stand on each area of the coaching rubric this term. Only you read your answers; the "
        "program lead sees the team's counts per level, hidden when fewer coaches than the district's "
        "minimum group size answered.",
    )


@access.route_required("program:growth-goal-new")
def growth_goal_new(request: AuthedRequest) -> HttpResponse:
    coach = _coach(request)
    competencies = Competency.objects.filter(district=coach.district, active=True)
    form = forms.CoachGoalForm(request.POST or None, competencies=competencies)
    saved = _saved(
        request,
        form,
        lambda f: services.coach_goal_set(coach=coach, **f.cleaned_data),
        "Goal set. Mark it met or set it aside from your growth page.",
        reverse("program:growth"),
    )
    return saved or _form_page(
        request, form, "A goal for my own growth", "Set the goal", reverse("program:growth")
    )


@access.route_required("program:growth-goal-status")
@require_POST
def growth_goal_status(request: AuthedRequest, goal_id: int) -> HttpResponse:
    coach = _coach(request)
    goal = access.fetch(program_access.coach_goals_visible_to, request.user, pk=goal_id)
    form = forms.GoalStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose working on it, met or set aside.")
    else:
        services.coach_goal_status(coach=coach, goal=goal, status=form.cleaned_data["status"])
        messages.success(request, f"Goal marked “{goal.get_status_display()}”.")
    return redirect("program:growth")


@access.route_required("program:learning-new")
def learning_new(request: AuthedRequest) -> HttpResponse:
    coach = _coach(request)
    competencies = Competency.objects.filter(district=coach.district, active=True)
    form = forms.LearningForm(
        request.POST or None, competencies=competencies, initial={"on": timezone.localdate()}
    )
    saved = _saved(
        request,
        form,
        lambda f: services.learning_log(coach=coach, **f.cleaned_data),
        "Learning logged in your learning log.",
        reverse("program:growth"),
    )
    return saved or _form_page(request, form, "Log my own learning", "Log it", reverse("program:growth"))


@access.route_required("program:rubric")
def rubric(request: AuthedRequest) -> HttpResponse:
    district = _district(request, Role.PROGRAM_LEAD)
    competencies = services.rubric_ensure(district=district)
    initial = {
        "competencies": "\n".join(
            f"{c.name}: {c.description}" if c.description else c.name for c in competencies
        )
    }
    form = forms.RubricForm(request.POST or None, initial=initial)
    saved = _saved(
        request,
        form,
        lambda f: services.rubric_update(
            actor=request.user, district=district, lines=f.cleaned_data["competencies"]
        ),
        "Rubric saved. Coaches rate themselves on it from their next self-assessment.",
        reverse("program:team-growth"),
    )
    return saved or _form_page(
        request,
        form,
        "The coaches' competency rubric",
        "Save the rubric",
        reverse("program:team-growth"),
        intro="The areas coaches grow in, starting from the ISTE Standards for Coaches. It guides coaches' own "
        "growth; it is never used to evaluate a teacher.",
    )


@access.route_required("program:team-growth")
def team_growth(request: AuthedRequest) -> HttpResponse:
    district = _district(request, Role.PROGRAM_LEAD)
    school_year, term = terms.term_of(timezone.localdate())
    raw = request.GET.get("term", "")
    match = re.fullmatch(r"(\d{4})-(fall|spring)", raw)
    if match and 2000 <= int(match[1]) <= school_year:  # noqa: PLR2004
        school_year, term = int(match[1]), match[2]
    options = []
    year, half = terms.term_of(timezone.localdate())
    for _ in range(6):
        options.append((f"{year}-{half}", terms.term_label(year, half)))
        year, half = (year, "fall") if half == "spring" else (year - 1, "spring")
    return render(
        request,
        "program/team_growth.html",
        {
            "growth": queries.team_growth(request.user, district, school_year, term),
            "term_label": terms.term_label(school_year, term),
            "chosen": f"{school_year}-{term}",
            "options": options,
            "coaches": queries.district_coaches(district),
        },
    )


# --- the annual review ------------------------------------------------------------------------------


@access.route_required("program:reviews")
def reviews(request: AuthedRequest) -> HttpResponse:
    district = _district(request, Role.PROGRAM_LEAD, Role.DISTRICT_ADMIN)
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
    district = _district(request, Role.PROGRAM_LEAD)
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
