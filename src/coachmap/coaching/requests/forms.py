"""Forms for goals and requests: a teacher's goal, their request for coaching, a lead assigning a coach."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from coachmap.coaching.requests.queries import CoachLoad
from coachmap.core.models import Coach
from coachmap.improvement.models import DistrictGoal, ImprovementGoal


class TeacherGoalForm(forms.Form):
    """A teacher's goal, from one of the school's active goals or one of the district's (issue 16)."""

    serves = forms.ChoiceField(label="The goal this serves", widget=forms.RadioSelect)
    statement = forms.CharField(
        label="My professional goal",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="What you will do differently in your classroom to move the school goal, e.g. "
        "“Use the reading app's leveled texts in small groups twice a week with my English learners.”",
    )

    def __init__(
        self,
        *args: Any,
        school_goals: QuerySet[ImprovementGoal],
        district_goals: QuerySet[DistrictGoal] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._goals: dict[str, tuple[str, ImprovementGoal | DistrictGoal]] = {}
        for g in school_goals:
            self._goals[f"school-{g.pk}"] = ("improvement_goal", g)
        for d in district_goals if district_goals is not None else []:
            self._goals[f"district-{d.pk}"] = ("district_goal", d)
        field = self.fields["serves"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type
        field.choices = [
            (key, f"{'Our school' if kind == 'improvement_goal' else 'The district'}: {goal.statement}")
            for key, (kind, goal) in self._goals.items()
        ]
        if len(self._goals) == 1:
            field.initial = next(iter(self._goals))

    @property
    def has_goals(self) -> bool:
        return bool(self._goals)

    def goal_kwargs(self) -> dict[str, Any]:
        """The chosen goal as the service's keyword: improvement_goal= or district_goal=."""
        kind, goal = self._goals[self.cleaned_data["serves"]]
        return {kind: goal, "statement": self.cleaned_data["statement"]}


class RequestForm(forms.Form):
    needs = forms.CharField(
        label="What would you like help with?",
        help_text="Tools, content or practices, separated by commas (e.g. “small-group reading, Lexia, exit tickets”).",
        max_length=500,
    )
    note = forms.CharField(
        label="Anything your coach should know (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def clean_needs(self) -> list[str]:
        needs = [n.strip() for n in self.cleaned_data["needs"].split(",") if n.strip()]
        if not needs:
            raise forms.ValidationError("Name at least one thing you want help with.")
        return needs


class CoachChoiceField(forms.ModelChoiceField):
    """Each coach labelled with their type and how full their caseload is."""

    def __init__(self, *args: Any, loads: dict[int, int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.loads = loads or {}

    def label_from_instance(self, obj: Coach) -> str:
        return f"{obj} — {obj.get_coach_type_display()}, {self.loads.get(obj.pk, 0)} of {obj.capacity} places taken"


class AssignForm(forms.Form):
    coach = CoachChoiceField(
        queryset=Coach.objects.none(), label="Coach", empty_label=None, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, coaches: list[CoachLoad], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["coach"]
        assert isinstance(field, CoachChoiceField)  # noqa: S101 - narrows the type
        field.queryset = Coach.objects.filter(pk__in=[o.coach.pk for o in coaches]).select_related("user")
        field.loads = {o.coach.pk: o.load for o in coaches}
