"""Forms for a handover to another coach and a referral to other support."""

from __future__ import annotations

from typing import Any

from django import forms


class HandoverForm(forms.Form):
    to_coach = forms.ChoiceField(label="Hand over to this coach", required=False, widget=forms.RadioSelect)
    support_type = forms.ChoiceField(
        label="…or to a support type (the next matching round finds the coach)", required=False
    )
    reason = forms.CharField(
        label="Why another coach fits better (the teacher reads this)",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )
    note = forms.CharField(
        label="Note for the receiving coach (only they can read it)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args: Any, options: list[Any], **kwargs: Any) -> None:
        from coachmap.coaching.bestfit.routing import SUPPORT_TYPE_LABELS

        super().__init__(*args, **kwargs)
        self.coaches = {str(o.coach.pk): o.coach for o in options}
        self.fields["to_coach"].choices = [  # type: ignore[attr-defined]
            (str(o.coach.pk), f"{o.coach} — {o.coach.get_coach_type_display()}, {o.free} places free")
            for o in options
        ]
        self.fields["support_type"].choices = [("", "None"), *SUPPORT_TYPE_LABELS.items()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("to_coach")) == bool(data.get("support_type")):
            raise forms.ValidationError("Choose either a coach or a support type.")
        return data


class ReferForm(forms.Form):
    support_type = forms.ChoiceField(label="Refer to a support type", required=False)
    offer = forms.ChoiceField(label="…or to a lighter offer", required=False)
    reason = forms.CharField(
        label="Why this fits better now (the teacher reads this)",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from coachmap.coaching.bestfit.routing import OFFER_CHOICES, SUPPORT_TYPE_LABELS

        super().__init__(*args, **kwargs)
        self.fields["support_type"].choices = [("", "None"), *SUPPORT_TYPE_LABELS.items()]  # type: ignore[attr-defined]
        self.fields["offer"].choices = [("", "None"), *OFFER_CHOICES]  # type: ignore[attr-defined]
