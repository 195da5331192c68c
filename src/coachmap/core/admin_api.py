"""The district's admin pages through the API (issue 20): its Schools page and its audit trail, both
pages of the admin site (`core.admin_district`), with the admin's rules.

Who: the admin site's, exactly — a district admin (`CoachmapAdminSite.has_permission`, the route
table's `admin:index`), reading through each page's own scope (`SchoolAdmin.scope`,
`access.audit_visible_to`), so another district's school is a 404 and the confidential acts (who
took coaching, who read whose notes) are never rows, only the page's monthly counts. A school is
changed with the admin page's own form, save and history entry (`SchoolAdmin.get_form`), so the
same fields are open (name and grades; the roster's source id is not) with the same checks. The
admin does not audit reading its audit trail; neither does this. A personal token of the admin acts
as the admin; no service account reads these.
"""

import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from coachmap.core import access
from coachmap.core import queries as core_queries
from coachmap.core.admin_district import SchoolAdmin, listed_actions
from coachmap.core.admin_site import site
from coachmap.core.forms import form_cleaned
from coachmap.core.inputs import FIRST_DAY, LAST_DAY, Id, Pages, Rows, Text
from coachmap.core.models import AuditEvent, School

router = Router(tags=["district"])

NOT_ADMIN = "The admin pages are for district admins."
ADMIN_PAGE = "admin:index"


def _require_admin(request: HttpRequest) -> None:
    access.require(access.may_open(request.user, ADMIN_PAGE), NOT_ADMIN)


def _schools(request: HttpRequest) -> QuerySet[School]:
    return SchoolAdmin.scope(request.user)


# --- the Schools page ---------------------------------------------------------------------------


class SchoolOut(Schema):
    id: int
    name: str
    source_id: str = Field(description="The roster's id for the school; set by imports, not here.")
    grade_low: int = Field(description="-1 is Pre-K, 0 is K.")
    grade_high: int
    grades: str


class SchoolIn(Schema):
    """The fields the Schools page lets the district admin change; those left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    name: Text | None = Field(None, max_length=200)
    grade_low: int | None = Field(None, description="-1 (Pre-K) to 12; 0 is K.")
    grade_high: int | None = None


def _school(school: School) -> dict[str, Any]:
    return {
        "id": school.pk,
        "name": school.name,
        "source_id": school.source_id,
        "grade_low": school.grade_low,
        "grade_high": school.grade_high,
        "grades": school.grades_label,
    }


@router.get("/schools", response=list[SchoolOut])
@paginate(Pages, page_size=50)
def school_list(request: HttpRequest, q: Text | None = None) -> Rows:
    """The district's schools, as on its Schools page (name order); `q` searches the name and the
    roster's source id, as the page's search does."""
    _require_admin(request)
    rows = _schools(request)
    if q:
        text = q[:200]
        rows = rows.filter(Q(name__icontains=text) | Q(source_id__icontains=text))
    return Rows(rows.order_by("name", "id"), _school)


@router.get("/schools/{school_id}", response=SchoolOut)
def school_read(request: HttpRequest, school_id: Id) -> dict[str, Any]:
    """One school of the district; another district's is a 404."""
    _require_admin(request)
    return _school(access.fetch(SchoolAdmin.scope, request.user, pk=school_id))


@router.post("/schools/{school_id}", response=SchoolOut)
def school_update(request: HttpRequest, school_id: Id, data: SchoolIn) -> dict[str, Any]:
    """Change a school's name or grades with the Schools page's form: the same fields, the same
    checks (the highest grade not below the lowest), the same save and history entry."""
    _require_admin(request)
    school = access.fetch(SchoolAdmin.scope, request.user, pk=school_id)
    model_admin = site._registry[School]
    access.require(model_admin.has_change_permission(request, school), NOT_ADMIN)
    form_class = model_admin.get_form(request, school, change=True)
    values = {name: getattr(school, name) for name in form_class.base_fields}
    values.update({k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None})
    form = form_class(values, instance=school)
    form_cleaned(form)
    with transaction.atomic():
        # What the admin's change page does with a valid form (ModelAdmin._changeform_view).
        saved = model_admin.save_form(request, form, change=True)
        model_admin.save_model(request, saved, form, change=True)
        model_admin.save_related(request, form, [], change=True)
        # django-stubs types the form as a plain Form here; the admin passes its ModelForm.
        message = model_admin.construct_change_message(request, form, [])  # type: ignore[arg-type]
        model_admin.log_change(request, saved, message)
    return _school(saved)


# --- the audit trail -------------------------------------------------------------------------------


Day = Annotated[datetime.date, Field(ge=FIRST_DAY, le=LAST_DAY)]


class AuditEventOut(Schema):
    id: int
    at: datetime.datetime
    actor_id: int | None
    actor: str | None = Field(description="Who did it; null for coachmap itself (an import, the schedule).")
    action: str
    action_words: str
    subject: str | None = Field(description="The person whose account the act changed, if any.")
    object_type: str
    object_id: str
    detail: dict[str, Any]


class ActivityOut(Schema):
    month: datetime.date
    action: str = Field(description="The act, in words.")
    count: int | None = Field(
        description="null: a confidential act that happened fewer times than the minimum."
    )


class AuditActivityOut(Schema):
    min_group_size: int
    months: list[ActivityOut]


def _event(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "at": event.at,
        "actor_id": event.actor_id,
        "actor": str(event.actor) if event.actor else None,
        "action": event.action,
        "action_words": event.get_action_display(),
        "subject": str(event.subject) if event.subject else None,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "detail": event.detail if isinstance(event.detail, dict) else {"value": event.detail},
    }


@router.get("/audit-trail", response=list[AuditEventOut])
@paginate(Pages, page_size=100)
def audit_trail(
    request: HttpRequest,
    action: str | None = None,
    actor_id: Id | None = None,
    since: Day | None = None,
    until: Day | None = None,
) -> Rows:
    """The audit trail's rows as the admin lists them, newest first: the administration of the
    district (roles, accounts, settings, imports, exports, tokens). Filters: `action` (one of the
    acts the page's filter offers), `actor_id`, and the days `since` and `until` (inclusive).
    Who took coaching or read whose notes is never a row: see `GET /audit-trail/activity`."""
    _require_admin(request)
    offered = [a.value for a in listed_actions()]
    if action and action not in offered:
        raise ValidationError(
            {
                "action": f"“{action[:40]}” is not an act the audit trail lists; use one of: {', '.join(offered)}."
            }
        )
    rows = access.audit_visible_to(request.user).select_related("actor", "subject")
    if action:
        rows = rows.filter(action=action)
    if actor_id is not None:
        rows = rows.filter(actor_id=actor_id)
    if since is not None:
        rows = rows.filter(at__date__gte=since)
    if until is not None:
        rows = rows.filter(at__date__lte=until)
    return Rows(rows.order_by("-at", "-id"), _event)


@router.get("/audit-trail/activity", response=AuditActivityOut)
def audit_activity(request: HttpRequest) -> dict[str, Any]:
    """The audit trail page's activity by month: how many times each act happened, the last twelve
    months; the confidential acts only here, as counts, `null` below the minimum group size."""
    _require_admin(request)
    activity, min_size = core_queries.audit_activity(request.user)
    return {
        "min_group_size": min_size,
        "months": [{"month": row.month, "action": row.action, "count": row.count} for row in activity],
    }
