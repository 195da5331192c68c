from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from coachmap.core import tokens
from coachmap.core.inputs import Id
from coachmap.improvement import access as improvement_access
from coachmap.improvement.models import GoalStatus, ImprovementGoal

router = Router(tags=["improvement"])


class GoalOut(Schema):
    id: int
    school_id: int
    school: str
    statement: str
    subject: str
    student_group: str
    metric: str
    baseline: float
    target: float
    target_date: datetime.date
    status: str

    @staticmethod
    def resolve_school(obj: ImprovementGoal) -> str:
        return obj.school.name


@router.get("/goals", response=list[GoalOut])
@tokens.service(tokens.Scope.READ_GOALS)
def goals(
    request: HttpRequest, school_id: Id | None = None, status: GoalStatus | None = None
) -> list[ImprovementGoal]:
    """Improvement goals of the schools the user may see."""
    queryset = improvement_access.improvement_goals_visible_to(request.user).select_related("school")
    if school_id is not None:
        queryset = queryset.filter(school_id=school_id)
    if status:
        queryset = queryset.filter(status=status)
    return list(queryset)
