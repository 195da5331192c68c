from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from coachmap.core.models import District


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


class DistrictSettingsForm(forms.ModelForm):
    class Meta:
        model = District
        fields = ["min_group_size", "rate_coding", "coaching_time_target", "state_id"]
        labels = {
            "min_group_size": "Minimum group size for reporting",
            "coaching_time_target": "Coaching-time target (%)",
        }
