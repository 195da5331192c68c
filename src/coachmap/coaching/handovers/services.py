"""Writes for moving a teacher on from a cycle: a handover to another coach, a referral to other support, the teacher's answer. One transaction each."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coachmap.coaching import access as coaching_access
from coachmap.coaching.bestfit.routing import SUPPORT_TYPE_LABELS, Offer, type_label
from coachmap.coaching.cycles.services import cycle_close
from coachmap.coaching.eligibility import coach_load, eligibility
from coachmap.coaching.handovers.announce import handover_announce
from coachmap.coaching.lighter import services as lighter_services
from coachmap.coaching.models import (
    CoachingCycle,
    CoachingRequest,
    CycleOutcome,
    CycleStatus,
    Handover,
    Referral,
    ReferralStatus,
    RequestStatus,
)
from coachmap.core import access
from coachmap.core.audit import consent_record
from coachmap.core.models import Coach, Teacher
from coachmap.notifications.models import Topic
from coachmap.notifications.services import leads_notify, notification_send


def handover_create(
    *,
    coach: Coach,
    cycle: CoachingCycle,
    reason: str,
    note: str = "",
    to_coach: Coach | None = None,
    support_type: str = "",
) -> Handover:
    """A coach who is not the best fit hands the teacher over to another coach or support type.

    The cycle ends. Handed to a coach, the teacher is proposed that coach and decides, as for any
    proposal; handed to a support type, the next matching round looks for that type first and the
    teacher decides on whom it proposes. The note is for the receiving coach alone.
    """
    access.require(
        coaching_access.may_work_on_cycle(coach.user, cycle), "Only the cycle's coach can hand it over."
    )
    if cycle.status != CycleStatus.ACTIVE:
        raise ValidationError("Only an active cycle can be handed over.")
    if (to_coach is None) == (not support_type):
        raise ValidationError("Hand over to either a coach or a support type.")
    if support_type and support_type not in SUPPORT_TYPE_LABELS:
        raise ValidationError({"support_type": "Choose one of the support types."})
    if to_coach is not None:
        if to_coach.pk == coach.pk:
            raise ValidationError({"to_coach": "Choose another coach."})
        problems = eligibility(to_coach, cycle.request)
        if problems:
            raise ValidationError({"to_coach": problems[0]})
    if not reason.strip():
        raise ValidationError({"reason": "Say why another coach fits better; the teacher reads this."})
    with transaction.atomic():
        if to_coach is not None:
            Coach.objects.select_for_update().get(pk=to_coach.pk)
            problems = eligibility(to_coach, cycle.request, load=coach_load(to_coach))
            if problems:
                raise ValidationError({"to_coach": problems[0]})
        cycle_close(coach=coach, cycle=cycle, outcome=CycleOutcome.HANDED_OVER)
        new_request = CoachingRequest.objects.create(
            teacher=cycle.teacher,
            goal=cycle.goal,
            needs=cycle.request.needs,
            note=f"Handed over by {coach}: {reason.strip()}",
            status=RequestStatus.PROPOSED if to_coach else RequestStatus.OPEN,
            coach=to_coach,
            preferred_type=support_type,
            proposed_by=coach.user if to_coach else None,
            proposed_at=timezone.now() if to_coach else None,
        )
        handover = Handover.objects.create(
            from_cycle=cycle,
            from_coach=coach,
            to_coach=to_coach,
            support_type=to_coach.coach_type if to_coach else support_type,
            new_request=new_request,
            reason=reason.strip(),
            note=note.strip(),
        )
        if to_coach is not None:
            notification_send(
                user=cycle.teacher.user,
                text=f"{coach} suggests {to_coach} as your coach from now on. Accept or decline on your home page.",
                url=reverse("home"),
                topic=Topic.OFFERS,
            )
            handover_announce(handover=handover)
        else:
            notification_send(
                user=cycle.teacher.user,
                text=f"{coach} suggests a {type_label(support_type).lower()} from now on: the coaching team "
                "will propose one, and you decide.",
                url=reverse("home"),
            )
            leads_notify(
                district_id=coach.district_id,
                text=f"{coach} handed {cycle.teacher} over to a {type_label(support_type).lower()}; "
                "the next matching round looks for one first.",
                url=reverse("coaching:referrals"),
            )
    return handover


def cycle_refer(
    *, coach: Coach, cycle: CoachingCycle, reason: str, support_type: str = "", offer: str = ""
) -> Referral:
    """End a cycle because another kind of support fits better now; the teacher decides whether to take it."""
    access.require(
        coaching_access.may_work_on_cycle(coach.user, cycle),
        "Only the cycle's coach can end it with a referral.",
    )
    if bool(support_type) == bool(offer):
        raise ValidationError("Refer to either a support type or a lighter offer.")
    if support_type and support_type not in SUPPORT_TYPE_LABELS:
        raise ValidationError({"support_type": "Choose one of the support types."})
    if offer and offer not in {o.value for o in Offer}:
        raise ValidationError({"offer": "Choose one of the lighter offers."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why this support fits better now; the teacher reads this."})
    with transaction.atomic():
        cycle_close(
            coach=coach,
            cycle=cycle,
            outcome=CycleOutcome.REFERRED,
            referred_to=SUPPORT_TYPE_LABELS.get(support_type, "") or Offer(offer).label,
        )
        referral = Referral(
            teacher=cycle.teacher,
            goal=cycle.goal,
            from_cycle=cycle,
            from_coach=coach,
            support_type=support_type,
            offer=offer,
            reason=reason.strip(),
        )
        referral.full_clean()
        referral.save()
        notification_send(
            user=cycle.teacher.user,
            text=f"{coach} closed your cycle and suggests: {referral.to_label.lower()}. Accept or decline on your home page.",
            url=reverse("home"),
            topic=Topic.OFFERS,
        )
    return referral


def referral_respond(*, teacher: Teacher, referral: Referral, accept: bool) -> Referral:
    """The teacher takes up a referral (a request routed to that support type first) or declines it."""
    access.require(
        coaching_access.may_answer_referral(teacher.user, referral),
        "Only the teacher who was referred can answer.",
    )
    if referral.status != ReferralStatus.WAITING:
        raise ValidationError("This referral has already been answered.")
    with transaction.atomic():
        referral.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
        referral.responded_at = timezone.now()
        if accept and referral.support_type:
            referral.new_request = CoachingRequest.objects.create(
                teacher=teacher,
                goal=referral.goal,
                needs=referral.from_cycle.request.needs if referral.from_cycle else [],
                note=f"Referred: {referral.reason}",
                preferred_type=referral.support_type,
            )
        if accept and referral.offer:
            lighter_services.lighter_support_start(teacher=teacher, kind=referral.offer, goal=referral.goal)
        referral.save(update_fields=["status", "responded_at", "new_request"])
        consent_record(teacher=teacher, obj=referral, accepted=accept)
        leads_notify(
            district_id=teacher.school.district_id,
            text=f"{teacher} {'accepted' if accept else 'declined'} a referral to {referral.to_label.lower()}.",
            url=reverse("coaching:referrals"),
        )
    return referral
