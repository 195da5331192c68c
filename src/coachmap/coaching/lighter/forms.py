"""Forms for lighter supports: a micro-coaching conversation, a peer observation's host and date, a reflection."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from coachmap.core.models import Teacher


class TeacherChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.school})"


class MicroConversationForm(forms.Form):
    teacher = TeacherChoiceField(label="Teacher", queryset=Teacher.objects.none())
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    minutes = forms.TypedChoiceField(
        label="Minutes",
        choices=[(m, f"{m} min") for m in (5, 10, 15, 20, 30)],
        coerce=int,
        initial=10,
        widget=forms.RadioSelect,
    )
    focus = forms.CharField(
        label="Focus or look-for", max_length=200, help_text="The practice the conversation was about."
    )
    next_step = forms.CharField(
        label="Next step",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What the teacher will try next.",
    )
    notes = forms.CharField(
        label="Notes (confidential: the teacher and you only)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, teachers: QuerySet[Teacher], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["teacher"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        field.queryset = teachers


class ObservationArrangeForm(forms.Form):
    host = TeacherChoiceField(
        label="Host teacher",
        queryset=Teacher.objects.none(),
        help_text="The colleague is asked first; the visit happens only if they say yes.",
    )
    date = forms.DateField(label="Date of the visit", widget=forms.DateInput(attrs={"type": "date"}))
    focus = forms.CharField(label="What to watch for", max_length=200)

    def __init__(self, *args: Any, hosts: QuerySet[Teacher], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["host"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        field.queryset = hosts


class ReflectionForm(forms.Form):
    reflection = forms.CharField(
        label="Your reflection",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you saw, and what you will try in your own class.",
    )
