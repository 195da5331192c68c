"""Reads of people's accounts and of the audit trail, already scoped by `core.access`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncMonth

from coachmap.core import access, privacy
from coachmap.core.access import AnyUser
from coachmap.core.models import AuditAction, AuditEvent, District, Role, School, User

# --- what changed on my account ------------------------------------------------------------------


@dataclass(frozen=True)
class AccountChange:
    what: str
    by: str
    at: datetime.datetime


def _role_change(detail: dict[str, Any], schools: dict[int, str]) -> str:
    role = Role(detail["role"]).label if detail.get("role") in Role.values else "a"
    where = f" at {schools[detail['school']]}" if detail.get("school") in schools else ""
    if detail.get("change") == "revoke":
        return f"Your {role.lower()} role{where} was removed."
    return f"You were given the {role.lower()} role{where}."


_FIELD_LABELS = {
    "first_name": "first name",
    "last_name": "last name",
    "email": "email address",
    "school": "school",
    "years_experience": "years of experience",
    "grades": "grades taught",
    "subjects": "subjects",
    "coach_type": "kind of coaching",
    "schools": "list of schools served",
    "capacity": "capacity (most coaching cycles at once)",
}


def _shown(value: Any) -> str:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return str(value) if value not in ("", None) else "blank"


def _account_change(detail: dict[str, Any]) -> str:
    parts = []
    for field, (before, after) in detail.get("changes", {}).items():
        if field == "is_active":
            parts.append("Your account was switched on." if after else "Your account was switched off.")
        else:
            label = _FIELD_LABELS.get(field, field.replace("_", " "))
            parts.append(f"Your {label} was changed from “{_shown(before)}” to “{_shown(after)}”.")
    return " ".join(parts) or "Your account was changed."


def describe_account_change(event: AuditEvent, schools: dict[int, str]) -> str:
    """One audit row about a person's account, in words for that person."""
    action = AuditAction(event.action)
    if action is AuditAction.ROLE_CHANGE:
        return _role_change(event.detail, schools)
    if action is AuditAction.ACCOUNT_CREATE:
        return "Your coachmap account was created."
    if action is AuditAction.PASSWORD_LINK:
        return "A link to set your password was sent to your email address."
    return _account_change(event.detail)


def account_changes(user: User) -> tuple[list[AccountChange], AuditEvent | None]:
    """Changes others made to the user's account since they were last shown, oldest first, and
    the last of them (pass it to `services.account_changes_mark_seen` once they are shown)."""
    events = list(
        access.account_changes_for(user)
        .filter(pk__gt=user.account_changes_seen)
        .select_related("actor")
        .order_by("id")
    )
    school_ids = {e.detail.get("school") for e in events if isinstance(e.detail.get("school"), int)}
    schools = dict(School.objects.filter(pk__in=school_ids).values_list("pk", "name"))
    changes = [
        AccountChange(
            describe_account_change(e, schools),
            str(e.actor) if e.actor is not None else "the roster import or set-up",
            e.at,
        )
        for e in events
    ]
    return changes, (events[-1] if events else None)


def account_changes_waiting(user: AnyUser) -> bool:
    """Whether changes to the user's account wait to be shown (a line on every page points home)."""
    if not isinstance(user, User):
        return False
    return access.account_changes_for(user).filter(pk__gt=user.account_changes_seen).exists()


# --- coaching activity as counts, for the district admin -----------------------------------------


@dataclass(frozen=True)
class ActivityCount:
    month: datetime.date
    action: str
    count: int | None
    """None when the act is confidential and happened fewer times than the minimum group size."""


def audit_activity(user: AnyUser, months: int = 12) -> tuple[list[ActivityCount], int]:
    """How many audited acts of each kind happened each month in the admin's districts: the only
    way the district admin sees coaching activity. Counts of confidential acts (consent, notes
    read) below the district's minimum group size are hidden. Returns the rows and that size."""
    district = District.objects.filter(pk__in=access.district_ids(user, Role.DISTRICT_ADMIN)).first()
    min_size = district.min_group_size if district is not None else 0
    rows = (
        access.audit_counted_for(user)
        .annotate(month=TruncMonth("at"))
        .values("month", "action")
        .annotate(n=Count("id"))
        .order_by("-month", "action")
    )
    out: list[ActivityCount] = []
    seen_months: list[datetime.date] = []
    for row in rows:
        month = row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"]
        if month not in seen_months:
            if len(seen_months) == months:
                break
            seen_months.append(month)
        action = AuditAction(row["action"]) if row["action"] in AuditAction.values else None
        label = action.label if action is not None else row["action"]
        small = action is not None and action.is_confidential and privacy.rate_hidden(row["n"], min_size)
        out.append(ActivityCount(month, label, None if small else row["n"]))
    return out, min_size
