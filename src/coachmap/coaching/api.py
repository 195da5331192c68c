from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from coachmap.coaching import queries
from coachmap.coaching.models import CoachingCycle
from coachmap.core import access

router = Router(tags=["coaching"])


class CycleOut(Schema):
    id: int
    teacher: str
    coach: str
    goal: str
    status: str
    opened_on: datetime.date
    closed_on: datetime.date | None

    @staticmethod
    def resolve_teacher(obj: CoachingCycle) -> str:
        return str(obj.teacher)

    @staticmethod
    def resolve_coach(obj: CoachingCycle) -> str:
        return str(obj.coach)

    @staticmethod
    def resolve_goal(obj: CoachingCycle) -> str:
        return obj.goal.statement


class SessionOut(Schema):
    id: int
    date: datetime.date
    minutes: int
    session_type: str
    notes: str
    next_steps: str


@router.get("/cycles", response=list[CycleOut])
@paginate(PageNumberPagination, page_size=50)
def cycles(request: HttpRequest) -> QuerySet[CoachingCycle]:
    """Cycles the user is part of (teacher, coach) or leads (program lead), newest first, 50 a page. No notes."""
    return (
        access.cycles_visible_to(request.user)
        .select_related("teacher__user", "coach__user", "goal")
        .order_by("-opened_on", "-id")
    )


@router.get("/cycles/{cycle_id}/sessions", response=list[SessionOut])
def cycle_sessions(request: HttpRequest, cycle_id: int) -> list[dict[str, object]]:
    """A cycle's sessions with their confidential notes: the teacher and the coach only; every read is audited."""
    cycle = access.fetch(access.cycles_visible_to, request.user, pk=cycle_id)
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
