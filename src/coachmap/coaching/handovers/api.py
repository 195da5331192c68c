"""Handovers and referrals through the API (issue 20): a coach hands a teacher over to another coach
or support type, or ends a cycle with a referral; the teacher answers a referral. The same checks
(`coaching.access`) and services (`handovers.services`) as the pages (`handovers.views`).

A handover note is for the receiving coach alone: the API returns it only to them, signed in, and
every read is audited (`handovers.queries.handover_note`); with a token it is always `null`.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from coachmap.coaching import access as coaching_access
from coachmap.coaching.api import ReferralOut
from coachmap.coaching.bestfit import queries as fit_queries
from coachmap.coaching.handovers import queries, services
from coachmap.coaching.models import CoachingCycle, Handover, Referral
from coachmap.core import access
from coachmap.core.access import coach_of, teacher_of
from coachmap.core.inputs import Id, Pages, Text

router = Router(tags=["handovers and referrals"])


class HandoverFields(Schema):
    id: int
    teacher: str
    from_coach: str
    to_coach: str | None
    support_type: str
    reason: str
    new_request_id: int
    created_at: datetime.datetime


class HandoverOut(HandoverFields):
    @staticmethod
    def resolve_teacher(obj: Handover) -> str:
        return str(obj.new_request.teacher)

    @staticmethod
    def resolve_from_coach(obj: Handover) -> str:
        return str(obj.from_coach)

    @staticmethod
    def resolve_to_coach(obj: Handover) -> str | None:
        return str(obj.to_coach) if obj.to_coach_id else None


class HandoverDetailOut(HandoverFields):
    note: str | None = Field(description="Only for the receiving coach, signed in; every read is audited.")


@router.get("/handovers", response=list[HandoverOut])
@paginate(Pages, page_size=50)
def handovers(request: HttpRequest) -> QuerySet[Handover]:
    """Handovers the user may see (both coaches, the program lead), newest first. Never the note."""
    access.require(
        access.may_open(request.user, "coaching:handover"),
        "Handovers are for the coaches concerned and the program lead.",
    )
    return queries.handovers(request.user).order_by("-created_at", "-id")


@router.get("/handovers/{handover_id}", response=HandoverDetailOut)
def handover_detail(request: HttpRequest, handover_id: Id) -> dict[str, Any]:
    """A handover, as on its page; its note only for the receiving coach (audited), never with a token."""
    access.require(
        access.may_open(request.user, "coaching:handover"),
        "Handovers are for the coaches concerned and the program lead.",
    )
    handover = access.fetch(queries.handovers, request.user, pk=handover_id)
    note = (
        queries.handover_note(request.user, handover)
        if coaching_access.may_read_handover_note(request.user, handover)
        else None
    )
    return {
        "id": handover.pk,
        "teacher": str(handover.new_request.teacher),
        "from_coach": str(handover.from_coach),
        "to_coach": str(handover.to_coach) if handover.to_coach_id else None,
        "support_type": handover.support_type,
        "reason": handover.reason,
        "new_request_id": handover.new_request_id,
        "created_at": handover.created_at,
        "note": note,
    }


def _own_active_cycle(request: HttpRequest, cycle_id: int, page: str) -> CoachingCycle:
    access.require(access.may_open(request.user, page), "Only the cycle's coach can do this.")
    cycle = access.fetch(coaching_access.cycles_visible_to, request.user, pk=cycle_id)
    access.require(
        coaching_access.may_work_on_cycle(request.user, cycle), "Only the cycle's coach can do this."
    )
    return cycle


class HandoverIn(Schema):
    to_coach_id: Id | None = Field(None, description="A coach serving the teacher's school with room…")
    support_type: str = Field(
        "", max_length=20, description="…or a support type (the next round finds the coach)."
    )
    reason: Text = Field(..., max_length=1000, description="The teacher reads this.")
    note: Text = Field("", max_length=2000, description="Only the receiving coach reads this.")


@router.post("/cycles/{cycle_id}/handover", response={201: HandoverOut})
def handover_create(request: HttpRequest, cycle_id: Id, payload: HandoverIn) -> Status:
    """Not the best fit: hand the teacher over to another coach (who has room and serves the school)
    or to a support type. The cycle ends; the teacher decides whether to go ahead."""
    cycle = _own_active_cycle(request, cycle_id, "coaching:handover-new")
    coach = coach_of(request.user)
    assert coach is not None  # noqa: S101 - may_work_on_cycle: the cycle's coach
    to_coach = None
    if payload.to_coach_id is not None:
        options = fit_queries.coach_options(request.user, cycle.teacher.school_id, exclude=coach.pk)
        to_coach = next((o.coach for o in options if o.free and o.coach.pk == payload.to_coach_id), None)
        if to_coach is None:
            raise ValidationError(
                {"to_coach_id": "Choose another coach who serves the teacher's school and has room."}
            )
    handover = services.handover_create(
        coach=coach,
        cycle=cycle,
        to_coach=to_coach,
        support_type=payload.support_type,
        reason=payload.reason,
        note=payload.note,
    )
    return Status(201, handover)


class ReferIn(Schema):
    support_type: str = Field("", max_length=20, description="A support type…")
    offer: str = Field("", max_length=20, description="…or a lighter offer.")
    reason: Text = Field(..., max_length=1000, description="The teacher reads this.")


@router.post("/cycles/{cycle_id}/refer", response={201: ReferralOut})
def referral_create(request: HttpRequest, cycle_id: Id, payload: ReferIn) -> Status:
    """End the cycle because another kind of support fits better now; the teacher decides whether
    to take it up."""
    cycle = _own_active_cycle(request, cycle_id, "coaching:cycle-refer")
    coach = coach_of(request.user)
    assert coach is not None  # noqa: S101 - may_work_on_cycle: the cycle's coach
    return Status(
        201,
        services.cycle_refer(
            coach=coach,
            cycle=cycle,
            support_type=payload.support_type,
            offer=payload.offer,
            reason=payload.reason,
        ),
    )


class AcceptIn(Schema):
    accept: bool


@router.post("/referrals/{referral_id}/respond", response=ReferralOut)
def referral_answer(request: HttpRequest, referral_id: Id, payload: AcceptIn) -> Referral:
    """The teacher takes up a referral (`accept: true`: a request routed to that support first, or
    the lighter support begins) or declines it."""
    access.require(
        access.may_open(request.user, "coaching:referral-respond"),
        "Only the teacher who was referred can answer.",
    )
    referral = access.fetch(coaching_access.referrals_visible_to, request.user, pk=referral_id)
    access.require(
        coaching_access.may_answer_referral(request.user, referral),
        "Only the teacher who was referred can answer.",
    )
    teacher = teacher_of(request.user)
    assert teacher is not None  # noqa: S101 - may_answer_referral: the teacher
    return services.referral_respond(teacher=teacher, referral=referral, accept=payload.accept)
