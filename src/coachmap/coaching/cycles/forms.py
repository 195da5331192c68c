"""Forms for a cycle: plan, stage, session, micro-coaching, evidence, check-in, close."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from coachmap.coaching.cycles import rules
from coachmap.coaching.models import (
    CoachingCycle,
    CycleOutcome,
    CycleStage,
    EvidenceKind,
    SessionType,
)
from coachmap.improvement.models import FrameworkLookFor, FrameworkVersion, GradeBand, band_of_grade
from coachmap.library.models import Resource


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class FrameworkLookForField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: FrameworkLookFor) -> str:
        return f"{obj.text} ({GradeBand(obj.grade_band).label})"


def add_framework_fields(
    form: forms.Form, version: FrameworkVersion | None, grades: list[int] | None = None
) -> None:
    """Let a check-in or a micro-coaching log pick from the district's look-for framework: the grade
    band (the teacher's, when known), look-fors of that band, and a level. All optional."""
    if version is None:
        return
    bands = sorted({band_of_grade(g) for g in grades or []})
    look_fors = version.look_fors.all()
    if bands:
        look_fors = look_fors.filter(grade_band__in=bands)
    form.fields["framework_band"] = forms.ChoiceField(
        label="Grade band of the class (framework)",
        choices=[("", "Not this time"), *GradeBand.choices],
        required=False,
        initial=bands[0] if len(bands) == 1 else "",
    )
    form.fields["framework_look_fors"] = FrameworkLookForField(
        label=f"Framework look-fors seen (version {version.number})",
        queryset=look_fors,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    form.fields["framework_level"] = forms.ModelChoiceField(
        label="Level of technology use seen",
        queryset=version.levels.all(),
        required=False,
        widget=forms.RadioSelect,
        empty_label="No level this time",
        help_text="The district's framework: from Entry to Transformation. Counted only in aggregates.",
    )


class PlanForm(forms.Form):
    learning_target = forms.CharField(
        label="Student learning target",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
        help_text="What students will be able to do, in their words: “I can explain the main idea with two details.”",
    )
    practice = forms.CharField(
        label="Practice",
        max_length=120,
        required=False,
        help_text="e.g. small-group rotations, exit tickets.",
    )
    tools = forms.CharField(
        label="Tools", max_length=300, required=False, help_text="Separated by commas, e.g. “Lexia, Seesaw”."
    )
    look_fors = forms.CharField(
        label="Look-fors",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="One a line: what you will both look for in class, e.g. “each group knows its next task”.",
    )

    def clean_tools(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["tools"].split(",") if t.strip()]

    def clean_look_fors(self) -> list[str]:
        return _lines(self.cleaned_data["look_fors"])


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label="When", choices=EvidenceKind.choices, widget=forms.RadioSelect)
    measure = forms.CharField(label="Measure", max_length=200, help_text="e.g. “exit ticket on main idea”.")
    measured_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    students_assessed = forms.IntegerField(label="Students assessed", min_value=1, max_value=500)
    students_meeting = forms.IntegerField(label="Students meeting the target", min_value=0, max_value=500)


class CycleSessionForm(forms.Form):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    minutes = forms.IntegerField(label="Minutes", min_value=1, max_value=600)
    session_type = forms.ChoiceField(label="Type", choices=SessionType.choices)
    notes = forms.CharField(
        label="Confidential notes",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Only you and the teacher can ever read these.",
    )
    next_steps = forms.CharField(
        label="Agreed next steps", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    next_meeting_on = forms.DateField(
        label="Next meeting (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="If you agreed one: it shows on your caseload, and you and the teacher are reminded the day before.",
    )
    look_fors_seen = forms.MultipleChoiceField(
        label="Look-fors seen", required=False, widget=forms.CheckboxSelectMultiple
    )
    resources = forms.ModelMultipleChoiceField(
        label="Resources used",
        queryset=Resource.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, cycle: CoachingCycle, resources: QuerySet[Resource], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        seen = self.fields["look_fors_seen"]
        assert isinstance(seen, forms.MultipleChoiceField)  # noqa: S101 - narrows the type
        seen.choices = [(item, item) for item in cycle.look_fors]
        if not cycle.look_fors:
            del self.fields["look_fors_seen"]
        used = self.fields["resources"]
        assert isinstance(used, forms.ModelMultipleChoiceField)  # noqa: S101 - narrows the type
        used.queryset = resources
        if not resources.exists():
            del self.fields["resources"]


class TeacherOfCycleField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CoachingCycle) -> str:
        return str(obj.teacher)


class MicroForm(forms.Form):
    """Micro-coaching in a few taps: who, how long; everything else has a default."""

    cycle = TeacherOfCycleField(
        label="Teacher", queryset=CoachingCycle.objects.none(), empty_label=None, widget=forms.RadioSelect
    )
    minutes = forms.TypedChoiceField(
        label="Minutes",
        choices=[(m, f"{m} min") for m in (5, 10, 15, 20)],
        coerce=int,
        initial=10,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="One line (confidential, optional)", max_length=300, required=False)
    next_step = forms.CharField(label="Next step (optional)", max_length=300, required=False)

    def __init__(
        self,
        *args: Any,
        cycles: QuerySet[CoachingCycle],
        framework: FrameworkVersion | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        add_framework_fields(self, framework)
        field = self.fields["cycle"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        field.queryset = cycles
        if cycles.count() == 1:
            field.initial = cycles.first()


class CheckInForm(forms.Form):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    seen = forms.MultipleChoiceField(
        label="Look-fors seen in class", required=False, widget=forms.CheckboxSelectMultiple
    )
    barriers = forms.CharField(
        label="Barriers",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="What got in the way, so you can remove it together.",
    )
    adaptations = forms.CharField(
        label="Adaptations to celebrate",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="What the teacher changed to fit their students: a strength, not a deviation.",
    )

    def __init__(
        self, *args: Any, cycle: CoachingCycle, framework: FrameworkVersion | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["seen"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101 - narrows the type
        field.choices = [(item, item) for item in cycle.look_fors]
        if not cycle.look_fors:
            del self.fields["seen"]
        add_framework_fields(self, framework, list(cycle.teacher.grades or []))


class CloseForm(forms.Form):
    # A handover needs the receiving coach and a private note: it has its own page.
    outcome = forms.ChoiceField(
        label="How did the cycle end?",
        choices=[c for c in CycleOutcome.choices if c[0] != CycleOutcome.HANDED_OVER],
        widget=forms.RadioSelect,
    )
    referred_to = forms.CharField(
        label="Referred to (when referred on)",
        max_length=200,
        required=False,
        help_text="e.g. “the building instructional coach” or “the new-teacher mentor”.",
    )


class StageForm(forms.Form):
    stage = forms.ChoiceField(choices=[(s, CycleStage(s).label) for s in rules.STAGES])


def today() -> datetime.date:
    return timezone.localdate()
