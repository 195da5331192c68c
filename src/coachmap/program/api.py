"""The program as a whole through the API (issue 20, the pages of issue 16): the vision (everyone in
the district reads it; the program lead writes it), a coach's own growth (the self-assessment per
term, goals and the learning log: theirs alone), the competency rubric and the team's growth (the
program lead; the team's only as suppressed counts), and the annual review (the lead gathers and
annotates this year's; the district reads every year's). The same forms, checks, services and
queries as the pages. The school-year rollover stays a command: no page starts it, so no route does.

No route here is open to a service account: a coach's growth is personal, and the rubric and the
team's growth are the program lead's pages, which a service account (acting as a district admin)
could not open anyway. Personal tokens act as their person, as everywhere."""

import datetime
import re
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from coachmap.core import access, tokens
from coachmap.core.forms import form_cleaned
from coachmap.core.inputs import Id, Pages, Rows, Text
from coachmap.core.models import Coach, District, Role
from coachmap.core.schoolyear import school_year_of
from coachmap.improvement.endpoints.common import Day, renamed
from coachmap.program import access as program_access
from coachmap.program import forms, queries, services, terms
from coachmap.program.models import (
    AnnualReview,
    CoachGoal,
    Competency,
    GoalStatus,
    LearningEntry,
    LearningKind,
    ProgramVision,
    SelfAssessment,
)

router = Router(tags=["program"])

# A school year, named by the year it ends in.
Year = Annotated[int, Field(ge=2000, le=2100)]


def _district(request: HttpRequest, page: str, *roles: Role) -> District:
    access.require(access.may_open(request.user, page), "This page is not for your role.")
    district = access.acting_district(request.user, *(roles or tuple(Role)))
    if district is None:
        raise Http404("You belong to no district.")
    return district


# --- the vision -----------------------------------------------------------------------------------


class VisionOut(Schema):
    published: bool = Field(description="false until the program lead first writes it")
    vision: str
    aims: list[str]
    updated_at: datetime.datetime | None
    may_write: bool


class VisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    vision: str = Field(max_length=4000)
    aims: list[str] = Field(default_factory=list, max_length=50, description="At most 10, one each.")


def _vision(request: HttpRequest, district: District) -> dict[str, Any]:
    found = ProgramVision.objects.filter(district=district).first()
    return {
        "published": found is not None,
        "vision": found.vision if found else "",
        "aims": list(found.aims) if found else [],
        "updated_at": found.updated_at if found else None,
        "may_write": program_access.may_write_vision(request.user, district.pk),
    }


@router.get("/program/vision", response=VisionOut)
def program_vision(request: HttpRequest) -> dict[str, Any]:
    """The program's vision and aims, as everyone in the district reads them."""
    district = _district(request, "program:vision")
    access.require(program_access.may_read_vision(request.user, district.pk))
    return _vision(request, district)


@router.post("/program/vision", response=VisionOut)
def program_vision_write(request: HttpRequest, data: VisionIn) -> dict[str, Any]:
    """The program lead publishes the vision and its aims (at most 10, 300 characters each)."""
    district = _district(request, "program:vision-edit", Role.PROGRAM_LEAD)
    cleaned = form_cleaned(forms.VisionForm({"vision": data.vision, "aims": "\n".join(data.aims)}))
    services.vision_write(actor=request.user, district=district, **cleaned)  # type: ignore[arg-type]
    return _vision(request, district)


# --- a coach's self-assessment --------------------------------------------------------------------


class AreaOut(Schema):
    id: int
    name: str
    description: str


class RatingOut(Schema):
    area_id: int
    area: str
    level: int
    level_words: str


class SelfAssessmentOut(Schema):
    id: int
    school_year: int
    term: str
    term_label: str
    reflection: str = Field(description="Only the coach reads it.")
    ratings: list[RatingOut]
    updated_at: datetime.datetime


