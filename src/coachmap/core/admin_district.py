"""The district's own admin pages: its settings, its schools, and its audit trail of administration."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from coachmap.core import access, group_size, services
from coachmap.core import queries as core_queries
from coachmap.core.admin_site import ScopedAdmin, _admin_districts, site
from coachmap.core.forms import SchoolForm
from coachmap.core.models import (
    AuditAction,
    AuditEvent,
    District,
    Role,
    School,
    User,
)


@admin.register(District, site=site)
class DistrictAdmin(ScopedAdmin):
    scope = staticmethod(_admin_districts)
    fields = ["name", "min_group_size", "coaching_time_target", "state_id"]
    readonly_fields = ["name"]
    list_display = ["name", "min_group_size", "coaching_time_target"]

    def save_model(self, request: HttpRequest, obj: District, form: Any, change: bool) -> None:
        services.district_settings_update(
            actor=cast(User, request.user),
            district=District.objects.get(pk=obj.pk),
            min_group_size=obj.min_group_size,
            coaching_time_target=obj.coaching_time_target,
            state_id=obj.state_id,
        )
        warning = group_size.warning(obj.min_group_size)
        if warning is not None:
            self.message_user(request, warning, messages.WARNING)


@admin.register(School, site=site)
class SchoolAdmin(ScopedAdmin):
    scope = staticmethod(
        lambda user: School.objects.filter(district_id__in=access.district_ids(user, Role.DISTRICT_ADMIN))
    )
    form = SchoolForm
    list_display = ["name", "grades_label", "source_id"]
    search_fields = ["name", "source_id"]
    fields = ["name", "source_id", "grade_low", "grade_high"]
    readonly_fields = ["source_id"]


def listed_actions() -> list[AuditAction]:
    """The acts the audit trail lists as rows, and so offers to filter by (here and in the API):
    never the confidential ones."""
    return [a for a in AuditAction if not a.is_confidential]


class AdministrationActionFilter(admin.SimpleListFilter):
    """Filter by the acts listed here; the confidential ones are never rows, so never offered."""

    title = "action"
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(a.value, a.label) for a in listed_actions()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent, site=site)
class AuditEventAdmin(ScopedAdmin):
    """The audit trail as the district admin may read it: the administration of the district as
    rows (roles, accounts, settings, imports, exports), and coaching activity only as counts per
    month. Who accepted coaching and who read whose notes are never listed here (DESIGN.md §3);
    a teacher sees who read their notes on their cycle's page."""

    scope = staticmethod(access.audit_visible_to)
    list_display = ["at", "actor", "action", "subject", "object_type", "object_id"]
    list_filter = [AdministrationActionFilter]
    editable = False
    readonly_fields = ["at", "actor", "action", "subject", "object_type", "object_id", "detail"]
    change_list_template = "admin/core/auditevent/change_list.html"

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        activity, min_size = core_queries.audit_activity(request.user)
        extra = {"activity": activity, "min_size": min_size, **(extra_context or {})}
        return super().changelist_view(request, extra)
