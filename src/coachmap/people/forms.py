from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from coachmap.core.models import Role, School
from coachmap.people.queries import STANDING_CHOICES


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise forms.ValidationError("This text holds a character that cannot be stored. Type it again.")
    return value


class SearchForm(forms.Form):
    q = forms.CharField(label="Name or email", required=False, max_length=200)
    standing = forms.ChoiceField(label="Account", choices=STANDING_CHOICES, required=False)
    role = forms.ChoiceField(label="Role", choices=[("", "Any role"), *Role.choices], required=False)
    school = forms.ModelChoiceField(
        label="School", queryset=School.objects.none(), required=False, empty_label="Any school"
    )

    def __init__(self, *args: Any, schools: QuerySet[School], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]

    def clean_q(self) -> str:
        return _no_nul(self.cleaned_data.get("q") or "")


class RoleFields(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)
    school = forms.ModelChoiceField(
        label="School",
        queryset=School.objects.none(),
        required=False,
        empty_label="No school (the role is district-wide)",
        help_text="For teachers and principals, who belong to one school.",
    )

    def __init__(self, *args: Any, schools: QuerySet[School], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role = cleaned.get("role")
        if role in Role.values and Role(role).is_school_role and cleaned.get("school") is None:
            self.add_error("school", f"A {Role(role).label.lower()} belongs to a school: choose one.")
        return cleaned


class PersonForm(RoleFields):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(
        label="Email", max_length=254, help_text="Their invitation goes here; they sign in with it."
    )
    field_order = ["first_name", "last_name", "email", "role", "school"]

    def clean_first_name(self) -> str:
        return _no_nul(self.cleaned_data["first_name"])

    def clean_last_name(self) -> str:
        return _no_nul(self.cleaned_data["last_name"])
