"""Writes for a coaching cycle: open it, plan and stages, sessions (the one session writer, with
look-fors and resources), student evidence, fidelity check-ins, an honest close, resume.

Each service checks who is asking, validates (the rules are in `rules.py`) and writes in one transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coachmap.coaching import access as coaching_access
from coachmap.coaching.cycles import rules
from coachmap.coaching.cycles.queries import cycle_facts
from coachmap.coaching.models import (
    CoachingCycle,
    CoachingRequest,
    CoachingSession,
    CycleStatus,
    EvidenceKind,
    FidelityCheckIn,
    RequestStatus,
    SessionType,
    StudentEvidence,
)
from coachmap.core import access
from coachmap.core.models import Coach, Teacher
from coachmap.improvement.framework import queries as framework_queries
from coachmap.improvement.models import FrameworkLevel, FrameworkLookFor, FrameworkVersion
from coachmap.library.models import Resource, ResourceUse, UseKind
from coachmap.notifications.models import WebhookEvent
from coachmap.notifications.webhooks import webhook_event

MAX_LOOK_FORS = 12


def _own(coach: Coach, cycle: CoachingCycle, what: str) -> None:
    """Someone else's cycle is not theirs to change: 403 (`may_work_on_cycle`)."""
    access.require(
        coaching_access.may_work_on_cycle(coach.user, cycle), f"Only the cycle's coach can {what}."
    )


def _active(cycle: CoachingCycle) -> None:
    if cycle.status != CycleStatus.ACTIVE:
        raise ValidationError("This cycle has ended; resume it first if it was paused.")


