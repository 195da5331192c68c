from __future__ import annotations

from typing import Any

from django import forms

from coachmap.feedback.models import SCALE, QuestionKind, Survey
from coachmap.feedback.services import OFFERING_QUESTIONS, PULSE_QUESTIONS


class PulseForm(forms.Form):
    """The three pulse questions, answered together with one button."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, text in PULSE_QUESTIONS.items():
            self.fields[name] = forms.TypedChoiceField(
                label=text, choices=SCALE, coerce=int, widget=forms.RadioSelect(attrs={"class": "scale"})
            )


class OfferingFeedbackForm(forms.Form):
    """The three questions after a professional-learning offering, answered together."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, text in OFFERING_QUESTIONS.items():
            self.fields[name] = forms.TypedChoiceField(
                label=text, choices=SCALE, coerce=int, widget=forms.RadioSelect(attrs={"class": "scale"})
            )


class SurveyForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, initial="End-of-year faculty survey on coaching")
    introduction = forms.CharField(
        label="Introduction",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        initial="Your answers are anonymous: they are stored without your name and shown only as totals for the whole district.",
    )


class QuestionForm(forms.Form):
    text = forms.CharField(label="Question", max_length=300)
    kind = forms.ChoiceField(label="Answer with", choices=QuestionKind.choices, initial=QuestionKind.SCALE)
    options = forms.CharField(
        label="Choices (for a choice question), one a line",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def clean_options(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


class SurveyAnswerForm(forms.Form):
    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in survey.questions.all():
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text,
                choices=question.labels,
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
            )

    def answers(self) -> dict[int, int]:
        return {int(k[1:]): v for k, v in self.cleaned_data.items() if v not in (None, "")}
