"""Forms for group cycles: form a group, plan, a shared session with student work, close."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from coachmap.coaching.groups.services import GROUP_OUTCOMES, WorkSample
from coachmap.coaching.models import CycleOutcome, EvidenceKind, GroupKind, Protocol, SessionType
from coachmap.core.models import Teacher
from coachmap.improvement.models import ImprovementGoal


class TeacherChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.school})"


class GoalChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.school}: {obj.statement}"


class GroupForm(forms.Form):
    name = forms.CharField(label="Group name", max_length=120, help_text="e.g. “Grade 3 team”.")
    kind = forms.ChoiceField(label="Kind of group", choices=GroupKind.choices, widget=forms.RadioSelect)
    improvement_goal = GoalChoice(label="School goal it serves", queryset=ImprovementGoal.objects.none())
    focus = forms.CharField(
        label="What the group will look into",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="A question about students' learning, e.g. “How do our students explain the main idea?”",
    )
    teachers = TeacherChoice(
        label="Teachers to invite",
        queryset=Teacher.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Each teacher is asked and decides alone; nobody else learns who declined.",
    )

    def __init__(
        self, *args: Any, goals: QuerySet[ImprovementGoal], teachers: QuerySet[Teacher], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["improvement_goal"].queryset = goals  # type: ignore[attr-defined]
        self.fields["teachers"].queryset = teachers  # type: ignore[attr-defined]


class GroupPlanForm(forms.Form):
    learning_target = forms.CharField(
        label="Student learning target",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
    )
    look_fors = forms.CharField(
        label="Look-fors",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="One a line: what the group will look for in each other's classrooms.",
    )

    def clean_look_fors(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["look_fors"].splitlines() if line.strip()]


class GroupSessionForm(forms.Form):
    """A shared session; for each member who joined, how many students met the target on the work
    they brought (left empty when they brought none)."""

    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    minutes = forms.IntegerField(label="Minutes", min_value=1, max_value=600)
    session_type = forms.ChoiceField(
        label="Type", choices=[c for c in SessionType.choices if c[0] != SessionType.MICRO]
    )
    protocol = forms.ChoiceField(label="Protocol", choices=Protocol.choices)
    kind = forms.ChoiceField(
        label="The student work is from",
        choices=EvidenceKind.choices,
        widget=forms.RadioSelect,
        initial="pre",
    )
    measure = forms.CharField(
        label="Student work looked at",
        max_length=200,
        required=False,
        help_text="e.g. “exit ticket on main idea”.",
    )
    notes = forms.CharField(
        label="Notes",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Confidential: only the group's members and you can read them.",
    )
    next_steps = forms.CharField(label="Next steps", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, members: list[Teacher], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for t in members:
            self.fields[f"assessed_{t.pk}"] = forms.IntegerField(
                label=f"{t}: students assessed", min_value=1, max_value=500, required=False
            )
            self.fields[f"meeting_{t.pk}"] = forms.IntegerField(
                label=f"{t}: students meeting the target", min_value=0, max_value=500, required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        work = []
        for t in self.members:
            assessed, meeting = data.get(f"assessed_{t.pk}"), data.get(f"meeting_{t.pk}")
            if assessed is None and meeting is None:
                continue
            if assessed is None or meeting is None:
                self.add_error(f"assessed_{t.pk}", f"Give both counts for {t}, or neither.")
                continue
            work.append(
                WorkSample(
                    t, data.get("kind", "pre"), data.get("measure") or "student work", assessed, meeting
                )
            )
        data["work"] = work
        return data

    def service_data(self) -> dict[str, Any]:
        keep = ("date", "minutes", "session_type", "protocol", "notes", "next_steps", "work")
        return {k: self.cleaned_data[k] for k in keep}


class GroupCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="How the group cycle ended",
        choices=[c for c in CycleOutcome.choices if c[0] in GROUP_OUTCOMES],
        widget=forms.RadioSelect,
    )
    referred_to = forms.CharField(label="Referred to", max_length=200, required=False)