class SelfAssessmentTermOut(Schema):
    school_year: int
    term: str
    term_label: str
    areas: list[AreaOut] = Field(
        description="The rubric's areas to rate this term, each 1 (Beginning) to 4 (Leading)."
    )
    assessment: SelfAssessmentOut | None


class SelfAssessmentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    ratings: dict[int, int] = Field(
        description="Area id → level, 1 (Beginning) to 4 (Leading), for every area."
    )
    reflection: str = Field("", max_length=4000)


def _coach(request: HttpRequest, page: str) -> Coach:
    access.require(access.may_open(request.user, page), "This is for coaches, about their own growth.")
    coach = access.coach_of(request.user)
    if coach is None:
        raise Http404("You have no coach profile.")
    return coach


def _assessment(row: SelfAssessment) -> dict[str, Any]:
    return {
        "id": row.pk,
        "school_year": row.school_year,
        "term": row.term,
        "term_label": terms.term_label(row.school_year, row.term),
        "reflection": row.reflection,
        "ratings": [
            {
                "area_id": r.competency_id,
                "area": r.competency.name,
                "level": r.level,
                "level_words": r.get_level_display(),
            }
            for r in row.ratings.all()
        ],
        "updated_at": row.updated_at,
    }


def _own(request: HttpRequest) -> QuerySet[SelfAssessment]:
    return program_access.self_assessments_visible_to(request.user).prefetch_related("ratings__competency")


@router.get("/program/self-assessments", response=list[SelfAssessmentOut])
@paginate(Pages, page_size=20)
def self_assessments(request: HttpRequest, school_year: Year | None = None) -> list[dict[str, Any]]:
    """The coach's own self-assessments, term by term (nobody else reads them)."""
    _coach(request, "program:growth")
    rows = _own(request)
    if school_year is not None:
        rows = rows.filter(school_year=school_year)
    return [_assessment(r) for r in rows.order_by("-school_year", "term", "-id")]


@router.get("/program/self-assessments/current", response=SelfAssessmentTermOut)
def self_assessment_current(request: HttpRequest) -> dict[str, Any]:
    """This term's rubric areas and the coach's self-assessment so far (null before the first)."""
    coach = _coach(request, "program:growth-assessment")
    school_year, term = terms.term_of(timezone.localdate())
    areas = services.rubric_ensure(district=coach.district)
    found = _own(request).filter(school_year=school_year, term=term).first()
    return {
        "school_year": school_year,
        "term": term,
        "term_label": terms.term_label(school_year, term),
        "areas": [{"id": a.pk, "name": a.name, "description": a.description} for a in areas],
        "assessment": _assessment(found) if found else None,
    }


@router.post("/program/self-assessments/current", response=SelfAssessmentOut)
def self_assessment_save(request: HttpRequest, data: SelfAssessmentIn) -> dict[str, Any]:
    """Save this term's self-assessment: a level on every area (saving again this term replaces it)."""
    coach = _coach(request, "program:growth-assessment")
    areas = services.rubric_ensure(district=coach.district)
    unknown = sorted(set(data.ratings) - {a.pk for a in areas})
    if unknown:
        raise ValidationError({"ratings": "Rate the areas of your district's current rubric only."})
    values: dict[str, Any] = {f"area_{pk}": level for pk, level in data.ratings.items()}
    form = forms.SelfAssessmentForm({**values, "reflection": data.reflection}, competencies=areas)
    cleaned = form_cleaned(form)
    saved = services.self_assessment_save(
        coach=coach, ratings=form.ratings(), reflection=cleaned["reflection"]
    )
    return _assessment(_own(request).get(pk=saved.pk))


# --- a coach's goals and learning log -------------------------------------------------------------


class GoalOut(Schema):
    id: int
    text: str
    competency_id: int | None
    competency: str | None = Field(description="The area of the rubric it grows, if any.")
    status: str = Field(description="active, met or set_aside")
    status_words: str
    set_on: datetime.date
    closed_on: datetime.date | None


