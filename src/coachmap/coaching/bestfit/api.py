"""Best fit's writes through the API (issue 20): the teacher's intake, a coach's observations and
profile, the district's look-fors, the routing policy and the lead's change to a draft proposal,
with the same checks (`coaching.access`, `core.routes`) and services as the pages (`bestfit.views`).

The intake's self-assessment answers are the teacher's and their coaches' only, never read with a
token: an answer to a token carries them as `null`, and a coach's observations (which sit beside
the answers on the coach's page) are written signed in only.
"""

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from coachmap.coaching import access as coaching_access
from coachmap.coaching.api import PolicyOut, ProposalOut, _proposal
from coachmap.coaching.api import router as coaching_router
from coachmap.coaching.bestfit import queries, services
from coachmap.coaching.bestfit import rounds as matching_rounds
from coachmap.coaching.bestfit.forms import BAND_CHOICES
from coachmap.coaching.bestfit.models import AVAILABILITY_CHOICES
from coachmap.coaching.bestfit.placement import SELF_ASSESSMENT, Quadrant
from coachmap.coaching.bestfit.routing import Route
from coachmap.coaching.models import CoachProfile, LookFor, TeacherIntake
from coachmap.core import access, tokens
from coachmap.core.access import coach_of, teacher_of
from coachmap.core.inputs import Id, Text
from coachmap.core.models import Role
from coachmap.roster.models import Subject

router = Router(tags=["best fit"])

Item = Annotated[Text, Field(max_length=100)]  # one tool, practice or language
Scale = Annotated[int, Field(ge=1, le=5)]
Weight = Annotated[int, Field(ge=0, le=100)]
EXPERIENCE_SHIFTS = (-2.0, -1.0, 0.0, 1.0, 2.0)  # the page's choices
CONFIDENCE_SHIFTS = (-1.0, -0.5, 0.0, 0.5, 1.0)


def _choose(values: list[str], choices: list[tuple[str, str]], field: str) -> list[str]:
    """Values from a page's list of choices; anything else is a 422 naming the field."""
    known = {value for value, _ in choices}
    unknown = sorted({v for v in values if v not in known})
    if unknown:
        raise ValidationError(
            {field: f"Unknown choice {', '.join(unknown)}: choose from {', '.join(sorted(known))}."}
        )
    return values


# --- the teacher's intake ---------------------------------------------------------------------------


class IntakeIn(Schema):
    years_experience: int = Field(..., ge=0, le=60)
    new_to_adoption: bool = False
    answers: dict[str, Scale] = Field(
        ..., description="Every self-assessment statement, by key, on the 1–5 scale."
    )
    tech_comfort: Scale
    needs_tools: list[Item] = Field(default_factory=list, max_length=50)
    needs_content: list[Subject] = Field(default_factory=list, max_length=20)
    needs_practices: list[Item] = Field(default_factory=list, max_length=50)
    availability: list[str] = Field(
        default_factory=list, max_length=10, description="before_school, planning, after_school, in_class"
    )
    preferred_coach_id: Id | None = Field(None, description="A coach who serves the teacher's school.")
    language: Text = Field("", max_length=40)


class IntakeOut(Schema):
    teacher_id: int
    quadrant: str
    experience_axis: float
    confidence_axis: float
    needs_tools: list[str]
    needs_content: list[str]
    needs_practices: list[str]
    availability: list[str]
    preferred_coach_id: int | None
    language: str
    answers: dict[str, int] | None = Field(description="The teacher's own, signed in; null with a token.")


def _intake(request: HttpRequest, intake: TeacherIntake) -> dict[str, Any]:
    return {
        **{f: getattr(intake, f) for f in IntakeOut.model_fields if f != "answers"},
        "answers": intake.confidence_answers
        if coaching_access.may_read_intake_answers(request.user, intake)
        else None,
    }