def _clean_lines(values: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        line = " ".join(value.split())
        if line and line not in seen:
            seen.append(line)
    return seen


# --- the cycle's plan, stages and end ------------------------------------------------------------


def cycle_plan_set(
    *,
    coach: Coach,
    cycle: CoachingCycle,
    learning_target: str,
    practice: str,
    tools: Iterable[str],
    look_fors: Iterable[str],
) -> CoachingCycle:
    """The coach records what the teacher and coach agreed: the student learning target, the practice,
    the tools, and the look-fors they will both watch for in class."""
    _own(coach, cycle, "change its plan")
    _active(cycle)
    items = _clean_lines(look_fors)
    if len(items) > MAX_LOOK_FORS:
        raise ValidationError(
            {"look_fors": f"Keep to {MAX_LOOK_FORS} look-fors at most: a few, watched well."}
        )
    with transaction.atomic():
        cycle.learning_target = learning_target.strip()
        cycle.practice = " ".join(practice.split())
        cycle.tools = _clean_lines(tools)
        cycle.look_fors = items
        cycle.full_clean(exclude=["teacher", "coach", "goal", "request"])
        cycle.save(update_fields=["learning_target", "practice", "tools", "look_fors"])
    return cycle


def cycle_stage_set(
    *, coach: Coach, cycle: CoachingCycle, stage: str, today: datetime.date | None = None
) -> CoachingCycle:
    """Move the cycle to another working stage: forward one step when its needs are met, or back."""
    _own(coach, cycle, "move it between stages")
    with transaction.atomic():
        cycle = CoachingCycle.objects.select_for_update().get(pk=cycle.pk)
        problems = rules.stage_change_problems(cycle_facts(cycle), stage)
        if problems:
            raise ValidationError(problems)
        cycle.stage = stage
        cycle.stage_changed_on = today or timezone.localdate()
        cycle.save(update_fields=["stage", "stage_changed_on"])
    return cycle


def cycle_resume(*, coach: Coach, cycle: CoachingCycle, today: datetime.date | None = None) -> CoachingCycle:
    """Pick a paused cycle up again where it stopped. Cycles that ended otherwise stay ended."""
    _own(coach, cycle, "resume it")
    if cycle.status != CycleStatus.CLOSED or cycle.outcome != rules.PAUSED:
        raise ValidationError("Only a paused cycle can be resumed.")
    with transaction.atomic():
        cycle.status = CycleStatus.ACTIVE
        cycle.outcome = ""
        cycle.closed_on = None
        cycle.stage_changed_on = today or timezone.localdate()
        cycle.save(update_fields=["status", "outcome", "closed_on", "stage_changed_on"])
    return cycle


def evidence_record(
    *,
    coach: Coach,
    cycle: CoachingCycle,
    kind: EvidenceKind | str,
    measured_on: datetime.date,
    measure: str,
    students_assessed: int,
    students_meeting: int,
) -> StudentEvidence:
    """Baseline (pre) or after (post) evidence: how many students met the learning target on a measure."""
    _own(coach, cycle, "record its evidence")
    _active(cycle)
    errors: dict[str, str] = {}
    if measured_on > timezone.localdate():
        errors["measured_on"] = "Evidence cannot be dated in the future."
    if students_meeting > students_assessed:
        errors["students_meeting"] = (
            f"{students_meeting} students cannot meet the target when {students_assessed} were assessed."
        )
    if kind == EvidenceKind.POST and not cycle.evidence.filter(kind=EvidenceKind.PRE).exists():
        errors["kind"] = "Record the baseline (before) evidence first, so there is something to compare with."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        evidence = StudentEvidence(
            cycle=cycle,
            kind=kind,
            measured_on=measured_on,
            measure=measure.strip(),
            students_assessed=students_assessed,
            students_meeting=students_meeting,
        )
        evidence.full_clean()
        evidence.save()
    return evidence


# --- sessions, micro-coaching and fidelity ----------------------------------------------------------


Pick = tuple[FrameworkVersion | None, str, FrameworkLevel | None, list[FrameworkLookFor]]


def framework_pick(
    *,
    district_id: int,
    band: str = "",
    level: FrameworkLevel | None = None,
    look_fors: Iterable[FrameworkLookFor] = (),
) -> Pick:
    """Check a choice from the district's look-for framework: the current version only, one grade
    band. Nothing chosen is fine (free-text look-fors stay possible)."""
    seen = list(look_fors)
    if level is None and not seen:
        return None, "", None, []
    current = framework_queries.current_version(district_id)
    if current is None:
        raise ValidationError({"framework_level": "The district has no look-for framework yet."})
    if level is not None and level.version_id != current.pk:
        raise ValidationError({"framework_level": "Choose a level from the district's current framework."})
    if any(lf.version_id != current.pk for lf in seen):
        raise ValidationError(
            {"framework_look_fors": "Choose look-fors from the district's current framework."}
        )
    bands = {lf.grade_band for lf in seen} | ({band} if band else set())
    if len(bands) > 1:
        raise ValidationError(
            {"framework_look_fors": "Choose look-fors of one grade band: the band of the class you saw."}
        )
    if not bands:
        raise ValidationError({"framework_band": "Choose the grade band of the class you saw."})
    return current, bands.pop(), level, seen


def _apply_pick(record: FidelityCheckIn | CoachingSession, pick: Pick) -> None:
    record.framework_version, record.framework_band, record.framework_level, _ = pick


def checkin_record(
    *,
    coach: Coach,
    cycle: CoachingCycle,
    date: datetime.date,
    seen: Iterable[str] = (),
    barriers: str = "",
    adaptations: str = "",
    framework_band: str = "",
    framework_level: FrameworkLevel | None = None,
    framework_look_fors: Iterable[FrameworkLookFor] = (),
) -> FidelityCheckIn:
    """A fidelity check-in against the cycle's look-fors and/or the district's framework: what was
    seen, the level of use, what got in the way, and the teacher's adaptations, recorded as
    something to celebrate rather than a deviation."""
    _own(coach, cycle, "record its check-ins")
    _active(cycle)
    pick = framework_pick(
        district_id=coach.district_id,
        band=framework_band,
        level=framework_level,
        look_fors=framework_look_fors,
    )
    if not cycle.look_fors and pick[0] is None:
        raise ValidationError(
            "Agree on the cycle's look-fors first, or choose look-fors or a level from the district's framework."
        )
    seen_items = _clean_lines(seen)
    unknown = [item for item in seen_items if item not in cycle.look_fors]
    if unknown:
        raise ValidationError({"seen": f"Not one of this cycle's look-fors: {', '.join(unknown)}."})
    if date > timezone.localdate():
        raise ValidationError({"date": "A check-in cannot be dated in the future."})
    if date < cycle.opened_on:
        raise ValidationError(
            {"date": f"The cycle opened on {cycle.opened_on:%B %-d, %Y}; pick a later day."}
        )
    with transaction.atomic():
        checkin = FidelityCheckIn(
            cycle=cycle,
            date=date,
            look_fors=list(cycle.look_fors),
            seen=[item for item in cycle.look_fors if item in seen_items],
            barriers=barriers.strip(),
            adaptations=adaptations.strip(),
        )
        _apply_pick(checkin, pick)
        checkin.full_clean()
        checkin.save()
        checkin.framework_look_fors.set(pick[3])
    return checkin


# --- the coach's time log -------------------------------------------------------------------------


# --- partnership agreements -------------------------------------------------------------------------


def cycle_open(
    *, coach: Coach, request: CoachingRequest, opened_on: datetime.date | None = None
) -> CoachingCycle:
    """The coach opens a cycle; only after the teacher has accepted them."""
    access.require(
        coaching_access.may_open_cycle(coach.user, request),
        "Only the coach the teacher accepted can open this cycle.",
    )
    if request.status != RequestStatus.ACCEPTED:
        raise ValidationError("The teacher has not accepted yet: a cycle opens only with their consent.")
    with transaction.atomic():
        cycle = CoachingCycle.objects.create(
            teacher=request.teacher,
            coach=coach,
            goal=request.goal,
            request=request,
            opened_on=opened_on or timezone.localdate(),
        )
        request.status = RequestStatus.IN_CYCLE
        request.save(update_fields=["status"])
    return cycle


def session_log(
    *,
    coach: Coach,
    cycle: CoachingCycle,
    date: datetime.date,
    minutes: int,
    session_type: SessionType | str,
    notes: str = "",
    next_steps: str = "",
    look_fors_seen: Iterable[str] = (),
    resources: Iterable[Resource] = (),
    next_meeting_on: datetime.date | None = None,
    framework_band: str = "",
    framework_level: FrameworkLevel | None = None,
    framework_look_fors: Iterable[FrameworkLookFor] = (),
) -> CoachingSession:
    """The coach logs a session (micro-coaching included), with the look-fors seen and the library
    resources used. Notes are confidential to the teacher and the coach."""
    seen = _clean_lines(look_fors_seen)
    unknown = [item for item in seen if item not in cycle.look_fors]
    if unknown:
        raise ValidationError({"look_fors_seen": f"Not one of this cycle's look-fors: {', '.join(unknown)}."})
    used = list(resources)
    if any(r.district_id != coach.district_id for r in used):
        raise ValidationError({"resources": "Choose resources from your district's library."})
    _own(coach, cycle, "log its sessions")
    pick = framework_pick(
        district_id=coach.district_id,
        band=framework_band,
        level=framework_level,
        look_fors=framework_look_fors,
    )
    if cycle.status != CycleStatus.ACTIVE:
        raise ValidationError("This cycle is closed; sessions can only be logged on an active cycle.")
    errors = {}
    if date > timezone.localdate():
        errors["date"] = "A session cannot be logged before it happens."
    elif date < cycle.opened_on:
        errors["date"] = f"The cycle opened on {cycle.opened_on:%B %-d, %Y}; the session cannot be earlier."
    if next_meeting_on is not None and next_meeting_on <= max(date, timezone.localdate()):
        errors["next_meeting_on"] = (
            "The next meeting cannot be before this session: it is a day after this session and after "
            "today. Leave it empty if none is planned."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if next_meeting_on is not None:
            cycle.next_meeting_on = next_meeting_on
            cycle.save(update_fields=["next_meeting_on"])
        session = CoachingSession(
            cycle=cycle,
            date=date,
            minutes=minutes,
            session_type=session_type,
            notes=notes.strip(),
            next_steps=next_steps.strip(),
            look_fors_seen=seen,
        )
        _apply_pick(session, pick)
        session.full_clean()
        session.save()
        session.framework_look_fors.set(pick[3])
        ResourceUse.objects.bulk_create(
            ResourceUse(resource=r, kind=UseKind.SESSION, session=session, cycle=cycle, on=date) for r in used
        )
    return session


def micro_undo(*, coach: Coach, session: CoachingSession, now: datetime.datetime | None = None) -> None:
    """The coach takes back a micro-coaching log made by mistake, within `rules.MICRO_UNDO_MINUTES` of logging it.

    Only micro-coaching: a full session has notes and evidence the teacher may already have read.
    """
    now = now or timezone.now()
    if session.cycle.coach_id != coach.pk:
        raise ValidationError("Only the coach who logged it can undo it.")
    if session.session_type != SessionType.MICRO:
        raise ValidationError(
            "Only a micro-coaching log can be undone; correct a full session on its cycle page."
        )
    if now - session.created_at > datetime.timedelta(minutes=rules.MICRO_UNDO_MINUTES):
        raise ValidationError(
            f"A micro-coaching log can be undone for {rules.MICRO_UNDO_MINUTES} minutes after logging it; this one is older."
        )
    with transaction.atomic():
        session.delete()


def cycle_close(
    *,
    coach: Coach,
    cycle: CoachingCycle,
    outcome: str,
    referred_to: str = "",
    closed_on: datetime.date | None = None,
) -> CoachingCycle:
    """The coach ends the cycle and says honestly how: goal met (with after-evidence), referred on
    (to whom), teacher stepped back, or paused (it can resume). Rules in `cycles/rules.py`."""

    _own(coach, cycle, "close it")
    with transaction.atomic():
        cycle = CoachingCycle.objects.select_for_update().get(pk=cycle.pk)
        problems = rules.close_problems(cycle_facts(cycle), outcome, referred_to)
        if problems:
            raise ValidationError({"outcome": problems})
        day = closed_on or timezone.localdate()
        cycle.status = CycleStatus.CLOSED
        cycle.outcome = outcome
        cycle.referred_to = referred_to.strip() if outcome == rules.REFERRED else ""
        cycle.stage = rules.stage_after_close(cycle.stage, outcome)
        cycle.closed_on = day
        cycle.stage_changed_on = day
        cycle.save(
            update_fields=["status", "outcome", "referred_to", "stage", "closed_on", "stage_changed_on"]
        )
        if outcome != rules.PAUSED:
            _completed_webhook(cycle)
    return cycle


def _completed_webhook(cycle: CoachingCycle) -> None:
    """Other systems that subscribed hear that a cycle completed: ids, the outcome and a count,
    never who the teacher or coach is (who takes coaching is confidential) nor any note."""
    school = (
        Teacher.objects.filter(pk=cycle.teacher_id).values_list("school_id", "school__district_id").first()
    )
    if school is None:
        return
    webhook_event(
        district_id=school[1],
        event=WebhookEvent.CYCLE_COMPLETED,
        data={
            "cycle_id": cycle.pk,
            "school_id": school[0],
            "outcome": cycle.outcome,
            "closed_on": cycle.closed_on.isoformat() if cycle.closed_on else None,
            "sessions": cycle.sessions.count(),
        },
    )
