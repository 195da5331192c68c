from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from coachmap.core.grades import GRADE_CHOICES
from coachmap.improvement.models import ImprovementGoal
from coachmap.library import files
from coachmap.library.models import Quadrant, ResourceKind
from coachmap.roster.models import Subject


def _commas(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


class GoalsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ImprovementGoal) -> str:
        return f"{obj.school}: {obj.statement}"


class ResourceForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=ResourceKind.choices)
    description = forms.CharField(
        label="Description", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    url = forms.CharField(
        label="Link", max_length=500, required=False, help_text="A web address; or upload a file below."
    )
    upload = forms.FileField(
        label="File",
        required=False,
        help_text=f"PDF, Word, PowerPoint, Excel, OpenDocument, images, text or MP4, up to {files.MAX_BYTES // (1024 * 1024)} MB.",
    )
    tools = forms.CharField(
        label="Tools", required=False, help_text="Separated by commas, e.g. “Lexia, Seesaw”."
    )
    practices = forms.CharField(
        label="Practices", required=False, help_text="Separated by commas, e.g. “exit tickets”."
    )
    subjects = forms.MultipleChoiceField(
        label="Subjects", choices=Subject.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    grades = forms.TypedMultipleChoiceField(
        label="Grades", choices=GRADE_CHOICES, coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    quadrants = forms.MultipleChoiceField(
        label="Suits best", choices=Quadrant.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    goals = GoalsField(
        label="School goals it serves",
        queryset=ImprovementGoal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, goals: QuerySet[ImprovementGoal], require_source: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["goals"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - narrows the type
        field.queryset = goals.select_related("school")
        self.require_source = require_source

    def clean_tools(self) -> list[str]:
        return _commas(self.cleaned_data["tools"])

    def clean_practices(self) -> list[str]:
        return _commas(self.cleaned_data["practices"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.require_source and not data.get("url") and not data.get("upload"):
            raise forms.ValidationError("Give a link or upload a file.")
        return data


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=[("", "Any kind"), *ResourceKind.choices], required=False)
    tool = forms.ChoiceField(label="Tool", required=False)
    practice = forms.ChoiceField(label="Practice", required=False)
    subject = forms.ChoiceField(
        label="Subject", choices=[("", "Any subject"), *Subject.choices], required=False
    )
    grade = forms.TypedChoiceField(
        label="Grade",
        choices=[("", "Any grade"), *GRADE_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    quadrant = forms.ChoiceField(
        label="Suits", choices=[("", "Any teacher"), *Quadrant.choices], required=False
    )

    def __init__(self, *args: Any, tools: list[str], practices: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tool, practice = self.fields["tool"], self.fields["practice"]
        assert isinstance(tool, forms.ChoiceField)  # noqa: S101 - narrows the type
        assert isinstance(practice, forms.ChoiceField)  # noqa: S101 - narrows the type
        tool.choices = [("", "Any tool"), *((t, t) for t in tools)]
        practice.choices = [("", "Any practice"), *((p, p) for p in practices)]
