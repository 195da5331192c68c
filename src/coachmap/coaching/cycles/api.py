"""A coaching cycle's life through the API (issue 20), as on the cycle pages: the coach's caseload,
opening a cycle, its plan and stages, student evidence, sessions and micro-coaching, fidelity
check-ins, an honest close (a pause included) and resuming.

The same rules as the pages: each route asks `may_open` of the page it mirrors, fetches the cycle
through `cycles_visible_to` (another teacher's or coach's cycle is a 404) and calls the page's
service. Session notes and check-ins (a teacher's barriers) are the teacher's and the coach's:
their routes are for the browser session only (`@tokens.never`), and no other route answers a note.
"""

import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from coachmap.coaching import access as coaching_access
from coachmap.coaching.apifields import Text, fields_named
from coachmap.coaching.cycles import queries, rules, services
from coachmap.coaching.models import (
    CoachingCycle,
    CoachingRequest,
    CoachingSession,
    CycleStage,
    CycleStatus,
    EvidenceKind,
    FidelityCheckIn,
    SessionType,
    StudentEvidence,
)
from coachmap.core import access, tokens
from coachmap.core.inputs import FIRST_DAY, LAST_DAY, Id, Pages
from coachmap.improvement.framework import queries as framework_queries
from coachmap.improvement.models import FrameworkLevel, FrameworkLookFor, GradeBand, band_of_grade
from coachmap.library import access as library_access

router = Router(tags=["cycles"])

Day = Annotated[datetime.date, Field(ge=FIRST_DAY, le=LAST_DAY)]
Stage = Literal["goal", "learning", "implementation", "reflection"]
# A handover needs the receiving coach and a private note: it has its own page, as on the close page.
Outcome = Literal["goal_met", "referred", "stepped_back", "paused"]
Line = Annotated[Text, Field(max_length=300)]


def _own_cycle(request: HttpRequest, page: str, cycle_id: int) -> CoachingCycle:
    """The page's guard, then the cycle: 404 when the user cannot see it, 403 when it is not theirs."""
    access.require(access.may_open(request.user, page), "Only the cycle's coach does this.")
    cycle = access.fetch(coaching_access.cycles_visible_to, request.user, pk=cycle_id)
    access.require(
        coaching_access.may_work_on_cycle(request.user, cycle), "Only the cycle's coach does this."
    )
    return cycle


def _readable_cycle(request: HttpRequest, cycle_id: int) -> CoachingCycle:
    """A cycle its teacher or coach opens, as on the cycle page."""
    access.require(
        access.may_open(request.user, "coaching:cycle"), "A cycle's page is for its teacher and coach."
    )
    return access.fetch(coaching_access.cycles_visible_to, request.user, pk=cycle_id)


# --- cycles ----------------------------------------------------------------------------------------


class CycleFields(Schema):
    id: int
    teacher: str
    coach: str
    goal: str
    status: str
    stage: str
    opened_on: datetime.date
    closed_on: datetime.date | None


class CycleOut(CycleFields):
    @staticmethod
    def resolve_teacher(obj: CoachingCycle) -> str:
        return str(obj.teacher)

    @staticmethod
    def resolve_coach(obj: CoachingCycle) -> str:
        return str(obj.coach)

    @staticmethod
    def resolve_goal(obj: CoachingCycle) -> str:
        return obj.goal.statement


@router.get("/cycles", response=list[CycleOut])
@paginate(Pages, page_size=50)
def cycles(
    request: HttpRequest, status: CycleStatus | None = None, stage: CycleStage | None = None
) -> QuerySet[CoachingCycle]:
    """Cycles the user is part of (teacher, coach) or leads (program lead), newest first, 50 a page,
    filtered by `status` and `stage`. No notes."""
    # The page is chosen from the cycles alone; its teachers, coaches and goals are read for its
    # rows only (joined, PostgreSQL read them for every cycle of the district first).
    rows = coaching_access.cycles_visible_to(request.user).prefetch_related(
        "teacher__user", "coach__user", "goal"
    )
    if status is not None:
        rows = rows.filter(status=status)
    if stage is not None:
        rows = rows.filter(stage=stage)
    return rows.order_by("-opened_on", "-id")


class EvidenceOut(Schema):
    id: int
    kind: str
    measured_on: datetime.date
    measure: str
    students_assessed: int
    students_meeting: int


class SessionRowOut(Schema):
    """A session without its notes or next steps (those are read on the session-only route)."""

    id: int
    date: datetime.date
    minutes: int
    session_type: str


