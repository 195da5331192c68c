"""Forms for partnership agreements."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from coachmap.coaching.agreements.figures import FIGURE_CHOICES
from coachmap.coaching.models import (
    ScheduleSetter,
)
from coachmap.core.models import Coach, School


class AgreementForm(forms.Form):
    who_is_coached = forms.CharField(
        label="Who will be coached?",
        widget=forms.Textarea(attrs={"rows": 2}),
        initial="Any teacher who asks. Coaching is voluntary and is never assigned as a consequence of evaluation.",
    )
    schedule_set_by = forms.ChoiceField(
        label="Who sets the coach’s schedule?", choices=ScheduleSetter.choices, initial=ScheduleSetter.COACH
    )
    success_looks_like = forms.CharField(
        label="What does success look like?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Tie it to the school’s improvement goals: what students will do differently.",
    )
    principal_will_ask = forms.CharField(
        label="What the principal will ask about",
        widget=forms.Textarea(attrs={"rows": 2}),
        initial="Trends: how many teachers are coached, on which goals and practices, and how students are doing.",
    )
    principal_will_not_ask = forms.CharField(
        label="What the principal will not ask about",
        widget=forms.Textarea(attrs={"rows": 2}),
        initial="What was said in a session, who asked for coaching, or how a particular teacher is doing.",
    )
    data_collected = forms.CharField(
        label="Data the coach collects",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        initial="Teacher surveys after sessions, how the coach spends their time, and reach: how many "
        "teachers take part, in cycles and lighter supports. Reviewed together at our check-ins, as totals only.",
        help_text="What you will review together at your check-ins. Totals only: never session notes.",
    )


class AgreementPartyForm(AgreementForm):
    """A new agreement: the coach picks one of their schools, or the principal one of their coaches."""

    school = forms.ModelChoiceField(label="School", queryset=School.objects.none(), required=False)
    coach = forms.ModelChoiceField(label="Coach", queryset=Coach.objects.none(), required=False)

    def __init__(
        self,
        *args: Any,
        schools: QuerySet[School] | None = None,
        coaches: QuerySet[Coach] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        school_field, coach_field = self.fields["school"], self.fields["coach"]
        assert isinstance(school_field, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        assert isinstance(coach_field, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        if schools is not None:
            school_field.queryset, school_field.required = schools, True
            del self.fields["coach"]
        if coaches is not None:
            coach_field.queryset, coach_field.required = coaches.select_related("user"), True
            del self.fields["school"]
        self.order_fields(["school", "coach"])


class CheckInForm(forms.Form):
    """A principal–coach check-in: who (the coach picks a school, the principal a coach), when, which figures."""

    school = forms.ModelChoiceField(label="School", queryset=School.objects.none(), required=False)
    coach = forms.ModelChoiceField(label="Coach", queryset=Coach.objects.none(), required=False)
    date = forms.DateField(label="Date of the meeting", widget=forms.DateInput(attrs={"type": "date"}))
    figure_keys = forms.MultipleChoiceField(
        label="School figures to review",
        choices=FIGURE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=["teachers_coached", "sessions", "coach_time"],
        help_text="Totals for the school only: no teacher is named and no session note is shown.",
    )

    def __init__(
        self,
        *args: Any,
        schools: QuerySet[School] | None = None,
        coaches: QuerySet[Coach] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        school_field, coach_field = self.fields["school"], self.fields["coach"]
        assert isinstance(school_field, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        assert isinstance(coach_field, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        if schools is not None:
            school_field.queryset, school_field.required = schools, True
            del self.fields["coach"]
        if coaches is not None:
            coach_field.queryset, coach_field.required = coaches.select_related("user"), True
            del self.fields["school"]


class CheckInNotesForm(forms.Form):
    notes = forms.CharField(
        label="Notes of the meeting",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you saw in the figures and what you agreed. Read by the principal, the coach and "
        "the program lead; never name a teacher or what was said in a session.",
    )
