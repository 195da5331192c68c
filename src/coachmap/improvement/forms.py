from __future__ import annotations

from django import forms

from coachmap.improvement.models import ImprovementGoal


class GoalForm(forms.ModelForm):
    class Meta:
        model = ImprovementGoal
        fields = ["statement", "subject", "student_group", "metric", "baseline", "target", "target_date"]
        labels = {
            "statement": "Goal statement",
            "student_group": "Student group",
            "target_date": "Target date",
        }
        help_texts = {
            "statement": "Student-centered and measurable, e.g. “By June 2027, 55% of our English learners "
            "will be proficient in ELA, up from 38%.”",
            "baseline": "Where the group is now, in the metric's unit.",
        }
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 3}),
            "target_date": forms.DateInput(attrs={"type": "date"}),
        }
