"""The Django admin, for district admins only, through the same visibility rules as every page.

Each ModelAdmin names the `access` scope it reads through; nothing registered here can show a
session note or an individual survey answer, because those models are not registered at all.

The site and `ScopedAdmin` are in `core.admin_site`, the district's settings, schools and audit
trail in `core.admin_district`; the people (accounts, roles, teachers, coaches) are here.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

from coachmap.core import (
    access,
    admin_district,  # noqa: F401 - registers the district's own pages
    services,
)
from coachmap.core.admin_site import ScopedAdmin, _admin_districts, site
from coachmap.core.models import (
    Coach,
    Membership,
    Role,
    School,
    Teacher,
    User,
)

__all__ = ["ScopedAdmin", "site"]


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
