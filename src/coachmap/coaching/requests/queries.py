"""Reads for goals and requests (coaches with their load, requests waiting), already scoped to what the asking user may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from coachmap.coaching import access as coaching_access
from coachmap.coaching.eligibility import with_load
from coachmap.coaching.models import (
    CoachingRequest,
    RequestStatus,
)
from coachmap.core import access
from coachmap.core.access import AnyUser
from coachmap.core.models import Coach


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
        coaching_access.requests_visible_to(user)
        .filter(status__in=[RequestStatus.OPEN, RequestStatus.DECLINED])
        .select_related("teacher__user", "teacher__school", "goal__improvement_goal", "coach__user")
        .order_by("created_at")
    )
