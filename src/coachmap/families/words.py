"""A family report's figures in sentences, in the active language (Django's translation framework).

Every sentence is one message of the catalog (`src/coachmap/locale/<code>/LC_MESSAGES/django.po`),
with its numbers, dates and names as placeholders, so a translator writes whole sentences and the
numbers are formatted the reader's way ("12.5%" in English, "12,5 %" in Spanish).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.template.defaultfilters import floatformat
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

SUBJECTS = {
    "ela": gettext_lazy("reading and writing"),
    "math": gettext_lazy("math"),
    "science": gettext_lazy("science"),
    "social_studies": gettext_lazy("social studies"),
    "other": gettext_lazy("other subjects"),
}

# Groups as a family says them, after "more": "more English learners".
GROUPS = {
    "all": gettext_lazy("students"),
    "el": gettext_lazy("students who are learning English"),
    "swd": gettext_lazy("students with disabilities"),
    "ed": gettext_lazy("students from families with low incomes"),
    "race:american_indian": gettext_lazy("American Indian or Alaska Native students"),
    "race:asian": gettext_lazy("Asian students"),
    "race:black": gettext_lazy("Black or African American students"),
    "race:hispanic": gettext_lazy("Hispanic or Latino students"),
    "race:pacific_islander": gettext_lazy("Native Hawaiian or Pacific Islander students"),
    "race:white": gettext_lazy("White students"),
    "race:multiracial": gettext_lazy("students of two or more races"),
    "gender:female": gettext_lazy("girls"),
    "gender:male": gettext_lazy("boys"),
    "gender:nonbinary": gettext_lazy("nonbinary students"),
}

TERMS = {
    "fall": gettext_lazy("Fall"),
    "winter": gettext_lazy("Winter"),
    "spring": gettext_lazy("Spring"),
}


def number(value: float) -> str:
    """A number the reader's way: "12.5" or "12,5"; whole numbers without decimals."""
    return str(floatformat(value, -1))


def percent(value: float) -> str:
    return pgettext("a percentage", "{number}%").format(number=number(value))


def date(value: str | datetime.date) -> str:
    day = datetime.date.fromisoformat(value) if isinstance(value, str) else value
    return str(formats.date_format(day, "DATE_FORMAT"))


def subject(code: str) -> str:
    return str(SUBJECTS.get(code, SUBJECTS["other"]))


def group(code: str) -> str:
    return str(GROUPS.get(code, _("a group of students")))


def grade(n: int | None) -> str:
    if n is None:
        return ""
    if n == -1:
        return _("pre-kindergarten")
    if n == 0:
        return _("kindergarten")
    return _("grade %(grade)s") % {"grade": n}


def grades(values: list[int]) -> str:
    return ", ".join(grade(g) for g in values)


def term(code: str, school_year: int) -> str:
    return _("%(term)s, school year %(start)s–%(end)s") % {
        "term": TERMS.get(code, code),
        "start": school_year - 1,
        "end": school_year,
    }


CODED = {
    "low": gettext_lazy("%(percent)s or fewer"),
    "high": gettext_lazy("%(percent)s or more"),
}
CODED_BOUND = {"low": 5, "high": 95}


def figure(fig: dict[str, Any] | None, metric: str) -> str:
    """One of the report's figures: a rate coded near its ends, points for the rest."""
    fig = fig or {}
    coded, value = fig.get("coded"), fig.get("value")
    if coded in CODED:
        return str(CODED[coded]) % {"percent": percent(CODED_BOUND[coded])}
    if value is None:
        return ""
    if metric == "proficiency_rate":
        return percent(value)
    whole = round(abs(value))
    if metric == "gap":
        return ngettext("%(points)s percentage point", "%(points)s percentage points", whole) % {
            "points": number(value)
        }
    return ngettext("%(points)s point", "%(points)s points", whole) % {"points": number(value)}


@dataclass(frozen=True)
class Sentences:
    """A metric's sentences: the goal, where it started, the newest figure, the aim."""

    heading: Any
    baseline: Any
    latest: Any
    aim: Any


SCORE_LINES = {
    "baseline": gettext_lazy("When we set this goal, the figure was %(figure)s."),
    "latest": gettext_lazy("In our newest results (%(date)s), the figure was %(figure)s."),
    "aim": gettext_lazy("Our aim: reach %(figure)s by %(date)s."),
}
SENTENCES = {
    "proficiency_rate": Sentences(
        gettext_lazy("Goal: more %(group)s meet the standard in %(subject)s."),
        gettext_lazy("When we set this goal, %(figure)s of them met the standard."),
        gettext_lazy("In our newest results (%(date)s), %(figure)s met the standard."),
        gettext_lazy("Our aim: %(figure)s by %(date)s."),
    ),
    "gap": Sentences(
        gettext_lazy("Goal: close the gap between %(group)s and all students in %(subject)s."),
        gettext_lazy("When we set this goal, the gap was %(figure)s."),
        gettext_lazy("In our newest results (%(date)s), the gap was %(figure)s."),
        gettext_lazy("Our aim: a gap of %(figure)s by %(date)s."),
    ),
    "growth": Sentences(
        gettext_lazy("Goal: help %(group)s grow more in %(subject)s during the year."), **SCORE_LINES
    ),
    "mean_scale_score": Sentences(
        gettext_lazy("Goal: raise the scores of %(group)s in %(subject)s."), **SCORE_LINES
    ),
}
STATUSES = {
    "met": gettext_lazy("We reached this goal."),
    "on_track": gettext_lazy("We are on track."),
    "at_risk": gettext_lazy("We are not on track yet, and we are working harder on it."),
}


@dataclass
class GoalWords:
    heading: str
    grade: str
    why: str
    lines: list[str] = field(default_factory=list)
    status: str = ""


def goal_words(goal: dict[str, Any]) -> GoalWords:
    metric = goal.get("metric", "proficiency_rate")
    said = SENTENCES.get(metric, SENTENCES["mean_scale_score"])
    names = {"group": group(goal.get("group", "all")), "subject": subject(goal.get("subject", "other"))}
    grade_line = ""
    if goal.get("grade") is not None:
        grade_line = _("This goal is about children in %(grade)s.") % {"grade": grade(goal["grade"])}
    why = _(
        "Why this goal: when we looked at our students' results, this is where they needed the most help."
    )
    words = GoalWords(str(said.heading) % names, grade_line, why)
    if goal.get("hidden"):
        words.lines.append(
            _(
                "This group of students is small, so we do not share its numbers: they could point to "
                "individual children."
            )
        )
        return words
    baseline = figure(goal.get("baseline"), metric)
    if baseline:
        words.lines.append(str(said.baseline) % {"figure": baseline})
    latest = goal.get("latest")
    if latest:
        words.lines.append(str(said.latest) % {"figure": figure(latest, metric), "date": date(latest["on"])})
    words.lines.append(
        str(said.aim) % {"figure": figure(goal.get("target"), metric), "date": date(goal["target_date"])}
    )
    words.status = str(STATUSES.get(goal.get("status", ""), _("New results are not in yet.")))
    return words


@dataclass
class ToolWords:
    name: str
    used_for: str
    used_in: str


def tool_words(tool: dict[str, Any]) -> ToolWords:
    subjects = tool.get("subjects") or []
    grade_list = tool.get("grades") or []
    return ToolWords(
        tool.get("name", ""),
        _("Used for: %(subjects)s.") % {"subjects": ", ".join(subject(s) for s in subjects)}
        if subjects
        else "",
        _("Used in: %(grades)s.") % {"grades": grades(grade_list)} if grade_list else "",
    )
