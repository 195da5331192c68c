"""Forms for best fit: intake, observations, coach profiles, look-fors, routing policy, proposal edits."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from coachmap.coaching.bestfit.models import AVAILABILITY_CHOICES
from coachmap.coaching.models import LookFor
from coachmap.core.models import Coach

# --- best fit: intake, observations, profiles, policy, matching --------------------------------

SCALE_CHOICES = [(1, "1 not yet"), (2, "2"), (3, "3"), (4, "4"), (5, "5 very much so")]
BAND_CHOICES = [("elementary", "Elementary"), ("middle", "Middle"), ("high", "High")]


def comma_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class CommaListField(forms.CharField):
    """A comma-separated list typed by a person, cleaned into a list of strings."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 500)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    def clean(self, value: Any) -> list[str]:
        return comma_list(super().clean(value) or "")


class RankedChoiceField(forms.MultiValueField):
    """Up to `slots` choices in order of preference, each picked by name from a list ("First", "Then"...).

    Cleans into the list of chosen values in order, blanks dropped; the same value twice is an error.
    """

    def __init__(self, *, choices: list[tuple[str, str]], slots: int, name: str, **kwargs: Any) -> None:
        options = [("", "— none —"), *choices]
        fields = [forms.ChoiceField(choices=options, required=False) for _ in range(slots)]
        ordinals = ["First", "Then", "Then", "Then", "Then", "Then"]
        widget = RankedWidget(
            widgets=[
                forms.Select(
                    choices=options, attrs={"aria-label": f"{name}: {ordinals[i].lower()} ({i + 1})"}
                )
                for i in range(slots)
            ]
        )
        kwargs.setdefault("required", False)
        super().__init__(fields=fields, widget=widget, require_all_fields=False, **kwargs)
        self.choice_labels = dict(choices)

    def compress(self, data_list: list[str]) -> list[str]:
        chosen = [v for v in data_list if v]
        twice = sorted({self.choice_labels.get(v, v) for v in chosen if chosen.count(v) > 1})
        if twice:
            raise forms.ValidationError(f"{', '.join(twice)} is chosen twice; choose each at most once.")
        return chosen


class RankedWidget(forms.MultiWidget):
    def decompress(self, value: Any) -> list[str]:
        values = list(value or [])
        return [*values, *[""] * (len(self.widgets) - len(values))][: len(self.widgets)]


