"""The audit trail: reading confidential content, exporting data and changing roles leave a record.

Who reads it is decided in `core.access`: the acts that say who takes coaching or whose notes
were read (`AuditAction.is_confidential`) are listed only to the teacher concerned (who read my
notes); the district admin sees them as counts. Changes to a person's account are shown to them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from coachmap.core.models import AuditAction, AuditEvent, District, Teacher, User


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    obj: Model | None = None,
    district: District | int | None = None,
    subject: User | None = None,
    **detail: Any,
) -> AuditEvent:
    """One audit row. `subject` is the person whose account the act changed: they are shown it
    on their next sign-in (`core.queries.account_changes`)."""
    district_id = district.pk if isinstance(district, District) else district
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        district_id=district_id,
        subject=subject,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail,
    )


def consent_record(*, teacher: Teacher, obj: Model, accepted: bool, **detail: Any) -> AuditEvent:
    """A teacher's answer to being offered coaching or support: coaching is voluntary, so every
    answer (yes or no) is audited, as a confidential act (`AuditAction.is_confidential`)."""
    return audit_record(
        actor=teacher.user,
        action=AuditAction.CONSENT,
        obj=obj,
        district=teacher.school.district_id,
        accepted=accepted,
        **detail,
    )
