"""Forms of the principal's pages: start a report for a term; the principal's words per language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from coachmap.core.models import School
from coachmap.families.models import FamilyReport, Term
from coachmap.families.services import MAX_TEXT


class StartForm(forms.Form):
    school = forms.ModelChoiceField(queryset=School.objects.none(), empty_label=None)
    school_year = forms.TypedChoiceField(coerce=int, label="School year")
    term = forms.ChoiceField(choices=Term.choices)

    def __init__(self, *args: Any, schools: list[School], this_year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = School.objects.filter(pk__in=[s.pk for s in schools]).order_by("name")
        if len(schools) == 1:
            field.initial = schools[0].pk
            field.widget = forms.HiddenInput()
        years = self.fields["school_year"]
        assert isinstance(years, forms.TypedChoiceField)  # noqa: S101 - declared above
        years.choices = [(y, f"{y - 1}–{str(y)[-2:]}") for y in (this_year - 1, this_year, this_year + 1)]
        years.initial = this_year


class TextsForm(forms.Form):
    """Two boxes per language of `settings.LANGUAGES`: a new catalog adds its boxes by itself."""

    def __init__(self, *args: Any, report: FamilyReport, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, name in settings.LANGUAGES:
            self.fields[f"help_{code}"] = forms.CharField(
                label=f"How families can help at home ({name})",
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 4, "lang": code}),
                initial=report.text(code, "help"),
                help_text="Plain words: one or two things a family can do this term.",
            )
            self.fields[f"contact_{code}"] = forms.CharField(
                label=f"How to ask a question ({name})",
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 3, "lang": code}),
                initial=report.text(code, "contact"),
                help_text="Whom to ask and how: a name, a phone number or an email, the office hours. Needed to publish.",
            )

    def texts(self) -> dict[str, dict[str, str]]:
        return {
            code: {
                "help": self.cleaned_data.get(f"help_{code}", ""),
                "contact": self.cleaned_data.get(f"contact_{code}", ""),
            }
            for code, _ in settings.LANGUAGES
        }