class CycleDetailOut(CycleFields):
    outcome: str
    referred_to: str
    next_meeting_on: datetime.date | None
    learning_target: str
    practice: str
    tools: list[str]
    look_fors: list[str]
    next_stage: str | None
    next_stage_problems: list[str]
    evidence: list[EvidenceOut]
    evidence_change: float | None
    sessions: list[SessionRowOut]
    minutes: int


def _detail(request: HttpRequest, cycle: CoachingCycle) -> dict[str, Any]:
    """What the cycle page shows, without the notes, next steps, check-ins and tool use, which are
    the teacher's and the coach's and never leave coachmap through a token."""
    cycle = CoachingCycle.objects.select_related("teacher__user", "coach__user", "goal").get(pk=cycle.pk)
    stages = list(rules.STAGES)
    next_stage = stages[stages.index(cycle.stage) + 1] if cycle.stage in stages[:-1] else None
    facts = queries.cycle_facts(cycle)
    evidence = queries.cycle_evidence(request.user, cycle)
    sessions = list(
        coaching_access.sessions_visible_to(request.user).filter(cycle=cycle).order_by("-date", "-id")
    )
    return {
        "id": cycle.pk,
        "teacher": str(cycle.teacher),
        "coach": str(cycle.coach),
        "goal": cycle.goal.statement,
        "status": cycle.status,
        "stage": cycle.stage,
        "opened_on": cycle.opened_on,
        "closed_on": cycle.closed_on,
        "outcome": cycle.outcome,
        "referred_to": cycle.referred_to,
        "next_meeting_on": cycle.next_meeting_on,
        "learning_target": cycle.learning_target,
        "practice": cycle.practice,
        "tools": list(cycle.tools),
        "look_fors": list(cycle.look_fors),
        "next_stage": next_stage,
        "next_stage_problems": rules.stage_change_problems(facts, next_stage) if next_stage else [],
        "evidence": evidence.rows,
        "evidence_change": evidence.change,
        "sessions": [
            {"id": s.pk, "date": s.date, "minutes": s.minutes, "session_type": s.session_type}
            for s in sessions
        ],
        "minutes": sum(s.minutes for s in sessions),
    }


@router.get("/cycles/{cycle_id}", response=CycleDetailOut)
def cycle_detail(request: HttpRequest, cycle_id: Id) -> dict[str, Any]:
    """One cycle for its teacher and coach: stage and what the next one needs, plan, evidence and
    sessions (dates, minutes, types). No notes: see `GET /cycles/{id}/sessions`."""
    return _detail(request, _readable_cycle(request, cycle_id))


class SessionOut(Schema):
    id: int
    date: datetime.date
    minutes: int
    session_type: str
    notes: str
    next_steps: str


@router.get("/cycles/{cycle_id}/sessions", response=list[SessionOut])
@tokens.never
def cycle_sessions(request: HttpRequest, cycle_id: Id) -> list[dict[str, object]]:
    """A cycle's sessions with their confidential notes: the teacher and the coach only; every read is audited."""
    cycle = access.fetch(coaching_access.cycles_visible_to, request.user, pk=cycle_id)
    return [
        {
            "id": e.session.pk,
            "date": e.session.date,
            "minutes": e.session.minutes,
            "session_type": e.session.session_type,
            "notes": e.notes,
            "next_steps": e.session.next_steps,
        }
        for e in queries.session_notes(request.user, cycle)
    ]


# --- the caseload and opening a cycle ----------------------------------------------------------------


class CaseloadRequestOut(Schema):
    id: int
    teacher: str
    school: str
    goal: str
    needs: list[str]
    status: str


class CaseloadCycleOut(Schema):
    id: int
    teacher: str
    school: str
    goal: str
    stage: str
    opened_on: datetime.date
    sessions: int
    minutes: int
    last_contact: datetime.date | None
    next_meeting_on: datetime.date | None


class ClosedCycleOut(Schema):
    id: int
    teacher: str
    outcome: str
    closed_on: datetime.date | None


class CaseloadOut(Schema):
    proposed: list[CaseloadRequestOut]
    accepted: list[CaseloadRequestOut]
    active: list[CaseloadCycleOut]
    closed: list[ClosedCycleOut]


def _caseload_request(r: CoachingRequest) -> dict[str, Any]:
    return {
        "id": r.pk,
        "teacher": str(r.teacher),
        "school": r.teacher.school.name,
        "goal": r.goal.statement,
        "needs": list(r.needs),
        "status": r.status,
    }


