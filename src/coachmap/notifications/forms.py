"""How each topic reaches the person by email."""

from __future__ import annotations

from typing import Any

from django import forms

from coachmap.notifications.models import Delivery, Topic, WebhookEvent


class PreferencesForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for topic in Topic:
            self.fields[topic.value] = forms.ChoiceField(
                label=topic.label, choices=Delivery.choices, widget=forms.RadioSelect
            )


class WebhookForm(forms.Form):
    url = forms.URLField(
        label="Address",
        max_length=500,
        assume_scheme="https",
        help_text="The https:// address of the other system that receives the events.",
    )
    events = forms.MultipleChoiceField(
        label="Events to send", choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )
