"""Writes for partnership agreements: write one (a change asks both parties again), acknowledge it."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coachmap.coaching import access as coaching_access
from coachmap.coaching.agreements.figures import FIGURES, school_figures
from coachmap.coaching.eligibility import coach_serves
from coachmap.coaching.models import (
    PartnershipAgreement,
    PrincipalCheckIn,
    ScheduleSetter,
)
from coachmap.core import access
from coachmap.core.models import Coach, Role, School, User
from coachmap.core.schoolyear import school_year_bounds, school_year_of
from coachmap.notifications.services import users_notify

AGREEMENT_TEXT_FIELDS = (
    "who_is_coached",
    "success_looks_like",
    "principal_will_ask",
    "principal_will_not_ask",
    "data_collected",
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
    data_collected: str = "",
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
        "data_collected": data_collected.strip(),
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


# --- principal–coach check-ins (issue 16, part 8) ---------------------------------------------------


def checkin_schedule(
    *,
    actor: User,
    coach: Coach,
    school: School,
    date: datetime.date,
    figure_keys: list[str],
    today: datetime.date | None = None,
) -> PrincipalCheckIn:
    """The coach or the principal schedules a check-in and chooses the school figures to review."""
    access.require(
        coaching_access.may_write_checkin(actor, coach, school.pk),
        "Only the coach and the school's principal schedule their check-ins.",
    )
    if not coach_serves(coach, school.pk):
        raise ValidationError({"coach": f"{coach} does not serve {school}."})
    today = today or timezone.localdate()
    start, end = school_year_bounds(school_year_of(today))
    if not start <= date <= end:
        raise ValidationError({"date": "Choose a day in this school year."})
    unknown = [k for k in figure_keys if k not in FIGURES]
    if unknown or not figure_keys:
        raise ValidationError({"figure_keys": "Choose one or more of the school's figures to review."})
    with transaction.atomic():
        checkin = PrincipalCheckIn(
            coach=coach, school=school, date=date, figure_keys=list(figure_keys), scheduled_by=actor
        )
        checkin.full_clean()
        checkin.save()
        principals = list(
            User.objects.filter(memberships__school=school, memberships__role=Role.PRINCIPAL).distinct()
        )
        others = [u for u in [coach.user, *principals] if u.pk != actor.pk]
        users_notify(
            users=others,
            text=f"Check-in about coaching at {school} scheduled for {date:%A %B %-d}.",
            url=reverse("coaching:principal-checkin", kwargs={"checkin_id": checkin.pk}),
        )
    return checkin


def checkin_record(
    *, actor: User, checkin: PrincipalCheckIn, notes: str, today: datetime.date | None = None
) -> PrincipalCheckIn:
    """After the meeting, the coach or the principal records its notes; the chosen figures are kept
    as they stood then, so the notes and the data they discussed stay together."""
    access.require(
        coaching_access.may_write_checkin(actor, checkin.coach, checkin.school_id),
        "Only the coach and the school's principal write the check-in's notes.",
    )
    today = today or timezone.localdate()
    if checkin.date > today:
        raise ValidationError({"notes": f"Write the notes after the meeting on {checkin.date:%B %-d}."})
    if not notes.strip():
        raise ValidationError({"notes": "Write what you agreed, in a few words."})
    with transaction.atomic():
        checkin.notes = notes.strip()
        checkin.notes_by = actor
        checkin.held_at = checkin.held_at or timezone.now()
        if not checkin.figures:
            checkin.figures = school_figures(checkin.coach, checkin.school, checkin.figure_keys, checkin.date)
        checkin.save(update_fields=["notes", "notes_by", "held_at", "figures"])
    return checkin
