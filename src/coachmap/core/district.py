"""Writes to a district's settings and to who holds which role in it. Each is one transaction,
audited; callers import them from `core.services` as before."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from coachmap.core import access
from coachmap.core.audit import audit_record
from coachmap.core.models import (
    AuditAction,
    District,
    Membership,
    Role,
    School,
    User,
)

# Which coaching-related time-log categories count as coaching time (docs/time-log.md).
TIME_COUNT_FIELDS = ("time_counts_plc", "time_counts_committee", "time_counts_learning")


def district_settings_update(
    *,
    actor: User,
    district: District,
    min_group_size: int,
    coaching_time_target: int,
    state_id: str | None = None,
    rate_coding: bool | None = None,
    source_id: str | None = None,
    time_zone: str | None = None,
    state: str | None = None,
    import_hold_percent: int | None = None,
    retention_years: int | bool | None = False,
    time_counts: dict[str, bool] | None = None,
) -> District:
    """Change the district's settings; the audit row holds the values before and after.

    A minimum group size below `core.group_size.FLOOR` is refused (the model's validator); one
    below `WARN_BELOW` is allowed, and callers show `group_size.warning` to the person who chose it.
    A text setting left as None keeps its value; `retention_years` left out (False) keeps its value
    and None means "keep everything".
    """
    access.require(
        access.may_change_district(actor, district.pk),
        "Only a district admin can change settings.",
    )
    texts = {"state_id": state_id, "source_id": source_id, "time_zone": time_zone, "state": state}
    counts = {k: v for k, v in (time_counts or {}).items() if k in TIME_COUNT_FIELDS}
    fields = [
        "min_group_size",
        "rate_coding",
        "coaching_time_target",
        "import_hold_percent",
        "retention_years",
        *TIME_COUNT_FIELDS,
        *texts,
    ]
    with transaction.atomic():
        # What is stored, not what the caller's instance says: a bound ModelForm has already
        # written the new values onto it, and the audit must show the real change.
        before = District.objects.select_for_update().filter(pk=district.pk).values(*fields).get()
        district.min_group_size = min_group_size
        district.coaching_time_target = coaching_time_target
        for field, value in texts.items():
            setattr(district, field, before[field] if value is None else value.strip())
        if rate_coding is not None:
            district.rate_coding = rate_coding
        if import_hold_percent is not None:
            district.import_hold_percent = import_hold_percent
        if retention_years is not False:  # None is a choice here: keep everything
            district.retention_years = retention_years
        for field, on in counts.items():
            setattr(district, field, bool(on))
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
            access.may_change_district(actor, district.pk),
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
                subject=user,
                user=user.username,
                role=role.value,
                school=school.pk if school else None,
                change="grant",
            )
    access.forget_grants(user)
    return membership


def membership_revoke(*, actor: User, membership: Membership) -> None:
    access.require(
        access.may_change_district(actor, membership.district_id),
        "Only a district admin can change roles.",
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.ROLE_CHANGE,
            obj=membership,
            district=membership.district_id,
            subject=membership.user,
            user=membership.user.username,
            role=membership.role,
            change="revoke",
        )
        membership.delete()
    access.forget_grants(membership.user)
