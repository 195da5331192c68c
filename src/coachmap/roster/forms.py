from __future__ import annotations

from django import forms

from coachmap.roster.models import ImportKind


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label="What are you importing?", choices=ImportKind.choices)
    upload = forms.FileField(
        label="File",
        help_text="A OneRoster bundle as a .zip, or one CSV file. See the format guides for each kind.",
    )
    mapping = forms.CharField(
        label="Source name (assessment results)",
        required=False,
        max_length=100,
        help_text="e.g. “Star Reading”. coachmap remembers which column is which for each source.",
    )


class ImportConfirmForm(forms.Form):
    """Import a checked or held file; the box names what it removes when that needs a confirmation."""

    confirm = forms.BooleanField(required=False)

    def __init__(self, *args: object, effect: str = "", held: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["confirm"]
        if held:
            field.label = f"Yes, import it. {effect}"
            field.required = True
            field.error_messages["required"] = "Tick the box to confirm what this import removes."
        else:
            field.widget = forms.HiddenInput()