@router.post("/intake", response=IntakeOut)
def intake_submit(request: HttpRequest, payload: IntakeIn) -> dict[str, Any]:
    """The teacher fills in (or updates) their intake, as on "My intake"; their placement follows."""
    access.require(access.may_open(request.user, "coaching:intake"), "The intake is a teacher's own.")
    teacher = teacher_of(request.user)
    assert teacher is not None  # noqa: S101 - the role guarantees one
    missing = [item.key for item in SELF_ASSESSMENT if item.key not in payload.answers]
    if missing:
        raise ValidationError({"answers": f"Answer each statement; missing: {', '.join(missing)}."})
    preferred = None
    if payload.preferred_coach_id is not None:
        preferred = (
            access.coaches_visible_to(request.user)
            .filter(schools=teacher.school_id, pk=payload.preferred_coach_id)
            .first()
        )
        if preferred is None:
            raise ValidationError({"preferred_coach_id": "Choose a coach who serves your school."})
    intake = services.intake_submit(
        teacher=teacher,
        years_experience=payload.years_experience,
        new_to_adoption=payload.new_to_adoption,
        answers=payload.answers,
        tech_comfort=payload.tech_comfort,
        needs_tools=payload.needs_tools,
        needs_content=[str(s) for s in payload.needs_content],
        needs_practices=payload.needs_practices,
        availability=_choose(payload.availability, AVAILABILITY_CHOICES, "availability"),
        preferred_coach=preferred,
        language=payload.language,
    )
    return _intake(request, intake)


class IntakeObservationIn(Schema):
    look_for_ids: list[Id] = Field(default_factory=list, max_length=50)
    note: Text = Field("", max_length=2000, description="The teacher and their coaches read this.")
    experience_shift: float = Field(0.0, description="-2, -1, 0, 1 or 2 years.")
    confidence_shift: float = Field(0.0, description="-1, -0.5, 0, 0.5 or 1 point.")
    reason: Text = Field("", max_length=1000, description="Needed when the placement moves.")


class IntakeObservationOut(Schema):
    id: int
    look_fors: list[str]
    note: str
    experience_shift: float
    confidence_shift: float
    reason: str
    quadrant: str = Field(description="The teacher's placement after the observation.")


@router.post("/teachers/{teacher_id}/intake/observations", response={201: IntakeObservationOut})
@tokens.never
def intake_observation_add(request: HttpRequest, teacher_id: Id, payload: IntakeObservationIn) -> Status:
    """One of the teacher's coaches records look-fors seen, and may move the placement with a
    reason (as on the teacher's intake page). Signed in only: that page shows the answers."""
    access.require(
        access.may_open(request.user, "coaching:teacher-intake"), "Only the teacher's own coaches read this."
    )
    found = access.fetch(coaching_access.intakes_visible_to, request.user, teacher_id=teacher_id)
    access.require(
        coaching_access.may_read_intake_answers(request.user, found),
        "Only the teacher's own coaches read this.",
    )
    coach = coach_of(request.user)
    assert coach is not None  # noqa: S101 - the role guarantees one
    if payload.experience_shift not in EXPERIENCE_SHIFTS:
        raise ValidationError({"experience_shift": "Move by -2, -1, 0, 1 or 2 years."})
    if payload.confidence_shift not in CONFIDENCE_SHIFTS:
        raise ValidationError({"confidence_shift": "Move by -1, -0.5, 0, 0.5 or 1 point."})
    look_fors = list(
        coaching_access.look_fors_visible_to(request.user).filter(
            district_id=found.teacher.school.district_id, active=True, pk__in=payload.look_for_ids
        )
    )
    if len(look_fors) != len(set(payload.look_for_ids)):
        raise ValidationError({"look_for_ids": "Choose look-fors from your district's checklist."})
    observation = services.observation_add(
        coach=coach,
        intake=found,
        look_fors=look_fors,
        note=payload.note,
        experience_shift=payload.experience_shift,
        confidence_shift=payload.confidence_shift,
        reason=payload.reason,
    )
    found.refresh_from_db(fields=["quadrant"])
    return Status(
        201,
        {
            "id": observation.pk,
            "look_fors": [lf.text for lf in look_fors],
            "note": observation.note,
            "experience_shift": observation.experience_shift,
            "confidence_shift": observation.confidence_shift,
            "reason": observation.reason,
            "quadrant": found.quadrant,
        },
    )


