"""The Django admin, for district admins only, through the same visibility rules as every page.

Each ModelAdmin names the `access` scope it reads through; nothing registered here can show a
session note or an individual survey answer, because those models are not registered at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import update_wrapper
from typing import Any, cast

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from coachmap.core import access, inputs, services
from coachmap.core.models import AuditEvent, Coach, District, Membership, Role, School, Teacher, User


class CoachmapAdminSite(admin.AdminSite):
    site_header = "coachmap administration"
    site_title = "coachmap admin"
    index_title = "District administration"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and access.has_role(request.user, Role.DISTRICT_ADMIN))

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied("The admin is for district admins.")
            return inner(request, *args, **kwargs)

        return update_wrapper(wrapper, view)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.user.is_authenticated:
            raise PermissionDenied("The admin is for district admins.")
        return redirect_to_login(request.GET.get("next", "/admin/"))


site = CoachmapAdminSite(name="admin")


class IdAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete looks up the chosen value before the form validates it (`pk__in`):
    a value no id can be (2⁶⁴, "abc") would crash that query, so it is not looked up; the
    form then says the choice is not valid."""

    def optgroups(self, name: str, value: Sequence[str], attr: dict[str, Any] | None = None) -> Any:
        return super().optgroups(name, [v for v in value if v in (None, "") or inputs.is_id(v)], attr)


class ScopedAdmin(admin.ModelAdmin):
    """Reads through `scope`; district admins may change only what `editable` allows."""

    scope: Callable[[Any], QuerySet[Any]]
    editable = True
    deletable = False
    addable = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return type(self).scope(request.user)

    def _is_admin(self, request: HttpRequest) -> bool:
        return access.has_role(request.user, Role.DISTRICT_ADMIN)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._is_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.editable and self._is_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.addable and self._is_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.deletable and self._is_admin(request)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget", IdAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _get_obj_does_not_exist_redirect(
        self, request: HttpRequest, opts: Any, object_id: str
    ) -> HttpResponse:
        raise Http404("Not found.")


def _admin_districts(user: Any) -> QuerySet[District]:
    return District.objects.filter(id__in=access.district_ids(user, Role.DISTRICT_ADMIN))


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


@admin.register(School, site=site)
class SchoolAdmin(ScopedAdmin):
    scope = staticmethod(
        lambda user: School.objects.filter(district_id__in=access.district_ids(user, Role.DISTRICT_ADMIN))
    )
    list_display = ["name", "grades_label", "source_id"]
    search_fields = ["name", "source_id"]
    fields = ["name", "source_id", "grade_low", "grade_high"]
    readonly_fields = ["source_id"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["role", "district", "school"]
    readonly_fields = ["role", "district", "school"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(User, site=site)
class UserAdmin(ScopedAdmin, BaseUserAdmin):
    scope = staticmethod(
        lambda user: User.objects.filter(
            memberships__district_id__in=access.district_ids(user, Role.DISTRICT_ADMIN)
        ).distinct()
    )
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    list_filter = ["is_active", "memberships__role"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "first_name", "last_name", "email", "is_active", "last_login")}),
    )
    readonly_fields = ["username", "last_login"]
    inlines = [MembershipInline]


@admin.register(Membership, site=site)
class MembershipAdmin(ScopedAdmin):
    scope = staticmethod(
        lambda user: Membership.objects.filter(district_id__in=access.district_ids(user, Role.DISTRICT_ADMIN))
    )
    list_display = ["user", "role", "school"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__last_name"]
    autocomplete_fields = ["user", "school"]
    fields = ["user", "role", "school"]
    editable = False
    addable = True
    deletable = True

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        actor = cast(User, request.user)
        district = obj.school.district if obj.school is not None else _admin_districts(actor).first()
        if district is None:
            raise PermissionDenied("Only a district admin can change roles.")
        saved = services.membership_grant(
            actor=actor, user=obj.user, district=district, role=Role(obj.role), school=obj.school
        )
        obj.pk, obj.district, obj.school = saved.pk, saved.district, saved.school

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        services.membership_revoke(actor=cast(User, request.user), membership=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset:
            self.delete_model(request, membership)


@admin.register(Teacher, site=site)
class TeacherAdmin(ScopedAdmin):
    scope = staticmethod(
        lambda user: Teacher.objects.filter(
            school__district_id__in=access.district_ids(user, Role.DISTRICT_ADMIN)
        )
    )
    list_display = ["__str__", "school", "years_experience"]
    list_filter = ["school"]
    search_fields = ["user__last_name", "user__first_name", "source_id"]
    fields = ["user", "school", "years_experience", "grades", "subjects", "source_id"]
    readonly_fields = ["user", "source_id"]
    list_select_related = ["user", "school"]


@admin.register(Coach, site=site)
class CoachAdmin(ScopedAdmin):
    scope = staticmethod(
        lambda user: Coach.objects.filter(district_id__in=access.district_ids(user, Role.DISTRICT_ADMIN))
    )
    list_display = ["__str__", "coach_type", "capacity"]
    list_filter = ["coach_type"]
    fields = ["user", "coach_type", "schools", "capacity"]
    readonly_fields = ["user"]
    filter_horizontal = ["schools"]
    list_select_related = ["user"]


@admin.register(AuditEvent, site=site)
class AuditEventAdmin(ScopedAdmin):
    scope = staticmethod(access.audit_visible_to)
    list_display = ["at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action"]
    editable = False
    readonly_fields = ["at", "actor", "action", "object_type", "object_id", "detail"]