class IntakeForm(forms.Form):
    years_experience = forms.IntegerField(label="Years of teaching experience", min_value=0, max_value=60)
    new_to_adoption = forms.BooleanField(label="I am new to our current curriculum adoption", required=False)
    tech_comfort = forms.TypedChoiceField(
        label="How comfortable are you with classroom technology?",
        choices=SCALE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    needs_tools = CommaListField(
        label="Tools you want help with", help_text="Separated by commas, e.g. “Lexia, Seesaw”."
    )
    needs_content = forms.MultipleChoiceField(
        label="Subjects you want help in", choices=[], required=False, widget=forms.CheckboxSelectMultiple
    )
    needs_practices = CommaListField(
        label="Practices you want help with",
        help_text="Separated by commas, e.g. “small-group rotations, exit tickets”.",
    )
    availability = forms.MultipleChoiceField(
        label="When could you meet a coach?",
        choices=AVAILABILITY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_coach = forms.ModelChoiceField(
        queryset=Coach.objects.none(),
        required=False,
        label="A coach you would like to work with (optional)",
        empty_label="No preference",
    )
    language = forms.CharField(
        label="A language you would like to be coached in (optional)", required=False, max_length=40
    )

    def __init__(self, *args: Any, coaches: QuerySet[Coach], **kwargs: Any) -> None:
        from coachmap.coaching.bestfit.placement import SELF_ASSESSMENT
        from coachmap.roster.models import Subject

        super().__init__(*args, **kwargs)
        field = self.fields["preferred_coach"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        field.queryset = coaches
        content = self.fields["needs_content"]
        assert isinstance(content, forms.MultipleChoiceField)  # noqa: S101 - narrows the type
        content.choices = Subject.choices
        for item in SELF_ASSESSMENT:
            self.fields[f"item_{item.key}"] = forms.TypedChoiceField(
                label=item.text, choices=SCALE_CHOICES, coerce=int, widget=forms.RadioSelect
            )
        # Experience, then the self-assessment, then needs and preferences: the order a teacher thinks in.
        self.order_fields(
            [
                "years_experience",
                "new_to_adoption",
                *(f"item_{i.key}" for i in SELF_ASSESSMENT),
                "tech_comfort",
            ]
        )

    def answers(self) -> dict[str, int]:
        return {k.removeprefix("item_"): v for k, v in self.cleaned_data.items() if k.startswith("item_")}

    def service_kwargs(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("item_")}
        return {**data, "answers": self.answers()}


class ObservationForm(forms.Form):
    look_fors = forms.ModelMultipleChoiceField(
        queryset=LookFor.objects.none(),
        required=False,
        label="Look-fors you have seen",
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label="Observation (the teacher and their coaches can read this)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    experience_shift = forms.TypedChoiceField(
        label="Move on the experience axis",
        coerce=float,
        initial=0.0,
        choices=[
            (-2.0, "2 years less"),
            (-1.0, "1 year less"),
            (0.0, "As is"),
            (1.0, "1 year more"),
            (2.0, "2 years more"),
        ],
    )
    confidence_shift = forms.TypedChoiceField(
        label="Move on the confidence axis",
        coerce=float,
        initial=0.0,
        choices=[
            (-1.0, "1 point lower"),
            (-0.5, "½ point lower"),
            (0.0, "As is"),
            (0.5, "½ point higher"),
            (1.0, "1 point higher"),
        ],
    )
    reason = forms.CharField(
        label="Why the placement moves (needed when it moves)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )

    def __init__(self, *args: Any, look_fors: QuerySet[LookFor], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["look_fors"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - narrows the type
        field.queryset = look_fors
        field.label_from_instance = lambda obj: f"{obj.text} ({obj.get_quadrant_display().lower()})"  # type: ignore[method-assign]


class CoachProfileForm(forms.Form):
    tools = CommaListField(
        label="Tools you coach", help_text="Separated by commas, e.g. “Lexia, Seesaw, Google Classroom”."
    )
    practices = CommaListField(
        label="Practices you coach", help_text="Separated by commas, e.g. “small-group rotations”."
    )
    content_areas = forms.MultipleChoiceField(
        label="Subjects", choices=[], required=False, widget=forms.CheckboxSelectMultiple
    )
    grade_bands = forms.MultipleChoiceField(
        label="Grade bands", choices=BAND_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    quadrants = forms.MultipleChoiceField(
        label="Teachers you work best with", choices=[], required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = CommaListField(label="Languages you coach in", help_text="Separated by commas.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from coachmap.coaching.bestfit.placement import QUADRANT_CHOICES
        from coachmap.roster.models import Subject

        super().__init__(*args, **kwargs)
        self.fields["content_areas"].choices = Subject.choices  # type: ignore[attr-defined]
        self.fields["quadrants"].choices = QUADRANT_CHOICES  # type: ignore[attr-defined]


class LookForForm(forms.Form):
    quadrant = forms.ChoiceField(label="Quadrant", choices=[])
    text = forms.CharField(label="Look-for", max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from coachmap.coaching.bestfit.placement import QUADRANT_CHOICES

        super().__init__(*args, **kwargs)
        self.fields["quadrant"].choices = QUADRANT_CHOICES  # type: ignore[attr-defined]


class PolicyForm(forms.Form):
    experience_threshold = forms.FloatField(
        label="Newer teachers have fewer years than", min_value=0, max_value=40
    )
    adoption_discount = forms.FloatField(
        label="Years taken off for a teacher new to the curriculum adoption", min_value=0, max_value=10
    )
    confidence_threshold = forms.FloatField(
        label="Building confidence below (self-assessment, 1–5)", min_value=1, max_value=5
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from coachmap.coaching.bestfit.matching.model import PART_KEYS, PART_LABELS
        from coachmap.coaching.bestfit.placement import Quadrant

        super().__init__(*args, **kwargs)
        for key in PART_KEYS:
            self.fields[f"weight_{key}"] = forms.IntegerField(
                label=f"Points for “{PART_LABELS[key].lower()}”", min_value=0, max_value=100
            )
        from coachmap.coaching.bestfit.routing import OFFER_CHOICES, SUPPORT_TYPE_LABELS

        types = list(SUPPORT_TYPE_LABELS.items())
        offers = [(value, label.split(" (")[0]) for value, label in OFFER_CHOICES]
        for q in Quadrant:
            self.fields[f"types_{q.value}"] = RankedChoiceField(
                label=f"{q.label}: which coach to try, in order",
                help_text="Matching tries the first; if none of those coaches has room, the next.",
                choices=types,
                slots=len(types),
                name=f"{q.label}, coach",
            )
            self.fields[f"offers_{q.value}"] = RankedChoiceField(
                label=f"{q.label}: lighter support to offer when no coach has room, in order",
                choices=offers,
                slots=len(offers),
                name=f"{q.label}, lighter support",
            )

    def service_kwargs(self) -> dict[str, Any]:
        from coachmap.coaching.bestfit.matching.model import PART_KEYS
        from coachmap.coaching.bestfit.placement import Quadrant
        from coachmap.coaching.bestfit.routing import Route

        data = self.cleaned_data
        return {
            "experience_threshold": data["experience_threshold"],
            "adoption_discount": data["adoption_discount"],
            "confidence_threshold": data["confidence_threshold"],
            "weights": {key: data[f"weight_{key}"] for key in PART_KEYS},
            "routes": {
                q: Route(tuple(data[f"types_{q.value}"]), tuple(data[f"offers_{q.value}"])) for q in Quadrant
            },
        }


class ProposalEditForm(forms.Form):
    coach = forms.ChoiceField(
        label="Propose this coach instead (best fit with this teacher first)",
        required=False,
        widget=forms.RadioSelect,
    )
    offer = forms.ChoiceField(label="…or a lighter offer instead", required=False)
    reason = forms.CharField(
        label="Why you change it (for the coaching team only)",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )

    def __init__(self, *args: Any, options: list[Any], **kwargs: Any) -> None:
        from coachmap.coaching.bestfit.matching.explain import points
        from coachmap.coaching.bestfit.routing import OFFER_CHOICES

        super().__init__(*args, **kwargs)
        self.coaches = {str(o.coach.pk): o.coach for o in options}
        self.fields["coach"].choices = [  # type: ignore[attr-defined]
            (
                str(o.coach.pk),
                f"{o.coach} — "
                + ("" if o.score is None else f"fits {points(o.score)} points; ")
                + f"{o.free} of {o.coach.capacity} places free; {o.coach.get_coach_type_display()}",
            )
            for o in options
        ]
        self.fields["offer"].choices = [("", "No offer"), *OFFER_CHOICES]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("coach")) == bool(data.get("offer")):
            raise forms.ValidationError("Choose either a coach or a lighter offer.")
        return data