# --- a coach's profile ------------------------------------------------------------------------------


class CoachProfileIn(Schema):
    tools: list[Item] = Field(default_factory=list, max_length=50)
    practices: list[Item] = Field(default_factory=list, max_length=50)
    content_areas: list[Subject] = Field(default_factory=list, max_length=20)
    grade_bands: list[str] = Field(default_factory=list, max_length=3, description="elementary, middle, high")
    quadrants: list[Quadrant] = Field(default_factory=list, max_length=4)
    languages: list[Item] = Field(default_factory=list, max_length=20)


class CoachProfileOut(Schema):
    tools: list[str]
    practices: list[str]
    content_areas: list[str]
    grade_bands: list[str]
    quadrants: list[str]
    languages: list[str]


def _require_coach(request: HttpRequest) -> Any:
    access.require(access.may_open(request.user, "coaching:coach-profile"), "A coach's profile is their own.")
    coach = coach_of(request.user)
    assert coach is not None  # noqa: S101 - the role guarantees one
    return coach


@router.get("/coach-profile", response=CoachProfileOut)
def coach_profile(request: HttpRequest) -> Any:
    """The coach's own competencies, which matching reads (empty lists before the first save)."""
    coach = _require_coach(request)
    return CoachProfile.objects.filter(coach=coach).first() or CoachProfile(coach=coach)


@router.post("/coach-profile", response=CoachProfileOut)
def coach_profile_update(request: HttpRequest, payload: CoachProfileIn) -> CoachProfile:
    """The coach says what they coach (replacing the lists), as on "My coaching profile"."""
    coach = _require_coach(request)
    return services.coach_profile_update(
        coach=coach,
        tools=payload.tools,
        practices=payload.practices,
        content_areas=[str(s) for s in payload.content_areas],
        grade_bands=_choose(payload.grade_bands, BAND_CHOICES, "grade_bands"),
        quadrants=[str(q) for q in payload.quadrants],
        languages=payload.languages,
    )


# --- the district's look-fors -----------------------------------------------------------------------


class LookForOut(Schema):
    id: int
    quadrant: str
    text: str
    active: bool


def _look_for_district(request: HttpRequest) -> int:
    access.require(
        access.may_open(request.user, "coaching:look-fors"),
        "Look-fors are for the district's coaches and program lead.",
    )
    district_id = access.acting_district_id(request.user, Role.COACH, Role.PROGRAM_LEAD)
    assert district_id is not None  # noqa: S101 - the role guarantees one
    return district_id


@router.get("/look-fors", response=list[LookForOut])
def look_fors(
    request: HttpRequest, quadrant: Quadrant | None = None, active: bool | None = None
) -> list[LookFor]:
    """The district's look-for checklist per quadrant, taken-off ones included (`active`)."""
    district_id = _look_for_district(request)
    services.policy_ensure(district=district_id)
    rows = [
        lf
        for _, group in queries.look_fors_by_quadrant(request.user, district_id, active_only=False)
        for lf in group
    ]
    return [
        lf
        for lf in rows
        if (quadrant is None or lf.quadrant == quadrant) and (active is None or lf.active == active)
    ]


class LookForIn(Schema):
    quadrant: Quadrant
    text: Text = Field(..., max_length=200)


@router.post("/look-fors", response={201: LookForOut})
def look_for_add(request: HttpRequest, payload: LookForIn) -> Status:
    """Add a look-for to the district's checklist."""
    district_id = _look_for_district(request)
    district = access.districts_visible_to(request.user).get(pk=district_id)
    return Status(
        201,
        services.look_for_add(
            actor=request.user,  # type: ignore[arg-type]
            district=district,
            quadrant=payload.quadrant,
            text=payload.text,
        ),
    )


