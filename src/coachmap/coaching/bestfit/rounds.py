"""Writes for matching rounds: run a round, edit and confirm it, answer an offer. Handovers and
referrals are in `coaching.handovers`.

Nothing here opens a cycle: a proposal becomes a cycle only through `cycle_open`, after the
teacher has accepted (`request_respond`).
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coachmap.coaching import access as coaching_access
from coachmap.coaching.bestfit.matching import explain
from coachmap.coaching.bestfit.matching.load import load_problem
from coachmap.coaching.bestfit.matching.model import fit
from coachmap.coaching.bestfit.matching.plan import plan_round
from coachmap.coaching.bestfit.routing import Offer, offer_label, type_label
from coachmap.coaching.bestfit.services import policy_ensure
from coachmap.coaching.eligibility import coach_loads, eligibility
from coachmap.coaching.lighter import services as lighter_services
from coachmap.coaching.models import (
    CoachingRequest,
    MatchingRound,
    MatchProposal,
    ProposalKind,
    ProposalStatus,
    RequestStatus,
    RoundStatus,
)
from coachmap.core import access
from coachmap.core.audit import consent_record
from coachmap.core.models import Coach, District, Teacher, User
from coachmap.notifications.models import Topic
from coachmap.notifications.services import leads_notify, notification_send


def _require_lead(actor: User, district_id: int) -> None:
    access.require(
        coaching_access.may_run_matching(actor, district_id), "Only the program lead runs matching."
    )


def round_run(*, actor: User, district: District) -> MatchingRound:
    """Match every waiting request in the district at once; the result is a draft for the program lead.

    An earlier draft is discarded: there is one draft at a time, and it reflects the data now.
    """
    _require_lead(actor, district.pk)
    started = time.perf_counter()
    policy = policy_ensure(district=district)
    with transaction.atomic():
        problem = load_problem(district, policy)
        built = time.perf_counter()
        plan = plan_round(problem)
        planned = time.perf_counter()
        drafts = MatchingRound.objects.filter(district=district, status=RoundStatus.DRAFT)
        MatchProposal.objects.filter(round__in=drafts).update(status=ProposalStatus.DISCARDED)
        drafts.update(status=RoundStatus.DISCARDED)
        teacher_of = {r.id: r.teacher_id for r in problem.requests}
        types = Counter(m.support_type for m in plan.matches)
        matching_round = MatchingRound.objects.create(
            district=district,
            run_by=actor,
            settings_used=policy.snapshot(),
            figures={
                "requests": len(problem.requests),
                "matched": len(plan.matches),
                "offered": sum(1 for u in plan.unmatched if u.offer),
                "nothing": sum(1 for u in plan.unmatched if not u.offer),
                "total_fit": plan.total,
                "steps": plan.steps,
                "by_type": dict(sorted(types.items())),
                "coaches": len(problem.coaches),
            },
        )
        proposals = [
            MatchProposal(
                round=matching_round,
                request_id=m.request_id,
                teacher_id=teacher_of[m.request_id],
                kind=ProposalKind.COACH,
                coach_id=m.coach_id,
                support_type=m.support_type,
                score=m.score,
                explanation=m.explanation,
            )
            for m in plan.matches
        ] + [
            MatchProposal(
                round=matching_round,
                request_id=u.request_id,
                teacher_id=teacher_of[u.request_id],
                kind=ProposalKind.OFFER if u.offer else ProposalKind.NONE,
                offer=u.offer,
                explanation=u.explanation,
            )
            for u in plan.unmatched
        ]
        MatchProposal.objects.bulk_create(proposals, batch_size=2000)
        matching_round.figures |= {
            "seconds_build": round(built - started, 3),
            "seconds_solve": round(plan.solve_seconds, 3),
            "seconds_plan": round(planned - built, 3),
            "seconds_total": round(time.perf_counter() - started, 3),
        }
        matching_round.save(update_fields=["figures"])
    return matching_round


def _round_load(matching_round: MatchingRound, coach_id: int, *, excluding: int | None = None) -> int:
    """Places a coach already holds plus the places this draft round gives them."""
    in_round = MatchProposal.objects.filter(
        round=matching_round, coach_id=coach_id, kind=ProposalKind.COACH, status=ProposalStatus.DRAFT
    )
    if excluding is not None:
        in_round = in_round.exclude(pk=excluding)
    return coach_loads(matching_round.district).get(coach_id, 0) + in_round.count()


def proposal_edit(
    *, actor: User, proposal: MatchProposal, coach: Coach | None = None, offer: str = "", reason: str
) -> MatchProposal:
    """The program lead changes a draft proposal to another coach or to a lighter offer, with a reason."""
    matching_round = proposal.round
    _require_lead(actor, matching_round.district_id)
    if matching_round.status != RoundStatus.DRAFT or proposal.status != ProposalStatus.DRAFT:
        raise ValidationError("This round is no longer a draft; run a new round to change it.")
    if not reason.strip():
        raise ValidationError(
            {"reason": "Say why you change the solver's proposal; teachers never see this."}
        )
    if (coach is None) == (not offer):
        raise ValidationError("Choose either a coach or a lighter offer.")
    request = proposal.request
    if offer and offer not in {o.value for o in Offer}:
        raise ValidationError({"offer": "Choose one of the lighter offers."})
    policy = policy_ensure(district=matching_round.district)
    explanation: dict[str, Any]
    with transaction.atomic():
        if coach is not None:
            problems = eligibility(coach, request)
            if problems:
                raise ValidationError({"coach": problems[0]})
            Coach.objects.select_for_update().get(pk=coach.pk)
            if _round_load(matching_round, coach.pk, excluding=proposal.pk) >= coach.capacity:
                raise ValidationError({"coach": f"{coach} has no free place left in this round."})
            problem = load_problem(matching_round.district, policy, [request.pk])
            if not problem.requests:
                raise ValidationError("This request is no longer waiting for a coach.")
            r = problem.requests[0]
            if coach.pk in r.excluded_coaches:
                raise ValidationError(
                    {"coach": f"The teacher declined {coach} or is leaving them; choose someone else."}
                )
            c = next(c for c in problem.coaches if c.id == coach.pk)
            f = fit(r, c, problem.weights)
            explanation = explain.match_explanation(r, c, c.type, 0, f=f, trail=[], alternative=None)
            explanation["route"] = f"{type_label(c.type)}: chosen by the program lead."
            explanation["no_alternative"] = ""
            proposal.kind, proposal.coach, proposal.offer = ProposalKind.COACH, coach, ""
            proposal.support_type, proposal.score = coach.coach_type, f.score
        else:
            explanation = {
                "score": None,
                "parts": [],
                "trail": [],
                "offer": offer,
                "instead": f"Offered instead: {offer_label(offer).lower()}, chosen by the program lead.",
            }
            proposal.kind, proposal.coach, proposal.offer = ProposalKind.OFFER, None, offer
            proposal.support_type, proposal.score = "", None
        explanation["solver"] = proposal.explanation.get("solver", proposal.explanation)
        proposal.explanation = explanation
        proposal.edited_by = actor
        proposal.edit_reason = reason.strip()
        proposal.full_clean()
        proposal.save()
    return proposal


def round_confirm(*, actor: User, matching_round: MatchingRound) -> MatchingRound:
    """The program lead confirms a draft: teachers see their proposal and decide; coaches' places are held."""
    _require_lead(actor, matching_round.district_id)
    if matching_round.status != RoundStatus.DRAFT:
        raise ValidationError("Only a draft round can be confirmed.")
    now = timezone.now()
    with transaction.atomic():
        proposals = list(
            matching_round.proposals.filter(status=ProposalStatus.DRAFT).select_related(
                "request", "coach__user", "teacher__user"
            )
        )
        wanted: Counter[int] = Counter(
            p.coach_id for p in proposals if p.kind == ProposalKind.COACH and p.coach_id is not None
        )
        list(Coach.objects.select_for_update().filter(pk__in=list(wanted)).values_list("pk"))
        loads = coach_loads(matching_round.district)
        capacity = dict(Coach.objects.filter(pk__in=list(wanted)).values_list("pk", "capacity"))
        problems = [
            f"{Coach.objects.get(pk=cid)} has {capacity[cid] - loads.get(cid, 0)} free places but this round gives them {n}."
            for cid, n in wanted.items()
            if loads.get(cid, 0) + n > capacity[cid]
        ]
        stale = [p for p in proposals if p.request.status not in (RequestStatus.OPEN, RequestStatus.DECLINED)]
        problems += [
            f"{p.teacher}'s request is no longer waiting ({p.request.get_status_display().lower()})."
            for p in stale
        ]
        if problems:
            raise ValidationError([*problems, "Run a new round: things changed since this one ran."])
        for p in proposals:
            if p.kind == ProposalKind.COACH:
                request = p.request
                request.coach = p.coach
                request.status = RequestStatus.PROPOSED
                request.proposed_by = actor
                request.proposed_at = now
                request.responded_at = None
                request.save(update_fields=["coach", "status", "proposed_by", "proposed_at", "responded_at"])
                p.status = ProposalStatus.SENT
                notification_send(
                    user=p.teacher.user,
                    text=f"The coaching team proposes {p.coach} as your coach. Accept or decline on your home page.",
                    url=reverse("home"),
                    topic=Topic.OFFERS,
                )
            elif p.kind == ProposalKind.OFFER:
                p.status = ProposalStatus.SENT
                notification_send(
                    user=p.teacher.user,
                    text=f"The coaching team offers you: {offer_label(p.offer).lower()}. Accept or decline on your home page.",
                    url=reverse("home"),
                    topic=Topic.OFFERS,
                )
            else:
                p.status = ProposalStatus.DISCARDED
        MatchProposal.objects.bulk_update(proposals, ["status"])
        matching_round.status = RoundStatus.CONFIRMED
        matching_round.confirmed_by = actor
        matching_round.confirmed_at = now
        matching_round.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    return matching_round