class LearningOut(Schema):
    id: int
    on: datetime.date
    kind: str
    kind_words: str
    title: str
    minutes: int
    reflection: str
    competency_id: int | None
    competency: str | None


class GrowthOut(Schema):
    school_year: int
    term: str
    term_label: str
    rubric: list[AreaOut] = Field(description="The rubric's areas the coach assesses themselves against.")
    this_term: SelfAssessmentOut | None = Field(
        description="This term's self-assessment; null before it (every term's: /program/self-assessments)."
    )
    goals: list[GoalOut] = Field(description="Every goal, working on it first, as on the page.")
    learning: list[LearningOut] = Field(
        description="The 50 latest entries, as on the page; all of them at /program/growth/learning."
    )
    learning_total: int


class GoalIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: Text = Field(max_length=300)
    competency_id: Id | None = Field(None, description="An area of the district's rubric, or null.")


class GoalStatusIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: GoalStatus = Field(description="active (working on it), met or set_aside")


class LearningIn(Schema):
    model_config = ConfigDict(extra="forbid")

    on: Day = Field(description="When it happened: today or earlier.")
    kind: LearningKind
    title: Text = Field(max_length=200)
    minutes: int = Field(ge=1, le=1440)
    reflection: Text = Field("", max_length=10000, description="What you will do differently with teachers.")
    competency_id: Id | None = Field(None, description="An area of the district's rubric, or null.")


def _area_of(row: CoachGoal | LearningEntry) -> dict[str, Any]:
    return {"competency_id": row.competency_id, "competency": row.competency.name if row.competency else None}


def _goal(row: CoachGoal) -> dict[str, Any]:
    return {
        "id": row.pk,
        "text": row.text,
        **_area_of(row),
        "status": row.status,
        "status_words": row.get_status_display(),
        "set_on": row.set_on,
        "closed_on": row.closed_on,
    }


def _learning(row: LearningEntry) -> dict[str, Any]:
    return {
        "id": row.pk,
        "on": row.on,
        "kind": row.kind,
        "kind_words": row.get_kind_display(),
        "title": row.title,
        "minutes": row.minutes,
        "reflection": row.reflection,
        **_area_of(row),
    }


def _areas(coach: Coach) -> QuerySet[Competency]:
    """The areas a goal or a learning entry may name: the district's current rubric (the pages' forms)."""
    return Competency.objects.filter(district=coach.district, active=True)


def _own_learning(request: HttpRequest) -> QuerySet[LearningEntry]:
    return program_access.learning_visible_to(request.user).select_related("competency")


@router.get("/program/growth", response=GrowthOut)
def coach_growth(request: HttpRequest) -> dict[str, Any]:
    """The coach's own growth page: the rubric, this term's self-assessment, their goals and their
    learning log (nobody else reads them, not even the program lead)."""
    coach = _coach(request, "program:growth")
    school_year, term = terms.term_of(timezone.localdate())
    areas = services.rubric_ensure(district=coach.district)
    this_term = _own(request).filter(school_year=school_year, term=term).first()
    learning = _own_learning(request)
    return {
        "school_year": school_year,
        "term": term,
        "term_label": terms.term_label(school_year, term),
        "rubric": [{"id": a.pk, "name": a.name, "description": a.description} for a in areas],
        "this_term": _assessment(this_term) if this_term else None,
        "goals": [
            _goal(g) for g in program_access.coach_goals_visible_to(request.user).select_related("competency")
        ],
        "learning": [_learning(e) for e in learning[:50]],
        "learning_total": learning.count(),
    }


