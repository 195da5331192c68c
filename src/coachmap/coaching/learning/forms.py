"""Forms for professional-learning offerings: the catalog entry and attendance."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from coachmap.coaching.learning.models import GradeBand, Seat
from coachmap.coaching.learning.services import SessionPlan
from coachmap.core.models import Coach, District
from coachmap.improvement.models import GoalStatus, ImprovementGoal, Indicator, Tool

DATE_TIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class _Labelled(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if isinstance(obj, ImprovementGoal):
            return f"{obj.school}: {obj.statement}"
        if isinstance(obj, Indicator):
            return f"{obj.goal.school}: {obj.name}"
        if isinstance(obj, Tool):
            return f"{obj.name} ({obj.school})"
        return str(obj)


class OfferingForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    description = forms.CharField(label="What teachers will learn", widget=forms.Textarea(attrs={"rows": 4}))
    goals = _Labelled(
        label="School goals it serves",
        queryset=ImprovementGoal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    indicators = _Labelled(
        label="Indicators it serves",
        queryset=Indicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tools = _Labelled(
        label="Tools from the technology map",
        queryset=Tool.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    grade_bands = forms.MultipleChoiceField(
        label="Grade bands", choices=GradeBand.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    seats = forms.IntegerField(label="Seats", min_value=1, max_value=500, initial=20)
    presenter_coach = forms.ModelChoiceField(
        label="Presenter: a coach",
        queryset=Coach.objects.none(),
        required=False,
        empty_label="Someone from outside",
    )
    presenter_name = forms.CharField(
        label="Or an outside presenter", max_length=120, required=False, help_text="Name and organisation."
    )
    first_starts_at = forms.DateTimeField(label="First session starts", widget=DATE_TIME)
    second_starts_at = forms.DateTimeField(
        label="Second session starts",
        widget=DATE_TIME,
        required=False,
        help_text="Leave empty for one session.",
    )
    minutes = forms.IntegerField(label="Minutes per session", min_value=15, max_value=600, initial=60)
    place = forms.CharField(label="Place", max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        goals: QuerySet[ImprovementGoal],
        indicators: QuerySet[Indicator],
        tools: QuerySet[Tool],
        coaches: QuerySet[Coach],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = goals  # type: ignore[attr-defined]
        self.fields["indicators"].queryset = indicators  # type: ignore[attr-defined]
        self.fields["tools"].queryset = tools  # type: ignore[attr-defined]
        self.fields["presenter_coach"].queryset = coaches  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        starts = [s for s in (data["first_starts_at"], data.get("second_starts_at")) if s]
        return {
            "title": data["title"],
            "description": data["description"],
            "goals": list(data["goals"]),
            "indicators": list(data["indicators"]),
            "tools": list(data["tools"]),
            "grade_bands": data["grade_bands"],
            "seats": data["seats"],
            "presenter_coach": data["presenter_coach"],
            "presenter_name": data["presenter_name"],
            "sessions": [SessionPlan(s, data["minutes"], data["place"]) for s in starts],
        }


def offering_form(data: Any, district: District) -> OfferingForm:
    """The new-offering form, offering the district's active goals and indicators, its tools and its
    coaches (the page and the API bind the same one)."""
    return OfferingForm(
        data,
        goals=ImprovementGoal.objects.filter(
            school__district=district, status=GoalStatus.ACTIVE
        ).select_related("school"),
        indicators=Indicator.objects.filter(
            goal__school__district=district, goal__status=GoalStatus.ACTIVE
        ).select_related("goal__school"),
        tools=Tool.objects.filter(school__district=district).select_related("school").order_by("name"),
        coaches=Coach.objects.filter(district=district).select_related("user"),
    )


class SeatChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.teacher} ({obj.teacher.school})"


class AttendanceForm(forms.Form):
    present = SeatChoice(
        label="Who came", queryset=Seat.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, seats: QuerySet[Seat], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = seats  # type: ignore[attr-defined]
