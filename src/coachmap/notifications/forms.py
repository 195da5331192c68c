"""How each topic reaches the person by email."""

from __future__ import annotations

from typing import Any

from django import forms

from coachmap.notifications.models import Delivery, Topic


class PreferencesForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for topic in Topic:
            self.fields[topic.value] = forms.ChoiceField(
                label=topic.label, choices=Delivery.choices, widget=forms.RadioSelect
            )
