"""The admin site for district admins, and `ScopedAdmin`: every admin page reads through an
`access` scope and changes only what its admin allows (see `core.admin`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import update_wrapper
from typing import Any

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from coachmap.core import access, inputs
from coachmap.core.models import (
    District,
    Role,
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
