"""Reads for the coaching pages, already scoped to what the asking user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from coachmap.coaching.models import (
    CoachingCycle,
    CoachingRequest,
    CoachingSession,
    CycleStatus,
    RequestStatus,
)
from coachmap.coaching.services.chain import HOLDS_CAPACITY
from coachmap.core import access
from coachmap.core.access import AnyUser
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, Coach


def with_load(coaches: QuerySet[Coach]) -> QuerySet[Coach]:
    """Annotate `load`: active cycles plus proposals that hold a place.

    Counted in correlated subqueries: joining both relations and counting distinct rows took
    seconds for the large district's 1,500 coaches.
    """

    def count(queryset: QuerySet[Any]) -> Coalesce:
        return Coalesce(Subquery(queryset.values("coach").annotate(n=Count("id")).values("n")), 0)

    active = CoachingCycle.objects.filter(coach=OuterRef("pk"), status=CycleStatus.ACTIVE)
    held = CoachingRequest.objects.filter(coach=OuterRef("pk"), status__in=HOLDS_CAPACITY)
    return coaches.annotate(active_cycles=count(active), held=count(held)).annotate(
        load=F("active_cycles") + F("held")
    )


@dataclass(frozen=True)
class CoachLoad:
    coach: Coach
    load: int

    @property
    def share(self) -> float:
        return self.load / self.coach.capacity


def coaches_for_request(user: AnyUser, request: CoachingRequest) -> list[CoachLoad]:
    """Coaches who serve the teacher's school, least loaded first (manual assignment; matching comes later)."""
    coaches = with_load(
        access.coaches_visible_to(user).filter(schools=request.teacher.school_id).select_related("user")
    ).values_list("pk", "load")  # type: ignore[misc]  # "load" is an annotation the plugin cannot see
    loads = dict(coaches)
    options = [CoachLoad(c, loads[c.pk]) for c in Coach.objects.filter(pk__in=loads).select_related("user")]
    return sorted(options, key=lambda o: (o.share, o.coach.user.last_name, o.coach.user.first_name))


def requests_waiting(user: AnyUser) -> QuerySet[CoachingRequest]:
    """Requests the program lead should act on: new ones, and ones whose proposal was declined."""
    return (
        access.requests_visible_to(user)
        .filter(status__in=[RequestStatus.OPEN, RequestStatus.DECLINED])
        .select_related("teacher__user", "teacher__school", "goal__improvement_goal", "coach__user")
        .order_by("created_at")
    )


@dataclass(frozen=True)
class NoteEntry:
    session: CoachingSession
    notes: str


def session_notes(user: AnyUser, cycle: CoachingCycle) -> list[NoteEntry]:
    """The cycle's sessions with their confidential notes, for the teacher or the coach only.

    Every read is audited. Anyone else gets a 403 even if they can see the cycle exists.
    """
    access.require(
        access.may_read_notes(user, cycle), "Session notes are only for the teacher and the coach."
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


def caseload(coach: Coach) -> dict[str, QuerySet[Any]]:
    """What a coach works on: proposals awaiting the teacher, accepted requests to open, active cycles."""
    requests = CoachingRequest.objects.filter(coach=coach).select_related(
        "teacher__user", "teacher__school", "teacher__intake", "goal"
    )
    from coachmap.coaching.work.queries import with_last_touch

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
