"""Reads for goals and requests (coaches with their load, requests waiting), already scoped to what the asking user may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from coachmap.coaching import access as coaching_access
from coachmap.coaching.bestfit.routing import offer_label
from coachmap.coaching.eligibility import with_load
from coachmap.coaching.lighter import queries as lighter_queries
from coachmap.coaching.models import (
    CoachingCycle,
    CoachingRequest,
    CycleStatus,
    MatchProposal,
    ProposalKind,
    ProposalStatus,
    RequestStatus,
)
from coachmap.coaching.requests.status import StatusWords, request_status_words
from coachmap.core import access
from coachmap.core.access import AnyUser
from coachmap.core.models import Coach, Teacher


@dataclass(frozen=True)
class CoachLoad:
    coach: Coach
    load: int

    @property
    def share(self) -> float:
        """How full the coach is; a coach with no capacity (set outside the form) is full, not a crash."""
        return self.load / self.coach.capacity if self.coach.capacity else float("inf")


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


def offers_waiting_on(user: AnyUser, request_ids: list[int]) -> dict[int, str]:
    """The lighter offer each request waits on the teacher's answer for (request id → offer label)."""
    rows = coaching_access.proposals_visible_to(user).filter(
        request_id__in=request_ids, kind=ProposalKind.OFFER, status=ProposalStatus.SENT
    )
    return {request_id: offer_label(offer) for request_id, offer in rows.values_list("request_id", "offer")}


def teacher_requests(
    user: AnyUser,
    teacher: Teacher,
    *,
    include_done: bool = False,
    supports: list[lighter_queries.SupportView] | None = None,
) -> list[CoachingRequest]:
    """The teacher's requests, each with `status_words` (what it means and what happens next).

    Without `include_done`, only the requests still on their way to a cycle (a request that became a
    cycle is shown as the cycle). `supports`: the teacher's lighter supports, when the page has read
    them already (`lighter_queries.teacher_supports`), so they are not read twice."""
    requests = (
        coaching_access.requests_visible_to(user)
        .filter(teacher=teacher)
        .select_related("coach__user", "goal")
    )
    if not include_done:
        requests = requests.exclude(status__in=[RequestStatus.WITHDRAWN, RequestStatus.IN_CYCLE])
    rows = list(requests.order_by("-created_at", "-id"))
    cycle = (
        CoachingCycle.objects.filter(teacher=teacher, status=CycleStatus.ACTIVE)
        .select_related("coach__user", "request")
        .first()
    )
    offers: dict[int, str] = {}
    for request_id, offer in MatchProposal.objects.filter(
        request__in=[r.pk for r in rows],
        kind=ProposalKind.OFFER,
        status__in=[ProposalStatus.SENT, ProposalStatus.ACCEPTED],
    ).values_list("request_id", "offer"):
        offers[request_id] = offer_label(offer)
    if supports is None:
        supports = lighter_queries.teacher_supports(user, teacher, timezone.localdate())
    support_of = {s.support.request_id: s for s in supports if s.support.request_id is not None}
    for r in rows:
        in_other_cycle = cycle is not None and cycle.request_id != r.pk
        r.status_words = request_status_words(  # type: ignore[attr-defined]
            r.status,
            coach=str(r.coach) if r.coach else "",
            cycle_coach=str(cycle.coach) if cycle is not None and in_other_cycle else "",
            offer=offers.get(r.pk, ""),
        )
        support = support_of.get(r.pk)
        if r.status == RequestStatus.REFERRED and support is not None:
            # The support taken up has its own life: its words say what happens next.
            r.status_words = StatusWords(support.words.label, support.words.next)  # type: ignore[attr-defined]
    return rows


def active_cycle_of(teacher: Teacher) -> CoachingCycle | None:
    """The cycle the teacher is in now, if any: a new request waits until it ends."""
    return (
        CoachingCycle.objects.filter(teacher=teacher, status=CycleStatus.ACTIVE)
        .select_related("coach__user", "goal")
        .first()
    )