@router.get("/caseload", response=CaseloadOut)
def caseload(
    request: HttpRequest,
    school_id: Id | None = None,
    sort: Literal["teacher", "school", "last", "next", "since"] = "since",
) -> dict[str, Any]:
    """The coach's caseload, as on the caseload page: requests proposed to them and accepted (to
    open), active cycles (filtered by `school_id`, sorted by `sort`), the latest 20 closed."""
    access.require(access.may_open(request.user, "coaching:caseload"), "The caseload is the coach's own.")
    lists = queries.caseload(request.user.coach)  # type: ignore[union-attr]
    active = queries.caseload_active(lists["active"], sort=sort, school_id=school_id)
    return {
        "proposed": [_caseload_request(r) for r in lists["proposed"]],
        "accepted": [_caseload_request(r) for r in lists["accepted"]],
        "active": [
            {
                "id": c.pk,
                "teacher": str(c.teacher),
                "school": c.teacher.school.name,
                "goal": c.goal.statement,
                "stage": c.stage,
                "opened_on": c.opened_on,
                "sessions": c.session_count,  # type: ignore[attr-defined]
                "minutes": c.minutes or 0,  # type: ignore[attr-defined]
                "last_contact": queries.last_contact(c),
                "next_meeting_on": c.next_meeting_on,
            }
            for c in active
        ],
        "closed": [
            {"id": c.pk, "teacher": str(c.teacher), "outcome": c.outcome, "closed_on": c.closed_on}
            for c in lists["closed"]
        ],
    }


@router.post("/requests/{request_id}/open-cycle", response=CycleDetailOut)
def cycle_open(request: HttpRequest, request_id: Id) -> dict[str, Any]:
    """The coach the teacher accepted opens the cycle (only with the teacher's consent)."""
    access.require(
        access.may_open(request.user, "coaching:cycle-open"), "Only the coach the teacher accepted opens it."
    )
    coaching_request = access.fetch(coaching_access.requests_visible_to, request.user, pk=request_id)
    access.require(
        coaching_access.may_open_cycle(request.user, coaching_request),
        "This request was proposed to another coach.",
    )
    cycle = services.cycle_open(coach=request.user.coach, request=coaching_request)  # type: ignore[union-attr]
    return _detail(request, cycle)


# --- plan, stage, close, resume ------------------------------------------------------------------------


class PlanIn(Schema):
    learning_target: Text = Field("", max_length=1000)
    practice: Text = Field("", max_length=120)
    tools: list[Line] = Field(default_factory=list, max_length=50)
    look_fors: list[Line] = Field(default_factory=list, max_length=50)


@router.post("/cycles/{cycle_id}/plan", response=CycleDetailOut)
def cycle_plan(request: HttpRequest, cycle_id: Id, payload: PlanIn) -> dict[str, Any]:
    """Record what the teacher and coach agreed: the learning target, the practice, the tools and
    the look-fors (12 at most). Replaces the plan."""
    cycle = _own_cycle(request, "coaching:cycle-plan", cycle_id)
    services.cycle_plan_set(coach=cycle.coach, cycle=cycle, **payload.model_dump())
    return _detail(request, cycle)


class StageIn(Schema):
    stage: Stage


@router.post("/cycles/{cycle_id}/stage", response=CycleDetailOut)
def cycle_stage(request: HttpRequest, cycle_id: Id, payload: StageIn) -> dict[str, Any]:
    """Move the cycle forward one stage when what it needs is there (`next_stage_problems` says
    what is missing), or back to any earlier one."""
    cycle = _own_cycle(request, "coaching:cycle-stage", cycle_id)
    with fields_named(unnamed="stage"):
        cycle = services.cycle_stage_set(coach=cycle.coach, cycle=cycle, stage=payload.stage)
    return _detail(request, cycle)


class CloseIn(Schema):
    outcome: Outcome
    referred_to: Text = Field("", max_length=200)


@router.post("/cycles/{cycle_id}/close", response=CycleDetailOut)
def cycle_close(request: HttpRequest, cycle_id: Id, payload: CloseIn) -> dict[str, Any]:
    """End the cycle honestly: `goal_met` (needs after-evidence), `referred` (say to whom in
    `referred_to`), `stepped_back`, or `paused` (it can be resumed). A handover has its own page."""
    cycle = _own_cycle(request, "coaching:cycle-close", cycle_id)
    closed = services.cycle_close(
        coach=cycle.coach, cycle=cycle, outcome=payload.outcome, referred_to=payload.referred_to
    )
    return _detail(request, closed)


