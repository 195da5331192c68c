"""Writes to districts, schools, people and roles. Each is one transaction; role changes are audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from coachmap.core import access
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, District, Membership, Role, School, User


def district_settings_update(
    *,
    actor: User,
    district: District,
    min_group_size: int,
    coaching_time_target: int,
    state_id: str | None = None,
    rate_coding: bool | None = None,
) -> District:
    access.require(
        district.pk in access.district_ids(actor, Role.DISTRICT_ADMIN),
        "Only a district admin can change settings.",
    )
    state_id = district.state_id if state_id is None else state_id.strip()
    fields = ["min_group_size", "rate_coding", "coaching_time_target", "state_id"]
    before = {f: getattr(district, f) for f in fields}
    with transaction.atomic():
        district.min_group_size = min_group_size
        district.coaching_time_target = coaching_time_target
        district.state_id = state_id
        if rate_coding is not None:
            district.rate_coding = rate_coding
        district.full_clean()
        district.save(update_fields=fields)
        audit_record(
            actor=actor,
            action=AuditAction.SETTINGS_CHANGE,
            obj=district,
            district=district,
            before=before,
            after={f: getattr(district, f) for f in fields},
        )
    return district


def membership_grant(
    *, actor: User | None, user: User, district: District, role: Role, school: School | None = None
) -> Membership:
    """Give a user a role. `actor` is None only for set-up commands run by the operator."""
    if actor is not None:
        access.require(
            district.pk in access.district_ids(actor, Role.DISTRICT_ADMIN),
            "Only a district admin can change roles.",
        )
    if role.is_school_role and school is None:
        raise ValidationError(f"A {role.label.lower()} belongs to a school: choose one.")
    if not role.is_school_role:
        school = None
    if school is not None and school.district_id != district.pk:
        raise ValidationError(f"{school} is not in {district}.")
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, district=district, school=school, role=role
        )
        if created:
            audit_record(
                actor=actor,
                action=AuditAction.ROLE_CHANGE,
                obj=membership,
                district=district,
                user=user.username,
                role=role.value,
                school=school.pk if school else None,
                change="grant",
            )
    access.forget_grants(user)
    return membership


def membership_revoke(*, actor: User, membership: Membership) -> None:
    access.require(
        membership.district_id in access.district_ids(actor, Role.DISTRICT_ADMIN),
        "Only a district admin can change roles.",
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.ROLE_CHANGE,
            obj=membership,
            district=membership.district_id,
            user=membership.user.username,
            role=membership.role,
            change="revoke",
        )
        membership.delete()
    access.forget_grants(membership.user)
