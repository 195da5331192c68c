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
    dry_run = forms.BooleanField(label="Check only: report what would change, change nothing", required=False)