@router.post("/cycles/{cycle_id}/resume", response=CycleDetailOut)
def cycle_resume(request: HttpRequest, cycle_id: Id) -> dict[str, Any]:
    """Pick a paused cycle up again at its stage. A cycle that ended otherwise stays ended (422)."""
    cycle = _own_cycle(request, "coaching:cycle-resume", cycle_id)
    return _detail(request, services.cycle_resume(coach=cycle.coach, cycle=cycle))


# --- student evidence ----------------------------------------------------------------------------------


class EvidenceIn(Schema):
    kind: EvidenceKind
    measure: Text = Field(..., min_length=1, max_length=200)
    measured_on: Day
    students_assessed: int = Field(..., ge=1, le=500)
    students_meeting: int = Field(..., ge=0, le=500)


@router.post("/cycles/{cycle_id}/evidence", response=EvidenceOut)
def evidence_create(request: HttpRequest, cycle_id: Id, payload: EvidenceIn) -> StudentEvidence:
    """Counts only: how many students met the learning target on one measure, before (`pre`) the
    work starts or after (`post`; a baseline comes first)."""
    cycle = _own_cycle(request, "coaching:evidence-new", cycle_id)
    data = payload.model_dump()
    if not data["measure"].strip():
        raise ValidationError({"measure": "Name the measure, e.g. “exit ticket on main idea”."})
    return services.evidence_record(coach=cycle.coach, cycle=cycle, **data)


# --- sessions and micro-coaching ------------------------------------------------------------------------


class SessionLoggedOut(Schema):
    """The session as logged; its notes stay on the session-only route."""

    id: int
    cycle_id: int
    date: datetime.date
    minutes: int
    session_type: str
    look_fors_seen: list[str]
    resource_ids: list[int]


def _logged(session: CoachingSession) -> dict[str, Any]:
    return {
        "id": session.pk,
        "cycle_id": session.cycle_id,
        "date": session.date,
        "minutes": session.minutes,
        "session_type": session.session_type,
        "look_fors_seen": list(session.look_fors_seen),
        "resource_ids": sorted(session.resource_uses.values_list("resource_id", flat=True)),
    }


class SessionIn(Schema):
    date: Day
    minutes: int = Field(..., ge=1, le=600)
    session_type: SessionType
    notes: Text = Field("", max_length=20000)
    next_steps: Text = Field("", max_length=5000)
    next_meeting_on: Day | None = None
    look_fors_seen: list[Line] = Field(default_factory=list, max_length=50)
    resource_ids: list[Id] = Field(default_factory=list, max_length=50)


@router.post("/cycles/{cycle_id}/sessions", response=SessionLoggedOut)
@tokens.never
def session_create(request: HttpRequest, cycle_id: Id, payload: SessionIn) -> dict[str, Any]:
    """Log a session with its confidential notes (the teacher and the coach read them): signed in
    to coachmap only, never with a token. The answer holds no notes."""
    cycle = _own_cycle(request, "coaching:session-new", cycle_id)
    data = payload.model_dump()
    wanted = set(data.pop("resource_ids"))
    resources = list(library_access.resources_visible_to(request.user).filter(pk__in=wanted))
    if len(resources) != len(wanted):
        raise ValidationError({"resource_ids": "Choose resources from your district's library."})
    with fields_named({"resources": "resource_ids"}):
        session = services.session_log(coach=cycle.coach, cycle=cycle, resources=resources, **data)
    return _logged(session)


class FrameworkIn(Schema):
    """A pick from the district's look-for framework (all optional): the grade band of the class,
    look-fors of that band seen, the level of technology use seen."""

    framework_band: GradeBand | Literal[""] = ""
    framework_level_id: Id | None = None
    framework_look_for_ids: list[Id] = Field(default_factory=list, max_length=50)


def _framework(district_id: int, payload: FrameworkIn, grades: list[int] | None = None) -> dict[str, Any]:
    """The pick as the service takes it, chosen from what the page's form offers: the current
    version's levels and look-fors (of the teacher's grade bands, when known)."""
    version = framework_queries.current_version(district_id)
    level = None
    if payload.framework_level_id is not None:
        level = FrameworkLevel.objects.filter(version=version, pk=payload.framework_level_id).first()
        if version is None or level is None:
            raise ValidationError(
                {"framework_level_id": "Choose a level from the district's current framework."}
            )
    wanted = set(payload.framework_look_for_ids)
    look_fors: list[FrameworkLookFor] = []
    if wanted:
        offered = FrameworkLookFor.objects.filter(version=version, pk__in=wanted)
        bands = sorted({band_of_grade(g) for g in grades or []})
        if bands:
            offered = offered.filter(grade_band__in=bands)
        look_fors = list(offered)
        if version is None or len(look_fors) != len(wanted):
            raise ValidationError(
                {
                    "framework_look_for_ids": "Choose look-fors from the district's current framework"
                    + (", of the teacher's grade bands." if bands else ".")
                }
            )
    return {
        "framework_band": payload.framework_band,
        "framework_level": level,
        "framework_look_fors": look_fors,
    }


