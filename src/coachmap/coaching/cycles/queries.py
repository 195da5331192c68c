"""Reads for cycles, scoped through `core.access`: a cycle's facts, evidence and check-ins, session
notes, the coach's caseload, reminders for quiet cycles, tool usage for a cycle's class."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Lower

from coachmap.coaching import access as coaching_access
from coachmap.coaching.cycles import rules
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
from coachmap.coaching.timelog import timeshare
from coachmap.core import access, tokens
from coachmap.core.access import AnyUser
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, Coach, Membership, Role
from coachmap.library.tags import normalise

# --- a cycle ---------------------------------------------------------------------------------------


def cycle_facts(cycle: CoachingCycle) -> rules.CycleFacts:
    """What the stage and closing rules need to know, read from the database."""
    kinds = set(StudentEvidence.objects.filter(cycle=cycle).values_list("kind", flat=True))
    types = frozenset(CoachingSession.objects.filter(cycle=cycle).values_list("session_type", flat=True))
    return rules.CycleFacts(
        stage=cycle.stage,
        active=cycle.status == CycleStatus.ACTIVE,
        learning_target=cycle.learning_target,
        has_pre_evidence=EvidenceKind.PRE in kinds,
        has_post_evidence=EvidenceKind.POST in kinds,
        look_fors=len(cycle.look_fors),
        session_types=types,
    )


@dataclass(frozen=True)
class EvidenceSummary:
    pre: list[StudentEvidence]
    post: list[StudentEvidence]

    @property
    def rows(self) -> list[StudentEvidence]:
        return [*self.pre, *self.post]

    @property
    def baseline(self) -> StudentEvidence | None:
        return self.pre[0] if self.pre else None

    @property
    def latest(self) -> StudentEvidence | None:
        return self.post[-1] if self.post else None

    @property
    def change(self) -> float | None:
        """Percentage points between the first baseline and the latest after-measure."""
        return rules.evidence_change(
            self.baseline.share if self.baseline else None, self.latest.share if self.latest else None
        )


def cycle_evidence(user: AnyUser, cycle: CoachingCycle) -> EvidenceSummary:
    rows = list(coaching_access.evidence_visible_to(user).filter(cycle=cycle).order_by("measured_on", "id"))
    return EvidenceSummary(
        [e for e in rows if e.kind == EvidenceKind.PRE], [e for e in rows if e.kind == EvidenceKind.POST]
    )


def cycle_checkins(user: AnyUser, cycle: CoachingCycle) -> list[FidelityCheckIn]:
    """Check-ins for the teacher and the coach; nobody else gets any. They name the teacher's
    barriers: like notes, never read with an API token (`core.tokens`)."""
    tokens.refuse_token(user, "Fidelity check-ins")
    return list(coaching_access.checkins_visible_to(user).filter(cycle=cycle).order_by("-date", "-id"))


def with_last_touch(cycles: QuerySet[CoachingCycle]) -> QuerySet[CoachingCycle]:
    """Annotate the latest session, check-in and evidence day of each cycle (one subquery each)."""

    def latest(model: Any, field: str) -> Subquery:
        return Subquery(model.objects.filter(cycle=OuterRef("pk")).order_by(f"-{field}").values(field)[:1])

    return cycles.annotate(
        last_session=latest(CoachingSession, "date"),
        last_checkin=latest(FidelityCheckIn, "date"),
        last_evidence=latest(StudentEvidence, "measured_on"),
    )


@dataclass(frozen=True)
class Reminder:
    cycle: CoachingCycle
    last_touch: datetime.date
    staleness: rules.Staleness
    quiet_days: int


def reminder_for(cycle: CoachingCycle, today: datetime.date) -> Reminder:
    touch = rules.last_touch(
        cycle.opened_on,
        cycle.stage_changed_on,
        getattr(cycle, "last_session", None),
        getattr(cycle, "last_checkin", None),
        getattr(cycle, "last_evidence", None),
    )
    return Reminder(cycle, touch, rules.staleness(touch, today), (today - touch).days)


def reminders(coach: Coach, today: datetime.date) -> list[Reminder]:
    """The coach's active cycles that have gone quiet, the quietest first."""
    cycles = with_last_touch(
        CoachingCycle.objects.filter(coach=coach, status=CycleStatus.ACTIVE).select_related("teacher__user")
    )
    found = [reminder_for(c, today) for c in cycles]
    return sorted((r for r in found if r.staleness is not rules.Staleness.OK), key=lambda r: r.last_touch)