def offer_respond(*, teacher: Teacher, proposal: MatchProposal, accept: bool) -> MatchProposal:
    """The teacher takes up or turns down a lighter offer. Taking it up closes the request for a
    coach and begins the support itself (`lighter.services.lighter_support_start`)."""
    if proposal.teacher_id != teacher.pk:
        raise ValidationError("Only the teacher it was offered to can answer.")
    if proposal.kind != ProposalKind.OFFER or proposal.status != ProposalStatus.SENT:
        raise ValidationError("There is no offer waiting for your answer here.")
    with transaction.atomic():
        proposal.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED
        proposal.responded_at = timezone.now()
        proposal.save(update_fields=["status", "responded_at"])
        if accept:
            CoachingRequest.objects.filter(pk=proposal.request_id).update(status=RequestStatus.REFERRED)
            # The offer taken up gets its own record and life (docs/lighter-supports.md).
            lighter_services.lighter_support_start(
                teacher=teacher, kind=proposal.offer, request=proposal.request
            )
        consent_record(teacher=teacher, obj=proposal, accepted=accept, offer=proposal.offer)
        leads_notify(
            district_id=teacher.school.district_id,
            text=f"{teacher} {'took up' if accept else 'declined'} the offer: {offer_label(proposal.offer).lower()}.",
            url=reverse("coaching:referrals"),
        )
    return proposal
