"""Who may coach whom: a coach's caseload and the rule every matching service applies.

A coach's *load* is the places taken in their caseload: active cycles plus requests proposed to
them or accepted but not yet turned into a cycle. A coach is eligible for a request when they work
in the teacher's district, serve the teacher's school and have a free place. Proposing by hand,
editing a matching round, handing over and the intake's preferred coach all ask here, so they never
disagree (the solver's pure `matching/plan.py` applies the same rule to plain data).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from coachmap.coaching.models import CoachingCycle, CoachingRequest, CycleStatus, RequestStatus
from coachmap.core.models import Coach, District

HOLDS_CAPACITY = (RequestStatus.PROPOSED, RequestStatus.ACCEPTED)
"""A request holds a place in the coach's caseload from the moment it is proposed."""


def coach_serves(coach: Coach, school_id: int) -> bool:
    """Whether the program lead has assigned `coach` to the school."""
    return coach.schools.filter(pk=school_id).exists()


def coach_loads(district: District | int, coach_ids: list[int] | None = None) -> dict[int, int]:
    """Places taken per coach of the district (or of `coach_ids` only); a coach with none is absent."""
    loads: dict[int, int] = defaultdict(int)
    cycles = CoachingCycle.objects.filter(coach__district=district, status=CycleStatus.ACTIVE)
    held = CoachingRequest.objects.filter(coach__district=district, status__in=HOLDS_CAPACITY)
    if coach_ids is not None:
        cycles, held = cycles.filter(coach_id__in=coach_ids), held.filter(coach_id__in=coach_ids)
    for queryset in (cycles, held):
        for coach_id, n in queryset.values("coach_id").annotate(n=Count("id")).values_list("coach_id", "n"):
            loads[coach_id] += n
    return loads


def coach_load(coach: Coach) -> int:
    """Places taken in one coach's caseload."""
    return coach_loads(coach.district_id, [coach.pk]).get(coach.pk, 0)


def with_load(coaches: QuerySet[Coach]) -> QuerySet[Coach]:
    """`coach_loads` as an annotation `load`, for pages that sort or filter on it in SQL.

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


def eligibility(coach: Coach, request: CoachingRequest, *, load: int | None = None) -> list[str]:
    """Why `coach` cannot take `request`, in words for the program lead; empty when they can.

    The caseload is checked when `load` (places the coach holds, counted by the caller under a
    lock on the coach's row) is given: a check before the lock would race.
    """
    school = request.teacher.school
    if coach.district_id != school.district_id:
        return ["That coach works in another district."]
    if not coach_serves(coach, school.pk):
        return [f"{coach} does not serve {school}."]
    if load is not None and load >= coach.capacity:
        return [f"{coach} is at capacity ({coach.capacity} cycles)."]
    return []