def overdue_counts(coaches: QuerySet[Coach], today: datetime.date) -> dict[int, int]:
    """Active cycles per coach that are overdue, for the program lead's team page."""
    counts: dict[int, int] = {}
    cycles = with_last_touch(CoachingCycle.objects.filter(coach__in=coaches, status=CycleStatus.ACTIVE))
    for cycle in cycles:
        if reminder_for(cycle, today).staleness is rules.Staleness.OVERDUE:
            counts[cycle.coach_id] = counts.get(cycle.coach_id, 0) + 1
    return counts


@dataclass(frozen=True)
class UsageWeekRow:
    week: datetime.date
    students: int
    minutes: int


@dataclass(frozen=True)
class ToolUsage:
    tool: str
    weeks: list[UsageWeekRow]


def tool_usage(user: AnyUser, cycle: CoachingCycle, today: datetime.date, weeks: int = 6) -> list[ToolUsage]:
    """Weekly use of the cycle's tools by the teacher's own students, from imported usage data.

    For the teacher and the coach only (it describes one class). Tools match by normalised name.
    """
    if not coaching_access.may_read_notes(user, cycle) or not cycle.tools:
        return []
    from coachmap.roster.models import Enrollment, UsageWeek

    taught = Enrollment.objects.filter(teacher=cycle.teacher).values("klass")
    students = Enrollment.objects.filter(klass__in=taught, student__isnull=False).values("student")
    keys = {normalise(t): t for t in cycle.tools}
    since = timeshare.monday(today) - datetime.timedelta(weeks=weeks - 1)
    rows = (
        UsageWeek.objects.filter(student__in=students, week__gte=since, week__lte=today)
        .annotate(key=Lower("tool"))
        .filter(key__in=list(keys))
        .values("key", "week")
        .annotate(students=Count("student", distinct=True), minutes=Sum("minutes"))
        .order_by("key", "week")
    )
    by_tool: dict[str, list[UsageWeekRow]] = {}
    for row in rows:
        by_tool.setdefault(row["key"], []).append(
            UsageWeekRow(row["week"], row["students"], round(row["minutes"] or 0))
        )
    return [ToolUsage(keys[key], by_tool[key]) for key in keys if key in by_tool]


# --- the time log -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteEntry:
    session: CoachingSession
    notes: str


def session_notes(user: AnyUser, cycle: CoachingCycle) -> list[NoteEntry]:
    """The cycle's sessions with their confidential notes, for the teacher or the coach only.

    Every read is audited. Anyone else gets a 403 even if they can see the cycle exists, and so
    does every API token, whoever it acts as (`core.tokens`).
    """
    tokens.refuse_token(user)
    access.require(
        coaching_access.may_read_notes(user, cycle), "Session notes are only for the teacher and the coach."
    )
    sessions = list(CoachingSession.objects.filter(cycle=cycle).order_by("-date", "-id"))
    if sessions:
        audit_record(
            actor=user,  # type: ignore[arg-type]
            action=AuditAction.NOTES_READ,
            obj=cycle,
            district=cycle.coach.district_id,
            sessions=[s.pk for s in sessions],
        )
    return [NoteEntry(s, s.notes) for s in sessions]


def micro_undoable(coach: Coach, now: datetime.datetime) -> CoachingSession | None:
    """The coach's latest micro-coaching log if it is still young enough to undo."""
    since = now - datetime.timedelta(minutes=rules.MICRO_UNDO_MINUTES)
    return (
        CoachingSession.objects.filter(
            cycle__coach=coach, session_type=SessionType.MICRO, created_at__gte=since
        )
        .select_related("cycle__teacher__user")
        .defer("notes")
        .order_by("-created_at", "-id")
        .first()
    )