@router.post("/program/growth/goals", response={201: GoalOut})
def coach_goal_create(request: HttpRequest, data: GoalIn) -> Status:
    """Set a goal for one's own growth, optionally tied to an area of the rubric (the page's form)."""
    coach = _coach(request, "program:growth-goal-new")
    form = forms.CoachGoalForm(
        {"text": data.text, "competency": data.competency_id or ""}, competencies=_areas(coach)
    )
    try:
        goal = services.coach_goal_set(coach=coach, **form_cleaned(form))
    except ValidationError as exc:
        raise renamed(exc, {"competency": "competency_id"}) from exc
    return Status(201, _goal(goal))


@router.post("/program/growth/goals/{goal_id}/status", response=GoalOut)
def coach_goal_status(request: HttpRequest, goal_id: Id, data: GoalStatusIn) -> dict[str, Any]:
    """Mark one's own goal met, set aside, or back to working on it (another coach's goal is a 404)."""
    coach = _coach(request, "program:growth-goal-status")
    goal = access.fetch(
        lambda user: program_access.coach_goals_visible_to(user).select_related("competency"),
        request.user,
        pk=goal_id,
    )
    cleaned = form_cleaned(forms.GoalStatusForm({"status": data.status}))
    return _goal(services.coach_goal_status(coach=coach, goal=goal, status=cleaned["status"]))


@router.get("/program/growth/learning", response=list[LearningOut])
@paginate(Pages, page_size=50)
def learning_entries(request: HttpRequest) -> Any:
    """The coach's own learning log, newest first."""
    _coach(request, "program:growth")
    return Rows(_own_learning(request).order_by("-on", "-id"), _learning)


@router.post("/program/growth/learning", response={201: LearningOut})
def learning_entry_add(request: HttpRequest, data: LearningIn) -> Status:
    """Log one's own learning: a book study, a course, a conference, the coaching network, PD one
    presents (the page's form)."""
    coach = _coach(request, "program:learning-new")
    values = data.model_dump(exclude={"competency_id"})
    form = forms.LearningForm(
        {**values, "on": data.on.isoformat(), "competency": data.competency_id or ""},
        competencies=_areas(coach),
    )
    try:
        entry = services.learning_log(coach=coach, **form_cleaned(form))
    except ValidationError as exc:
        raise renamed(exc, {"competency": "competency_id"}) from exc
    return Status(201, _learning(_own_learning(request).get(pk=entry.pk)))


# --- the competency rubric and the team's growth (the program lead) --------------------------------


class RubricAreaOut(AreaOut):
    position: int


class RubricOut(Schema):
    areas: list[RubricAreaOut] = Field(description="The rubric's current areas, in order.")


class RubricAreaIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Text = Field(max_length=1000, description="At most 80 characters, no colon.")
    description: Text = Field("", max_length=4000, description="What it looks like: at most 400 characters.")


class RubricIn(Schema):
    model_config = ConfigDict(extra="forbid")

    areas: list[RubricAreaIn] = Field(
        max_length=100,
        description="1 to 12 areas, in order. An area left out stays in past self-assessments.",
    )


def _breaks(text: str) -> bool:
    """Whether the text holds a line break of any kind (the page's form reads one area a line)."""
    return len(f"{text}.".splitlines()) > 1


def _rubric(areas: list[Competency]) -> dict[str, Any]:
    return {
        "areas": [
            {"id": a.pk, "position": a.position, "name": a.name, "description": a.description} for a in areas
        ]
    }


@router.get("/program/rubric", response=RubricOut)
def rubric(request: HttpRequest) -> dict[str, Any]:
    """The coaches' competency rubric, as the program lead edits it (coaches read it on their growth)."""
    district = _district(request, "program:rubric", Role.PROGRAM_LEAD)
    return _rubric(services.rubric_ensure(district=district))


