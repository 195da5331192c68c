"""The program lead's queue of coaching requests through the API (issue 20): the same rows as the
requests page and its CSV, never the teacher's own note."""

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate

from coachmap.coaching.models import CoachingRequest, RequestStatus
from coachmap.coaching.requests import queries, report
from coachmap.core import access
from coachmap.core.inputs import Pages

router = Router(tags=["coaching"])


class WaitingRequestOut(Schema):
    id: int
    teacher: str
    school: str
    goal: str
    needs: list[str]
    status: str
    declined_by: str | None
    asked_on: datetime.date
    days_waiting: int


def _row(r: CoachingRequest, today: datetime.date) -> dict[str, Any]:
    return {
        "id": r.pk,
        "teacher": str(r.teacher),
        "school": str(r.teacher.school),
        "goal": r.goal.statement,
        "needs": list(r.needs),
        "status": r.get_status_display(),
        "declined_by": str(r.coach) if r.status == RequestStatus.DECLINED and r.coach else None,
        "asked_on": timezone.localdate(r.created_at),
        "days_waiting": report.days_waiting(r, today),
    }


@router.get("/requests/waiting", response=list[WaitingRequestOut])
@paginate(Pages, page_size=25)
def requests_waiting(request: HttpRequest) -> list[dict[str, Any]]:
    """Requests waiting for the program lead: new ones, and ones whose proposal was declined, oldest first."""
    access.require(
        access.may_open(request.user, "coaching:requests"), "The request queue is the program lead's."
    )
    today = timezone.localdate()
    return [_row(r, today) for r in queries.requests_waiting(request.user)]
