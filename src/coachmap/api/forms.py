from __future__ import annotations

from django import forms

from coachmap.api import tokens
from coachmap.core.tokens import PERSONAL_SCOPES, SERVICE_SCOPES


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=120,
        label="Name",
        help_text="Where the token is used, so you know which one to revoke (for example: my laptop's script).",
    )
    scopes = forms.MultipleChoiceField(
        label="What it may do",
        widget=forms.CheckboxSelectMultiple,
        choices=[(s.value, s.label) for s in PERSONAL_SCOPES],
        initial=["read"],
    )
    days = forms.IntegerField(label="Days until it expires", min_value=1)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        days = self.fields["days"]
        assert isinstance(days, forms.IntegerField)  # noqa: S101 - declared above
        days.initial = tokens.default_days()
        days.help_text = f"From 1 to {tokens.max_days()} days; {tokens.default_days()} unless you change it."
        days.widget.attrs["max"] = tokens.max_days()


class ServiceAccountForm(TokenForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "name"
        ].help_text = "The system that will call coachmap (for example: the data warehouse)."
        scopes = self.fields["scopes"]
        assert isinstance(scopes, forms.MultipleChoiceField)  # noqa: S101 - declared above
        scopes.choices = [(s.value, s.label) for s in SERVICE_SCOPES]
        scopes.initial = ["read:aggregates"]