FRAMEWORK_FIELDS = {
    "framework_level": "framework_level_id",
    "framework_look_fors": "framework_look_for_ids",
}


class MicroIn(FrameworkIn):
    minutes: Literal[5, 10, 15, 20] = 10
    note: Text = Field("", max_length=300)
    next_step: Text = Field("", max_length=300)


@router.post("/cycles/{cycle_id}/micro", response=SessionLoggedOut)
@tokens.never
def micro_log(request: HttpRequest, cycle_id: Id, payload: MicroIn) -> dict[str, Any]:
    """Micro-coaching, today, on one of the coach's active cycles: minutes, a confidential one-line
    note, a next step, a framework pick. Signed in to coachmap only (the note is confidential)."""
    cycle = _own_cycle(request, "coaching:micro", cycle_id)
    pick = _framework(cycle.coach.district_id, payload)
    with fields_named(FRAMEWORK_FIELDS):
        session = services.session_log(
            coach=cycle.coach,
            cycle=cycle,
            date=timezone.localdate(),
            minutes=payload.minutes,
            session_type=SessionType.MICRO,
            notes=payload.note,
            next_steps=payload.next_step,
            **pick,
        )
    return _logged(session)


@router.post("/micro/{session_id}/undo", response={204: None})
def micro_undo(request: HttpRequest, session_id: Id) -> Status:
    """Take back a micro-coaching log made by mistake, within 15 minutes of logging it."""
    access.require(access.may_open(request.user, "coaching:micro-undo"), "Only the cycle's coach does this.")
    session = access.fetch(coaching_access.sessions_visible_to, request.user, pk=session_id)
    access.require(
        coaching_access.may_work_on_cycle(request.user, session.cycle), "Only the cycle's coach does this."
    )
    services.micro_undo(coach=request.user.coach, session=session)  # type: ignore[union-attr]
    return Status(204, None)


# --- fidelity check-ins -----------------------------------------------------------------------------------


class CheckInOut(Schema):
    id: int
    date: datetime.date
    look_fors: list[str]
    seen: list[str]
    barriers: str
    adaptations: str
    framework_band: str
    framework_level_id: int | None
    framework_look_for_ids: list[int]


def _checkin(c: FidelityCheckIn) -> dict[str, Any]:
    return {
        "id": c.pk,
        "date": c.date,
        "look_fors": list(c.look_fors),
        "seen": list(c.seen),
        "barriers": c.barriers,
        "adaptations": c.adaptations,
        "framework_band": c.framework_band,
        "framework_level_id": c.framework_level_id,
        "framework_look_for_ids": sorted(lf.pk for lf in c.framework_look_fors.all()),
    }


@router.get("/cycles/{cycle_id}/check-ins", response=list[CheckInOut])
@tokens.never
def cycle_checkins(request: HttpRequest, cycle_id: Id) -> list[dict[str, Any]]:
    """The cycle's fidelity check-ins, newest first: they name the teacher's barriers, so like the
    notes they are the teacher's and the coach's, signed in to coachmap only."""
    cycle = _readable_cycle(request, cycle_id)
    return [_checkin(c) for c in queries.cycle_checkins(request.user, cycle)]


class CheckInIn(FrameworkIn):
    date: Day
    seen: list[Line] = Field(default_factory=list, max_length=50)
    barriers: Text = Field("", max_length=5000)
    adaptations: Text = Field("", max_length=5000)


@router.post("/cycles/{cycle_id}/check-ins", response=CheckInOut)
@tokens.never
def checkin_create(request: HttpRequest, cycle_id: Id, payload: CheckInIn) -> dict[str, Any]:
    """A fidelity check-in against the cycle's look-fors and/or the district's framework: what was
    seen, barriers to remove together, adaptations to celebrate. Signed in to coachmap only."""
    cycle = _own_cycle(request, "coaching:checkin-new", cycle_id)
    pick = _framework(cycle.coach.district_id, payload, list(cycle.teacher.grades or []))
    with fields_named(FRAMEWORK_FIELDS):
        checkin = services.checkin_record(
            coach=cycle.coach,
            cycle=cycle,
            date=payload.date,
            seen=payload.seen,
            barriers=payload.barriers,
            adaptations=payload.adaptations,
            **pick,
        )
    return _checkin(checkin)