@router.post("/program/rubric", response=RubricOut)
def rubric_update(request: HttpRequest, data: RubricIn) -> dict[str, Any]:
    """The program lead rewrites the rubric (the page's form and checks; recorded in the audit trail).
    An area renamed is a new one; one left out is kept for past self-assessments and no longer asked."""
    district = _district(request, "program:rubric", Role.PROGRAM_LEAD)
    services.rubric_ensure(district=district)  # as the page, which starts from the default
    if any(":" in a.name or _breaks(a.name + a.description) for a in data.areas):
        raise ValidationError(
            {
                "areas": "An area's name cannot hold a colon, and neither its name nor its description a line break."
            }
        )
    lines = [f"{a.name}: {a.description}" if a.description.strip() else a.name for a in data.areas]
    try:
        cleaned = form_cleaned(forms.RubricForm({"competencies": "\n".join(lines)}))
        kept = services.rubric_update(actor=request.user, district=district, lines=cleaned["competencies"])  # type: ignore[arg-type]
    except ValidationError as exc:
        raise renamed(exc, {"competencies": "areas"}) from exc
    return _rubric(kept)


class TeamAreaOut(Schema):
    area: str
    cells: list[int | None] = Field(description="Coaches at each level, lowest first; null where hidden.")
    total: int | None


class TeamGrowthOut(Schema):
    school_year: int
    term: str
    term_label: str
    shown: bool = Field(description="false until at least the minimum group size of coaches answered")
    coaches_answered: int | None = Field(description="How many coaches answered; null while hidden.")
    district_coaches: int
    min_size: int
    levels: list[str]
    rows: list[TeamAreaOut] = Field(description="Empty while hidden.")


@router.get("/program/growth/team", response=TeamGrowthOut)
def team_growth(request: HttpRequest, term: str | None = None) -> dict[str, Any]:
    """The coaching team's self-assessments for a term (`term=2027-fall`; this term by default) as
    counts of coaches per level and area: nothing below the minimum group size of coaches, and
    complementary suppression within each area, as on the page. Never one coach's answers."""
    district = _district(request, "program:team-growth", Role.PROGRAM_LEAD)
    school_year, half = terms.term_of(timezone.localdate())
    if term is not None:
        match = re.fullmatch(r"([0-9]{4})-(fall|spring)", term)
        if not match or not 2000 <= int(match[1]) <= school_year:  # noqa: PLR2004
            raise ValidationError(
                {
                    "term": f"Give a term as the page names it, like {school_year}-{half}, from 2000 to this school year."
                }
            )
        school_year, half = int(match[1]), match[2]
    growth = queries.team_growth(request.user, district, school_year, half)
    return {
        "school_year": school_year,
        "term": half,
        "term_label": terms.term_label(school_year, half),
        "shown": growth.shown,
        "coaches_answered": growth.coaches if growth.shown else None,
        "district_coaches": queries.district_coaches(district),
        "min_size": growth.min_size,
        "levels": growth.levels,
        "rows": [{"area": r.name, "cells": r.cells, "total": r.total} for r in growth.rows],
    }


# --- the annual review ----------------------------------------------------------------------------


class ReviewOut(Schema):
    school_year: int
    label: str
    gathered_at: datetime.datetime | None
    writable: bool = Field(description="This year's, for the program lead; past years are kept as they were.")


class ReviewDetailOut(ReviewOut):
    figures: dict[str, Any] = Field(description="As gathered, each as suppressed as on its own page.")
    what_worked: str
    what_to_change: str


class ReviewNotesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    what_worked: str = Field("", max_length=8000)
    what_to_change: str = Field("", max_length=8000)


def _review(request: HttpRequest, row: AnnualReview, *, detail: bool = False) -> dict[str, Any]:
    current = school_year_of(timezone.localdate())
    out: dict[str, Any] = {
        "school_year": row.school_year,
        "label": f"{row.school_year - 1}–{row.school_year}",
        "gathered_at": row.gathered_at,
        "writable": program_access.may_write_review(request.user, row, current),
    }
    if detail:
        out.update(figures=row.figures or {}, what_worked=row.what_worked, what_to_change=row.what_to_change)
    return out


