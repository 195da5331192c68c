"""Forms of the program app: thin, the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from coachmap.core.models import School
from coachmap.improvement.models import FrameworkLevel, FrameworkLookFor, FrameworkVersion, GradeBand
from coachmap.program.models import Competency, GoalStatus, LearningKind, RubricLevel


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class VisionForm(forms.Form):
    vision = forms.CharField(
        label="Vision",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        help_text="What coaching is for here, in a few sentences, written with a coach.",
    )
    aims = forms.CharField(
        label="Aims",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="One a line: what the program sets out to do this year.",
    )

    def clean_aims(self) -> list[str]:
        return _lines(self.cleaned_data["aims"])


class FrameworkForm(forms.Form):
    levels = forms.CharField(
        label="Levels, lowest first",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One a line, “Name: what it looks like”, e.g. “Entry: the teacher uses technology to deliver content”.",
    )
    change_note = forms.CharField(
        label="What changed", max_length=300, required=False, help_text="Shown in the framework's history."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for band in GradeBand:
            self.fields[f"look_fors_{band.value}"] = forms.CharField(
                label=f"Look-fors: {band.label}",
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text="One a line: what quality technology use looks like in these grades.",
            )

    def publish_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "levels": _lines(data["levels"]),
            "look_fors": {band: _lines(data.get(f"look_fors_{band}", "")) for band in GradeBand.values},
            "change_note": data["change_note"],
        }


class LookForField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: FrameworkLookFor) -> str:
        return f"{obj.text} ({GradeBand(obj.grade_band).label})"


class WalkthroughForm(forms.Form):
    school = forms.ModelChoiceField(label="School", queryset=School.objects.none(), empty_label=None)
    observed_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    grade_band = forms.ChoiceField(label="Grade band of the class", choices=GradeBand.choices)
    level = forms.ModelChoiceField(
        label="Level of technology use seen",
        queryset=FrameworkLevel.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    look_fors = LookForField(
        label="Look-fors seen",
        queryset=FrameworkLookFor.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, schools: QuerySet[Any], version: FrameworkVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        self.fields["level"].queryset = version.levels.all()  # type: ignore[attr-defined]
        self.fields["look_fors"].queryset = version.look_fors.all()  # type: ignore[attr-defined]


class RubricForm(forms.Form):
    competencies = forms.CharField(
        label="Areas of the rubric",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="One a line, “Name: what it looks like”. An area taken off stays in past self-assessments.",
    )

    def clean_competencies(self) -> list[str]:
        return _lines(self.cleaned_data["competencies"])


class SelfAssessmentForm(forms.Form):
    reflection = forms.CharField(
        label="Reflection (only you read it)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )

    def __init__(self, *args: Any, competencies: list[Competency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.competencies = competencies
        fields = {
            f"area_{c.pk}": forms.TypedChoiceField(
                label=c.name,
                help_text=c.description,
                choices=RubricLevel.choices,
                coerce=int,
                widget=forms.RadioSelect,
            )
            for c in competencies
        }
        self.fields = {**fields, **self.fields}

    def ratings(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"area_{c.pk}"] for c in self.competencies}


class CoachGoalForm(forms.Form):
    text = forms.CharField(label="My goal", max_length=300)
    competency = forms.ModelChoiceField(
        label="Area of the rubric (optional)",
        queryset=Competency.objects.none(),
        required=False,
        empty_label="None in particular",
    )

    def __init__(self, *args: Any, competencies: QuerySet[Competency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["competency"].queryset = competencies  # type: ignore[attr-defined]


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(choices=GoalStatus.choices)


class LearningForm(forms.Form):
    on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="Kind of learning", choices=LearningKind.choices)
    title = forms.CharField(label="What", max_length=200, help_text="e.g. “Book study: The Impact Cycle”.")
    minutes = forms.IntegerField(label="Minutes", min_value=1, max_value=1440)
    reflection = forms.CharField(
        label="What you will do differently with teachers",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    competency = forms.ModelChoiceField(
        label="Area of the rubric (optional)",
        queryset=Competency.objects.none(),
        required=False,
        empty_label="None in particular",
    )

    def __init__(self, *args: Any, competencies: QuerySet[Competency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["competency"].queryset = competencies  # type: ignore[attr-defined]


class ReviewNotesForm(forms.Form):
    what_worked = forms.CharField(
        label="What worked", widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=8000
    )
    what_to_change = forms.CharField(
        label="What to change next year",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=8000,
    )
