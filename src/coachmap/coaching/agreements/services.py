"""Writes for partnership agreements: write one (a change asks both parties again), acknowledge it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coachmap.coaching import access as coaching_access
from coachmap.coaching.eligibility import coach_serves
from coachmap.coaching.models import (
    PartnershipAgreement,
    ScheduleSetter,
)
from coachmap.core import access
from coachmap.core.models import Coach, School, User

AGREEMENT_TEXT_FIELDS = (
    "who_is_coached",
    "success_looks_like",
    "principal_will_ask",
    "principal_will_not_ask",
)


def agreement_write(
    *,
    actor: User,
    coach: Coach,
    school: School,
    school_year: int,
    who_is_coached: str,
    schedule_set_by: ScheduleSetter | str,
    success_looks_like: str,
    principal_will_ask: str,
    principal_will_not_ask: str,
) -> PartnershipAgreement:
    """The coach or the principal writes (or revises) their agreement for a school year. A change
    after either has acknowledged asks both to acknowledge again."""
    access.require(
        coaching_access.may_write_agreement(actor, coach, school.pk),
        "Only the coach and the school's principal write their agreement.",
    )
    if not coach_serves(coach, school.pk):
        raise ValidationError(
            f"{coach} does not serve {school}; the program lead assigns coaches to schools."
        )
    values = {
        "who_is_coached": who_is_coached.strip(),
        "schedule_set_by": str(schedule_set_by),
        "success_looks_like": success_looks_like.strip(),
        "principal_will_ask": principal_will_ask.strip(),
        "principal_will_not_ask": principal_will_not_ask.strip(),
    }
    with transaction.atomic():
        agreement = (
            PartnershipAgreement.objects.select_for_update()
            .filter(coach=coach, school=school, school_year=school_year)
            .first()
        ) or PartnershipAgreement(coach=coach, school=school, school_year=school_year)
        changed = agreement.pk is None or any(getattr(agreement, k) != v for k, v in values.items())
        for key, value in values.items():
            setattr(agreement, key, value)
        if changed:
            agreement.coach_acknowledged_at = None
            agreement.principal_acknowledged_at = None
            agreement.principal_acknowledged_by = None
        agreement.full_clean()
        agreement.save()
    return agreement


def agreement_acknowledge(*, actor: User, agreement: PartnershipAgreement) -> PartnershipAgreement:
    """The coach or the principal acknowledges the agreement as it stands."""
    access.require(
        coaching_access.may_change_agreement(actor, agreement),
        "Only the coach and the school's principal acknowledge it.",
    )
    now = timezone.now()
    with transaction.atomic():
        if actor.pk == agreement.coach.user_id:
            agreement.coach_acknowledged_at = now
        if access.leads_school(actor, agreement.school_id):
            agreement.principal_acknowledged_at = now
            agreement.principal_acknowledged_by = actor
        agreement.save(
            update_fields=[
                "coach_acknowledged_at",
                "principal_acknowledged_at",
                "principal_acknowledged_by",
                "updated_at",
            ]
        )
    return agreement