@router.get("/program/reviews", response=list[ReviewOut])
@paginate(Pages, page_size=20)
def program_reviews(request: HttpRequest) -> list[dict[str, Any]]:
    """The district's annual reviews, newest first."""
    district = _district(request, "program:reviews", Role.PROGRAM_LEAD, Role.DISTRICT_ADMIN)
    rows = program_access.reviews_visible_to(request.user).filter(district=district)
    return [_review(request, r) for r in rows.order_by("-school_year")]


@router.get("/program/reviews/{year}", response=ReviewDetailOut)
def program_review(request: HttpRequest, year: Year) -> dict[str, Any]:
    """One year's review: its gathered figures and the lead's notes."""
    access.require(
        access.may_open(request.user, "program:review"), "The review is the lead's and the district's."
    )
    row = access.fetch(program_access.reviews_visible_to, request.user, school_year=year)
    return _review(request, row, detail=True)


@router.post("/program/reviews", response=ReviewDetailOut)
def program_review_gather(request: HttpRequest) -> dict[str, Any]:
    """Gather (or gather again) this school year's figures into its review (the program lead)."""
    district = _district(request, "program:review-gather", Role.PROGRAM_LEAD)
    row = services.review_gather(actor=request.user, district=district)  # type: ignore[arg-type]
    return _review(request, row, detail=True)


@router.post("/program/reviews/{year}/notes", response=ReviewDetailOut)
def program_review_notes(request: HttpRequest, year: Year, data: ReviewNotesIn) -> dict[str, Any]:
    """What worked and what to change next year: this year's review only (a past year's is a 403)."""
    access.require(
        access.may_open(request.user, "program:review-annotate"), "Only the program lead writes the review."
    )
    row = access.fetch(program_access.reviews_visible_to, request.user, school_year=year)
    cleaned = form_cleaned(forms.ReviewNotesForm(data.model_dump()))
    saved = services.review_annotate(actor=request.user, review_row=row, **cleaned)  # type: ignore[arg-type]
    return _review(request, saved, detail=True)


# --- the look-for framework's levels, in aggregate ------------------------------------------------


class LevelRowOut(Schema):
    school_id: int
    school: str
    grade_band: str
    grade_band_label: str
    counts: list[int | None] = Field(description="Classrooms per level, as `levels`; null where hidden")
    total: int | None = Field(description="Null where hidden")


class FrameworkReportOut(Schema):
    school_year: int
    label: str
    min_group_size: int
    levels: list[str] = Field(description="The current framework's levels, lowest first")
    rows: list[LevelRowOut] = Field(description="Per school and grade band with anything seen")


@router.get("/program/framework-report", response=FrameworkReportOut)
@tokens.service(tokens.Scope.READ_AGGREGATES)
def framework_report(request: HttpRequest, year: Year | None = None) -> dict[str, Any]:
    """Technology use by level: classrooms seen at each level of the look-for framework, per school
    and grade band, in a school year (this one by default): walkthroughs, and each teacher's latest
    rated check-in or micro-coaching. No teacher is named; a count about fewer classrooms than the
    minimum group size is null, and so is another on its row where it would give it away."""
    district = _district(
        request, "program:framework-report", Role.PROGRAM_LEAD, Role.PRINCIPAL, Role.DISTRICT_ADMIN
    )
    current = school_year_of(timezone.localdate())
    if year is not None and year > current + 1:
        raise ValidationError({"year": f"Choose a school year up to {current + 1}."})
    table = queries.framework_levels(request.user, district, year or current)
    return {
        "school_year": table.school_year,
        "label": f"{table.school_year - 1}–{table.school_year}",
        "min_group_size": table.min_size,
        "levels": table.levels,
        "rows": [
            {
                "school_id": r.school_id,
                "school": r.school,
                "grade_band": r.band_key,
                "grade_band_label": r.band,
                "counts": r.cells,
                "total": r.total,
            }
            for r in table.rows
        ],
    }
