from __future__ import annotations

from typing import Any, cast

from django import forms

from coachmap.core.grades import GRADE_CHOICES
from coachmap.core.groups import GROUP_CHOICES
from coachmap.improvement.models import (
    DataSource,
    GoalStatus,
    ImprovementGoal,
    Indicator,
    IndicatorKind,
    Measurement,
    Tool,
)
from coachmap.roster.models import Subject, Window


class GoalForm(forms.ModelForm):
    class Meta:
        model = ImprovementGoal
        fields = [
            "statement",
            "subject",
            "student_group",
            "grade",
            "metric",
            "source",
            "window",
            "baseline",
            "baseline_date",
            "target",
            "target_date",
            "need_key",
        ]
        labels = {
            "statement": "Goal statement",
            "student_group": "Student group",
            "grade": "Grade",
            "source": "Measured on",
            "window": "Testing window",
            "baseline_date": "Baseline measured on",
            "target_date": "Target date",
        }
        help_texts = {
            "statement": "Student-centered and measurable, e.g. “By June 2027, 55% of our English learners "
            "will be proficient in ELA, up from 38%.”",
            "baseline": "Where the group is now, in the metric's unit.",
            "grade": "Leave empty for all grades.",
        }
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 3}),
            "baseline_date": forms.DateInput(attrs={"type": "date"}),
            "target_date": forms.DateInput(attrs={"type": "date"}),
            "need_key": forms.HiddenInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["grade"]).choices = [("", "All grades"), *GRADE_CHOICES]
        cast(forms.ChoiceField, self.fields["window"]).choices = [("", "Any window"), *Window.choices]
        self.fields["source"].required = False

    def clean_source(self) -> str:
        return self.cleaned_data.get("source") or DataSource.RESULTS.value


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["kind", "name", "subject", "student_group", "unit", "baseline", "target"]
        labels = {
            "kind": "What it measures",
            "name": "Name",
            "student_group": "Student group",
            "unit": "Unit (custom indicators)",
            "baseline": "Baseline",
            "target": "Target by the goal's date",
        }
        help_texts = {
            "name": "Optional for computed indicators; required for a custom one.",
            "subject": "Empty: the goal's subject.",
            "student_group": "Empty: the goal's group.",
            "baseline": "Empty: today's value, read from the data.",
        }
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = IndicatorKind.choices
        self.fields["name"].required = False
        cast(forms.ChoiceField, self.fields["subject"]).choices = [
            ("", "The goal's subject"),
            *Subject.choices,
        ]
        cast(forms.ChoiceField, self.fields["student_group"]).choices = [
            ("", "The goal's group"),
            *GROUP_CHOICES,
        ]


class MeasurementForm(forms.ModelForm):
    class Meta:
        model = Measurement
        fields = ["measured_on", "value", "note"]
        labels = {"measured_on": "Measured on", "note": "Note (optional)"}
        widgets = {"measured_on": forms.DateInput(attrs={"type": "date"})}


class ToolForm(forms.ModelForm):
    grades = forms.TypedMultipleChoiceField(
        choices=GRADE_CHOICES, coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label="Grades"
    )
    subjects = forms.MultipleChoiceField(
        choices=Subject.choices, required=False, widget=forms.CheckboxSelectMultiple, label="Subjects"
    )

    class Meta:
        model = Tool
        fields = ["name", "vendor", "kind", "grades", "subjects", "usage_name"]
        labels = {"kind": "Kind", "usage_name": "Name in usage exports"}


class ToolLinkForm(forms.Form):
    target = forms.ChoiceField(label="Goal or indicator it should move")
    rationale = forms.CharField(
        label="Why this tool should move it",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="E.g. “Daily Lexia practice gives English learners the decoding work the gap points to.”",
    )

    def __init__(self, *args: Any, goals: list[ImprovementGoal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[Any] = []
        for goal in goals:
            options = [(f"goal:{goal.pk}", f"The goal as a whole: {goal.statement[:70]}")]
            options += [(f"indicator:{i.pk}", f"Indicator: {i.name}") for i in goal.indicators.all()]
            choices.append((goal.statement[:60], options))
        cast(forms.ChoiceField, self.fields["target"]).choices = choices


class GoalEditForm(forms.Form):
    """What a principal may change on a school goal; each change is kept in its history."""

    statement = forms.CharField(label="Goal statement", widget=forms.Textarea(attrs={"rows": 3}))
    target = forms.FloatField(label="Target")
    target_date = forms.DateField(label="Target date", widget=forms.DateInput(attrs={"type": "date"}))


class DistrictGoalForm(forms.Form):
    """A district-wide goal, beside the schools' goals."""

    statement = forms.CharField(
        label="Goal statement",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Student-centered and measurable, e.g. “By June 2028, every school closes half its gap in "
        "math proficiency for students with disabilities.”",
    )
    subject = forms.ChoiceField(label="Subject", choices=Subject.choices)
    student_group = forms.ChoiceField(label="Student group", choices=GROUP_CHOICES, initial="all")
    target_date = forms.DateField(label="Target date", widget=forms.DateInput(attrs={"type": "date"}))


class DistrictGoalEditForm(DistrictGoalForm):
    status = forms.ChoiceField(label="Status", choices=GoalStatus.choices)