def caseload(coach: Coach) -> dict[str, QuerySet[Any]]:
    """What a coach works on: proposals awaiting the teacher, accepted requests to open, active cycles."""
    requests = CoachingRequest.objects.filter(coach=coach).select_related(
        "teacher__user", "teacher__school", "teacher__intake", "goal"
    )

    cycles = (
        CoachingCycle.objects.filter(coach=coach)
        .select_related("teacher__user", "teacher__school", "teacher__intake", "goal__improvement_goal")
        .annotate(session_count=Count("sessions"), minutes=Sum("sessions__minutes"))
    )
    return {
        "proposed": requests.filter(status=RequestStatus.PROPOSED),
        "accepted": requests.filter(status=RequestStatus.ACCEPTED),
        "active": with_last_touch(cycles.filter(status=CycleStatus.ACTIVE)).order_by("-opened_on"),
        "closed": cycles.filter(status=CycleStatus.CLOSED).order_by("-closed_on")[:20],
    }


# --- who read my notes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteRead:
    reader: str
    role: str
    at: datetime.datetime


def note_reads(user: AnyUser, cycle: CoachingCycle, limit: int = 50) -> tuple[list[NoteRead], int]:
    """Who other than the teacher read the cycle's notes and when, newest first (at most `limit`),
    and how many such reads there were in all. For the cycle's teacher; everyone else gets nothing."""
    reads = coaching_access.note_reads_visible_to(user, cycle).exclude(actor_id=cycle.teacher.user_id)
    total = reads.count()
    rows = list(reads.select_related("actor").order_by("-at", "-id")[:limit])
    readers = {r.actor_id for r in rows if r.actor_id is not None}
    held: dict[int, list[str]] = {}
    for user_id, role in Membership.objects.filter(user_id__in=readers).values_list("user_id", "role"):
        held.setdefault(user_id, []).append(Role(role).label)

    def role_of(actor_id: int | None) -> str:
        if actor_id == cycle.coach.user_id:
            return "Your coach"
        return ", ".join(sorted(set(held.get(actor_id or 0, [])))) or "No role"

    return [
        NoteRead(str(r.actor) if r.actor else "A removed account", role_of(r.actor_id), r.at) for r in rows
    ], total


# --- the caseload table -------------------------------------------------------------------------

CASELOAD_SORTS: dict[str, str] = {
    "teacher": "Teacher",
    "school": "School",
    "last": "Last contact (longest ago first)",
    "next": "Next meeting (soonest first)",
    "since": "Started (newest first)",
}


def last_contact(cycle: CoachingCycle) -> datetime.date | None:
    """The last day the coach and teacher worked together: a session or a check-in (needs `with_last_touch`)."""
    days = [d for d in (getattr(cycle, "last_session", None), getattr(cycle, "last_checkin", None)) if d]
    return max(days) if days else None


def caseload_active(
    cycles: QuerySet[CoachingCycle], *, sort: str, school_id: int | None
) -> list[CoachingCycle]:
    """The active cycles of a caseload, filtered to one school and sorted by one of `CASELOAD_SORTS`."""
    if school_id is not None:
        cycles = cycles.filter(teacher__school_id=school_id)
    rows = list(cycles)
    far = datetime.date.max
    keys: dict[str, Any] = {
        "teacher": lambda c: (str(c.teacher).lower(), c.pk),
        "school": lambda c: (c.teacher.school.name.lower(), str(c.teacher).lower()),
        # Never met comes first: it is the most urgent.
        "last": lambda c: (last_contact(c) or datetime.date.min, str(c.teacher).lower()),
        "next": lambda c: (c.next_meeting_on or far, str(c.teacher).lower()),
        "since": lambda c: (-c.opened_on.toordinal(), c.pk),
    }
    return sorted(rows, key=keys.get(sort, keys["since"]))