class ActiveIn(Schema):
    active: bool = Field(
        ...,
        description="false takes it off the checklist for every coach of the district (the page asks "
        "to confirm; sending false is the confirmation); true puts it back.",
    )


@router.post("/look-fors/{look_for_id}/active", response=LookForOut)
def look_for_active(request: HttpRequest, look_for_id: Id, payload: ActiveIn) -> LookFor:
    """Take a look-for off the district's checklist, or put it back. Observations keep it."""
    _look_for_district(request)
    look_for = access.fetch(coaching_access.look_fors_visible_to, request.user, pk=look_for_id)
    return services.look_for_set_active(
        actor=request.user,  # type: ignore[arg-type]
        look_for=look_for,
        active=payload.active,
    )


# --- the routing policy -----------------------------------------------------------------------------


class RouteIn(Schema):
    types: list[str] = Field(default_factory=list, max_length=10, description="Support types, in order.")
    offers: list[str] = Field(default_factory=list, max_length=10, description="Lighter offers, in order.")


class PolicyIn(Schema):
    experience_threshold: float = Field(..., ge=0, le=40)
    adoption_discount: float = Field(..., ge=0, le=10)
    confidence_threshold: float = Field(..., ge=1, le=5)
    weights: dict[str, Weight] = Field(..., description="Points for each part of a match's score.")
    routes: dict[Quadrant, RouteIn] = Field(
        ..., description="For each quadrant: coaches to try, then offers."
    )


# The same address as the policy's read (`coaching.api`): one router holds both methods.
@coaching_router.post("/routing-policy", response=PolicyOut, tags=["best fit"])
def routing_policy_update(request: HttpRequest, payload: PolicyIn) -> dict[str, Any]:
    """The program lead (or district admin) changes the cuts, routes or weights, as on the routing
    policy page; placements are recomputed, and the change is in the audit trail."""
    access.require(
        access.may_open(request.user, "coaching:policy"),
        "Only the program lead or district admin sets routing.",
    )
    district = queries.policy_district(request.user)
    assert district is not None  # noqa: S101 - the role guarantees one
    empty = RouteIn()
    policy = services.policy_update(
        actor=request.user,  # type: ignore[arg-type]
        district=district,
        experience_threshold=payload.experience_threshold,
        adoption_discount=payload.adoption_discount,
        confidence_threshold=payload.confidence_threshold,
        weights=payload.weights,
        routes={
            q: Route(tuple(payload.routes.get(q, empty).types), tuple(payload.routes.get(q, empty).offers))
            for q in Quadrant
        },
    )
    return {"district_id": policy.district_id, **policy.snapshot()}


# --- the lead's change to a draft proposal ----------------------------------------------------------


class ProposalEditIn(Schema):
    coach_id: Id | None = Field(None, description="Another coach serving the teacher's school…")
    offer: str = Field("", max_length=20, description="…or a lighter offer.")
    reason: Text = Field(..., max_length=1000, description="For the coaching team only.")


@router.post("/proposals/{proposal_id}/edit", response=ProposalOut)
def proposal_edit(request: HttpRequest, proposal_id: Id, payload: ProposalEditIn) -> dict[str, Any]:
    """The program lead changes a draft proposal to another coach or a lighter offer, with a reason."""
    access.require(
        access.may_open(request.user, "coaching:proposal-edit"), "Matching rounds are for the program lead."
    )
    proposal = access.fetch(coaching_access.proposals_visible_to, request.user, pk=proposal_id)
    access.require(coaching_access.may_run_matching(request.user, proposal.round.district_id))
    coach = None
    if payload.coach_id is not None:
        options = queries.coach_options(request.user, proposal.teacher.school_id)
        coach = next((o.coach for o in options if o.coach.pk == payload.coach_id), None)
        if coach is None:
            raise ValidationError({"coach_id": "Choose a coach who serves the teacher's school."})
    edited = matching_rounds.proposal_edit(
        actor=request.user,  # type: ignore[arg-type]
        proposal=proposal,
        coach=coach,
        offer=payload.offer,
        reason=payload.reason,
    )
    return _proposal(edited)
