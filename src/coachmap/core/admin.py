"""The Django admin, for district admins only, through the same visibility rules as every page.

Each ModelAdmin names the `access` scope it reads through; nothing registered here can show a
session note or an individual survey answer, because those models are not registered at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import update_wrapper
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from coachmap.core import access, group_size, inputs, services
from coachmap.core import queries as core_queries
from coachmap.core.models import (
    AuditAction,
    AuditEvent,
    Coach,
    District,
    Membership,
    Role,
    School,
    Teacher,
    User,
)


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
        warning = group_size.warning(obj.min_group_size)
        if warning is not None:
            self.message_user(request, warning, messages.WARNING)


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


class PersonAddForm(forms.ModelForm):
    """A new person: who they are and their first role. No password: they set their own."""

    role = forms.ChoiceField(choices=Role.choices)
    school = forms.ModelChoiceField(
        queryset=School.objects.none(), required=False, help_text="For teachers and principals."
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]
        help_texts = {"email": "Required: a link to set their own password is sent here."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role = cleaned.get("role")
        if role in Role.values and Role(role).is_school_role and cleaned.get("school") is None:
            self.add_error("school", f"A {Role(role).label.lower()} belongs to a school: choose one.")
        return cleaned


class AccountForm(forms.ModelForm):
    """What a district admin may change on a person's account. Never a password."""

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "is_active"]
        labels = {"is_active": "Account switched on"}

    actor: User | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.actor is not None and self.instance.pk is not None:
            stored = User.objects.get(pk=self.instance.pk)
            problems = services.account_update_problems(
                actor=self.actor,
                user=stored,
                email=cleaned.get("email", stored.email) or "",
                is_active=cleaned.get("is_active", stored.is_active),
            )
            for field, message in problems.items():
                self.add_error(field, message)
        return cleaned


def _site(request: HttpRequest) -> services.SiteAddress:
    return services.SiteAddress(
        domain=request.get_host(), protocol="https" if request.is_secure() else "http"
    )


@admin.register(User, site=site)
class UserAdmin(ScopedAdmin, BaseUserAdmin):
    """People. An admin adds them, corrects names, switches accounts off and on, and sends a
    set-your-password link; nobody here sees or sets a password. Every change is audited and
    shown to the person on their next sign-in."""

    scope = staticmethod(
        lambda user: User.objects.filter(
            memberships__district_id__in=access.district_ids(user, Role.DISTRICT_ADMIN)
        ).distinct()
    )
    addable = True
    form = AccountForm
    add_form = PersonAddForm
    add_form_template = None
    change_password_form = None
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    list_filter = ["is_active", "memberships__role"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "first_name", "last_name", "email", "is_active", "last_login")}),
    )
    add_fieldsets = ((None, {"fields": ("username", "first_name", "last_name", "email", "role", "school")}),)
    readonly_fields = ["username", "last_login"]
    inlines = [MembershipInline]
    actions = ["send_password_link"]

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form: Any = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            form.base_fields["school"].queryset = School.objects.filter(
                district_id__in=access.district_ids(request.user, Role.DISTRICT_ADMIN)
            )
        form.actor = request.user
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else self.readonly_fields

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        raise PermissionDenied(
            "Nobody can set another person's password in coachmap. Send them a set-your-password "
            "link instead (People list, action “Send a set-your-password link”): only they choose it."
        )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        actor = cast(User, request.user)
        if change:
            services.account_update(
                actor=actor,
                user=obj,
                first_name=obj.first_name,
                last_name=obj.last_name,
                email=obj.email,
                is_active=obj.is_active,
            )
            return
        school = form.cleaned_data.get("school")
        district = school.district if school is not None else _admin_districts(actor).first()
        if district is None:
            raise PermissionDenied("Only a district admin can add people.")
        made = services.person_add(
            actor=actor,
            district=district,
            username=obj.username,
            first_name=obj.first_name,
            last_name=obj.last_name,
            email=obj.email,
            role=Role(form.cleaned_data["role"]),
            school=school,
            site=_site(request),
        )
        obj.pk, obj.password = made.pk, made.password
        obj._state.adding, obj._state.db = False, made._state.db

    @admin.action(description="Send a set-your-password link")
    def send_password_link(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        sent = 0
        for person in queryset:
            try:
                services.password_link_send(actor=cast(User, request.user), user=person, site=_site(request))
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                sent += 1
        if sent:
            self.message_user(
                request,
                f"Sent {sent} set-your-password link{'s' if sent != 1 else ''}. Each works once; "
                "only the person it was sent to chooses the password.",
                messages.SUCCESS,
            )


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

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "school":
            kwargs["queryset"] = School.objects.filter(
                district_id__in=access.district_ids(request.user, Role.DISTRICT_ADMIN)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Teacher, form: Any, change: bool) -> None:
        services.teacher_profile_update(
            actor=cast(User, request.user),
            teacher=obj,
            school=obj.school,
            years_experience=obj.years_experience,
            grades=obj.grades,
            subjects=obj.subjects,
        )


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

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "schools":
            kwargs["queryset"] = School.objects.filter(
                district_id__in=access.district_ids(request.user, Role.DISTRICT_ADMIN)
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Coach, form: Any, change: bool) -> None:
        services.coach_settings_update(
            actor=cast(User, request.user),
            coach=obj,
            coach_type=obj.coach_type,
            schools=list(form.cleaned_data["schools"]),
            capacity=obj.capacity,
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The schools were set by `coach_settings_update`, with the audit row."""


class AdministrationActionFilter(admin.SimpleListFilter):
    """Filter by the acts listed here; the confidential ones are never rows, so never offered."""

    title = "action"
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(a.value, a.label) for a in AuditAction if not a.is_confidential]

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
