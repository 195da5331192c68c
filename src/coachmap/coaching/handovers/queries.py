"""Reads for handovers and referrals, scoped through `core.access`: what waits for a teacher, the lead's lists, a handover's note for the receiving coach alone."""

from __future__ import annotations

from django.db.models import QuerySet

from coachmap.coaching import access as coaching_access
from coachmap.coaching.models import (
    Handover,
    Referral,
    ReferralStatus,
)
from coachmap.core import access
from coachmap.core.access import AnyUser
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, Teacher


def referrals_waiting_for(teacher: Teacher) -> QuerySet[Referral]:
    return (
        coaching_access.referrals_visible_to(teacher.user)
        .filter(teacher=teacher, status=ReferralStatus.WAITING)
        .select_related("from_coach__user")
    )


def referrals(user: AnyUser) -> QuerySet[Referral]:
    return coaching_access.referrals_visible_to(user).select_related(
        "teacher__user", "teacher__school", "from_coach__user"
    )


def handovers(user: AnyUser) -> QuerySet[Handover]:
    return coaching_access.handovers_visible_to(user).select_related(
        "from_coach__user", "to_coach__user", "new_request__teacher__user"
    )


def handover_note(user: AnyUser, handover: Handover) -> str:
    """The handover note, for the receiving coach only; every read is audited."""
    access.require(
        coaching_access.may_read_handover_note(user, handover), "This note is for the receiving coach only."
    )
    note = Handover.objects.filter(pk=handover.pk).values_list("note", flat=True).get()
    audit_record(
        actor=user,  # type: ignore[arg-type]
        action=AuditAction.NOTES_READ,
        obj=handover,
        district=handover.from_coach.district_id,
        handover=handover.pk,
    )
    return note
