"""The audit trail: reading confidential content, exporting data and changing roles leave a record."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from coachmap.core.models import AuditAction, AuditEvent, District, User


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    obj: Model | None = None,
    district: District | int | None = None,
    **detail: Any,
) -> AuditEvent:
    district_id = district.pk if isinstance(district, District) else district
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        district_id=district_id,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail,
    )
