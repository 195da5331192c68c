from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Form, Router, Schema

from coachmap.coaching import access as coaching_access
from coachmap.coaching.bestfit import queries as fit_queries
from coachmap.coaching.bestfit import rounds as matching_rounds
from coachmap.coaching.handovers import queries as handover_queries
from coachmap.coaching.models import MatchingRound, MatchProposal, ProposalKind, Referral
from coachmap.coaching.requests import services as request_services
from coachmap.core import access, tokens
from coachmap.core.inputs import Id

router = Router(tags=["coaching"])


# A cycle's reads and writes live in `coaching/cycles/api.py`.


# --- best fit and matching -------------------------------------------------------------------------


class PlacementOut(Schema):
    teacher_id: int
    teacher: str
    school: str
    quadrant: str
    experience_axis: float
    confidence_axis: float
    needs: list[str]
    availability: list[str]
    preferred_coach_id: int | None
    language: str
    answers: dict[str, int] | None  # only for the teacher and their coaches


@router.get("/intakes", response=list[PlacementOut])
def intakes(request: HttpRequest) -> list[dict[str, Any]]:
    """Intakes the user may see: their own, their coachees', or (program lead) every placement for routing.
    Self-assessment answers are null for the program lead."""
    rows = coaching_access.intakes_visible_to(request.user).select_related(
        "teacher__user", "teacher__school"
    )[:500]
    return [
        {
            "teacher_id": i.teacher_id,
            "teacher": str(i.teacher),
            "school": i.teacher.school.name,
            "quadrant": i.quadrant,
            "experience_axis": i.experience_axis,
            "confidence_axis": i.confidence_axis,
            "needs": i.needs,
            "availability": i.availability,
            "preferred_coach_id": i.preferred_coach_id,
            "language": i.language,
            "answers": i.confidence_answers
            if coaching_access.may_read_intake_answers(request.user, i)
            else None,
        }
        for i in rows
    ]


class PolicyOut(Schema):
    district_id: int
    experience_threshold: float
    adoption_discount: float
    confidence_threshold: float
    weights: dict[str, int]
    routes: dict[str, dict[str, list[str]]]


@router.get("/routing-policy", response=list[PolicyOut])
def routing_policy(request: HttpRequest) -> list[dict[str, Any]]:
    """The routing policy of the user's district (coaches, program lead, district admin)."""
    return [
        {"district_id": p.district_id, **p.snapshot()}
        for p in coaching_access.routing_policies_visible_to(request.user)
    ]


class RoundOut(Schema):
    id: int
    status: str
    run_at: datetime.datetime
    figures: dict[str, Any]
    settings_used: dict[str, Any]


class ProposalOut(Schema):
    id: int
    round_id: int
    request_id: int
    teacher: str
    kind: str
    status: str
    coach_id: int | None
    coach: str | None
    support_type: str
    offer: str
    score: float | None
    explanation: dict[str, Any]


def _proposal(p: MatchProposal) -> dict[str, Any]:
    return {
        "id": p.pk,
        "round_id": p.round_id,
        "request_id": p.request_id,
        "teacher": str(p.teacher),
        "kind": p.kind,
        "status": p.status,
        "coach_id": p.coach_id,
        "coach": str(p.coach) if p.coach else None,
        "support_type": p.support_type,
        "offer": p.offer,
        "score": None if p.score is None else p.score / 10,
        "explanation": p.explanation,
    }


def _require_lead(request: HttpRequest) -> None:
    access.require(
        access.may_open(request.user, "coaching:rounds"), "Matching rounds are for the program lead."
    )


@router.get("/matching/rounds", response=list[RoundOut])
def rounds(request: HttpRequest) -> list[MatchingRound]:
    _require_lead(request)
    return list(fit_queries.rounds(request.user)[:50])


@router.post("/matching/rounds", response=RoundOut)
def round_run(request: HttpRequest) -> MatchingRound:
    """Run a round for the lead's district: a draft to review, edit and confirm."""
    _require_lead(request)
    district = fit_queries.lead_district(request.user)
    assert district is not None  # noqa: S101 - the role guarantees one
    return matching_rounds.round_run(actor=request.user, district=district)  # type: ignore[arg-type]


