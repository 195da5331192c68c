from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from coachmap.core import group_size
from coachmap.core.grades import GRADE_CHOICES
from coachmap.core.inputs import form_checked
from coachmap.core.models import District, School


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names, or at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        for message in error.messages:
            form.add_error(None, message)


class SchoolForm(forms.ModelForm):
    """What the district admin changes on a school (the admin's Schools page, and the API through
    that page): its name and grades. The source id is the roster's."""

    class Meta:
        model = School
        fields = ["name", "grade_low", "grade_high"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("grade_low"), cleaned.get("grade_high")
        if low is not None and high is not None and int(low) > int(high):
            names = dict(GRADE_CHOICES)
            self.add_error(
                "grade_high",
                f"The highest grade ({names[int(high)]}) is below the lowest ({names[int(low)]}): "
                "choose a highest grade at or above the lowest.",
            )
        return cleaned


class DistrictSettingsForm(forms.ModelForm):
    min_group_size = forms.IntegerField(
        label="Minimum group size for reporting",
        min_value=group_size.FLOOR,
        max_value=group_size.CEILING,
        error_messages={"min_value": group_size.BELOW_FLOOR_MESSAGE},
        help_text=District._meta.get_field("min_group_size").help_text,
    )

    import_hold_percent = forms.IntegerField(
        label="Ask before an import removes or changes more than (%)",
        min_value=0,
        max_value=100,
        required=False,
        help_text=District._meta.get_field("import_hold_percent").help_text,
    )

    retention_years = forms.IntegerField(
        label="Keep students' results, usage and gradebook scores for (school years)",
        min_value=1,
        max_value=30,
        required=False,
        help_text=District._meta.get_field("retention_years").help_text,
    )

    class Meta:
        model = District
        fields = [
            "min_group_size",
            "rate_coding",
            "coaching_time_target",
            "time_counts_plc",
            "time_counts_committee",
            "time_counts_learning",
            "time_zone",
            "state",
            "state_id",
            "source_id",
            "import_hold_percent",
            "retention_years",
        ]
        labels = {
            "min_group_size": "Minimum group size for reporting",
            "coaching_time_target": "Coaching-time target (%)",
            "state": "State",
            "source_id": "OneRoster org id",
        }

    def clean_state(self) -> str:
        return str(self.cleaned_data.get("state") or "").strip().upper()


class OwnEmailForm(forms.Form):
    email = forms.EmailField(label="New email address", help_text="Password links will go here.")
    password = forms.CharField(
        label="Your current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To show it is you.",
    )


def form_cleaned(form: forms.BaseForm) -> dict[str, Any]:
    """The page's form, read for the API: its cleaned data, or a ValidationError naming each field
    as the page would (the API answers it as 422). One set of input rules for the page and the API."""
    return form_checked(form).cleaned_data
