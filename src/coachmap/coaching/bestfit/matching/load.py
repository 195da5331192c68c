"""Build the matching problem for one district from the database, in a handful of set-based queries.

Requests waiting for a coach (open, or declined and waiting for someone else), the teachers'
intakes and placement, the coaches with their competencies, schools served and current load,
who coached whom before, and what each teacher already declined. Nothing here decides anything:
`plan.plan_round` does.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from coachmap.coaching.bestfit.matching.model import CoachIn, Problem, RequestIn, normalize
from coachmap.coaching.bestfit.placement import Quadrant, place
from coachmap.coaching.bestfit.routing import route_for
from coachmap.coaching.eligibility import HOLDS_CAPACITY, coach_loads
from coachmap.coaching.models import (
    CoachingCycle,
    CoachingRequest,
    CoachProfile,
    CycleStatus,
    Handover,
    MatchProposal,
    ProposalKind,
    ProposalStatus,
    RequestStatus,
    RoutingPolicy,
    TeacherIntake,
)
from coachmap.core.grades import grade_band
from coachmap.core.models import Coach, District, School

WAITING = (RequestStatus.OPEN, RequestStatus.DECLINED)


def load_coaches(district: District) -> list[CoachIn]:
    schools: dict[int, set[int]] = defaultdict(set)
    for coach_id, school_id in Coach.schools.through.objects.filter(coach__district=district).values_list(
        "coach_id", "school_id"
    ):
        schools[coach_id].add(school_id)
    profiles: dict[int, dict[str, Any]] = {
        p["coach_id"]: dict(p)
        for p in CoachProfile.objects.filter(coach__district=district).values(
            "coach_id", "tools", "content_areas", "grade_bands", "practices", "quadrants", "languages"
        )
    }
    loads = coach_loads(district)
    coaches = []
    for cid, ctype, capacity, first, last, username in (
        Coach.objects.filter(district=district)
        .order_by("id")
        .values_list("id", "coach_type", "capacity", "user__first_name", "user__last_name", "user__username")
    ):
        p = profiles.get(cid, {})
        coaches.append(
            CoachIn(
                id=cid,
                name=f"{first} {last}".strip() or username,
                type=ctype,
                schools=frozenset(schools.get(cid, ())),
                capacity=capacity,
                load=loads.get(cid, 0),
                competencies=normalize(
                    [*p.get("tools", []), *p.get("practices", []), *p.get("content_areas", [])]
                ),
                content_areas=normalize(p.get("content_areas", [])),
                grade_bands=normalize(p.get("grade_bands", [])),
                quadrants=frozenset(p.get("quadrants", [])),
                languages=normalize(p.get("languages", [])),
            )
        )
    return coaches


def load_problem(district: District, policy: RoutingPolicy, request_ids: list[int] | None = None) -> Problem:  # noqa: PLR0912 - one pass over the district; each branch is one filter
    """The problem for every request waiting in the district (or only `request_ids`)."""
    requests = CoachingRequest.objects.filter(teacher__school__district=district, status__in=WAITING)
    if request_ids is not None:
        requests = requests.filter(pk__in=request_ids)
    rows = list(
        requests.order_by("id").values_list(
            "id",
            "teacher_id",
            "status",
            "coach_id",
            "needs",
            "preferred_type",
            "teacher__school_id",
            "teacher__years_experience",
            "teacher__subjects",
            "teacher__user__first_name",
            "teacher__user__last_name",
        )
    )
    teacher_ids = {r[1] for r in rows}
    request_set = {r[0] for r in rows}
    schools = {
        sid: (name, grade_band(low, high))
        for sid, name, low, high in School.objects.filter(district=district).values_list(
            "id", "name", "grade_low", "grade_high"
        )
    }
    intakes = {
        i["teacher_id"]: i
        for i in TeacherIntake.objects.filter(teacher__school__district=district).values(
            "teacher_id",
            "quadrant",
            "needs_tools",
            "needs_content",
            "needs_practices",
            "preferred_coach_id",
            "language",
        )
        if i["teacher_id"] in teacher_ids
    }
    previous: dict[int, set[int]] = defaultdict(set)
    for teacher_id, coach_id in (
        CoachingCycle.objects.filter(teacher__school__district=district)
        .values_list("teacher_id", "coach_id")
        .distinct()
    ):
        previous[teacher_id].add(coach_id)
    in_cycle = set(
        CoachingCycle.objects.filter(
            teacher__school__district=district, status=CycleStatus.ACTIVE
        ).values_list("teacher_id", flat=True)
    )
    holding = set(
        CoachingRequest.objects.filter(
            teacher__school__district=district, status__in=HOLDS_CAPACITY
        ).values_list("teacher_id", flat=True)
    )
    excluded: dict[int, set[int]] = defaultdict(set)
    declined_offers: dict[int, set[str]] = defaultdict(set)
    for request_id, kind, coach_id, offer in MatchProposal.objects.filter(
        round__district=district, status=ProposalStatus.DECLINED
    ).values_list("request_id", "kind", "coach_id", "offer"):
        if kind == ProposalKind.COACH and coach_id is not None:
            excluded[request_id].add(coach_id)
        elif kind == ProposalKind.OFFER:
            declined_offers[request_id].add(offer)
    for request_id, coach_id in Handover.objects.filter(from_coach__district=district).values_list(
        "new_request_id", "from_coach_id"
    ):
        if request_id in request_set:
            excluded[request_id].add(coach_id)
    routes = policy.route_map
    thresholds = policy.thresholds
    built = []
    for rid, tid, status, coach_id, needs, preferred_type, sid, years, subjects, first, last in rows:
        intake = intakes.get(tid)
        if status == RequestStatus.DECLINED and coach_id is not None:
            excluded[rid].add(coach_id)
        if intake is not None:
            quadrant = Quadrant(intake["quadrant"])
            wanted = [*needs, *intake["needs_tools"], *intake["needs_content"], *intake["needs_practices"]]
            content = [*subjects, *intake["needs_content"]]
        else:
            quadrant = place(years=years, new_to_adoption=False, answers={}, thresholds=thresholds).quadrant
            wanted, content = list(needs), list(subjects)
        route = route_for(quadrant, routes, preferred_type)
        name, band = schools[sid]
        blocked = ""
        if tid in in_cycle:
            blocked = "Already working with a coach in an active cycle; this request waits until it ends."
        elif tid in holding:
            blocked = "Already has a coach proposed or accepted on another request."
        built.append(
            RequestIn(
                id=rid,
                teacher_id=tid,
                teacher=f"{first} {last}".strip(),
                school_id=sid,
                school=name,
                band=band,
                subjects=normalize(content),
                needs=normalize(wanted),
                quadrant=quadrant,
                types=route.types,
                offers=tuple(str(o) for o in route.offers),
                previous_coaches=frozenset(previous.get(tid, ())),
                preferred_coach=intake["preferred_coach_id"] if intake else None,
                language=intake["language"] if intake else "",
                excluded_coaches=frozenset(excluded.get(rid, ())),
                declined_offers=frozenset(declined_offers.get(rid, ())),
                blocked=blocked,
            )
        )
    return Problem(tuple(built), tuple(load_coaches(district)), policy.weights)