class RoundDetailOut(RoundOut):
    proposals: list[ProposalOut]


@router.get("/matching/rounds/{round_id}", response=RoundDetailOut)
def round_detail(request: HttpRequest, round_id: Id) -> dict[str, Any]:
    """A round with every proposal and its explanation."""
    matching_round = access.fetch(coaching_access.rounds_visible_to, request.user, pk=round_id)
    proposals = fit_queries.round_proposals(request.user, matching_round)
    return {
        "id": matching_round.pk,
        "status": matching_round.status,
        "run_at": matching_round.run_at,
        "figures": matching_round.figures,
        "settings_used": matching_round.settings_used,
        "proposals": [_proposal(p) for p in proposals],
    }


@router.post("/matching/rounds/{round_id}/confirm", response=RoundOut)
def round_confirm(request: HttpRequest, round_id: Id) -> MatchingRound:
    matching_round = access.fetch(coaching_access.rounds_visible_to, request.user, pk=round_id)
    return matching_rounds.round_confirm(actor=request.user, matching_round=matching_round)  # type: ignore[arg-type]


@router.get("/proposals", response=list[ProposalOut])
def proposals(request: HttpRequest) -> list[dict[str, Any]]:
    """Proposals the user may see: the teacher's and the proposed coach's once confirmed; the lead's all."""
    rows = (
        coaching_access.proposals_visible_to(request.user)
        .select_related("teacher__user", "coach__user")
        .order_by("-id")
    )
    return [_proposal(p) for p in rows[:500]]


@router.post("/proposals/{proposal_id}/respond", response=ProposalOut)
def proposal_respond(request: HttpRequest, proposal_id: Id, accept: Form[bool]) -> dict[str, Any]:
    """The teacher accepts or declines a proposed coach or a lighter offer."""
    proposal = access.fetch(coaching_access.proposals_visible_to, request.user, pk=proposal_id)
    access.require(
        coaching_access.may_answer_proposal(request.user, proposal),
        "Only the teacher it was proposed to can answer.",
    )
    teacher = proposal.teacher
    if proposal.kind == ProposalKind.COACH:
        request_services.request_respond(teacher=teacher, request=proposal.request, accept=accept)
    else:
        matching_rounds.offer_respond(teacher=teacher, proposal=proposal, accept=accept)
    proposal.refresh_from_db()
    return _proposal(proposal)


class ReferralOut(Schema):
    id: int
    teacher: str
    to: str
    reason: str
    status: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_teacher(obj: Referral) -> str:
        return str(obj.teacher)

    @staticmethod
    def resolve_to(obj: Referral) -> str:
        return obj.to_label


@router.get("/referrals", response=list[ReferralOut])
def referrals(request: HttpRequest) -> list[Referral]:
    return list(handover_queries.referrals(request.user)[:500])


class QuadrantRowOut(Schema):
    school: str
    counts: dict[str, int | None]
    total: int | None


class QuadrantsOut(Schema):
    min_group_size: int
    rows: list[QuadrantRowOut]
    totals: dict[str, int | None] | None
    grand_total: int | None


@router.get("/quadrants", response=QuadrantsOut)
@tokens.service(tokens.Scope.READ_AGGREGATES)
def quadrants(request: HttpRequest) -> dict[str, Any]:
    """Teachers per school × quadrant; suppressed figures are null."""
    access.require(
        access.may_open(request.user, "coaching:quadrants"),
        "Quadrant counts are for principals, the program lead and the district.",
    )
    table = fit_queries.quadrant_distribution(request.user)
    keys = [q.value for q in table.quadrants]
    return {
        "min_group_size": table.min_size,
        "rows": [
            {"school": r.school.name, "counts": dict(zip(keys, r.cells, strict=True)), "total": r.total}
            for r in table.rows
        ],
        "totals": None if table.totals is None else dict(zip(keys, table.totals, strict=True)),
        "grand_total": table.grand_total,
    }
