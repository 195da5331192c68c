"""Prioritised needs: a suggested order with a transparent score, and the principal's own order.

A need is a student group (in a grade, or across grades) below its comparison group in one
subject: below all students of the same grade, or, for all students of one grade, below the
whole school. Its score multiplies three visible parts:

    score = points below the comparison × students in the group × trend factor

where the trend factor is 1.5 when the gap has been widening, 0.5 when narrowing, and 1 when
stable or unknown. The ranking is a suggestion: the principal's own order and notes come first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from coachmap.core import groups, privacy
from coachmap.core.groups import ALL
from coachmap.improvement.needs.table import Table
from coachmap.improvement.needs.trend import Direction, Trend, shortfall_trend

TREND_FACTORS: dict[Direction, float] = {
    Direction.WIDENING: 1.5,
    Direction.STABLE: 1.0,
    Direction.UNKNOWN: 1.0,
    Direction.NARROWING: 0.5,
}

SUBJECT_NAMES: dict[str, str] = {
    "ela": "ELA",
    "math": "math",
    "science": "science",
    "social_studies": "social studies",
}

_NOUNS: dict[str, str] = {
    "el": "English learners",
    "swd": "students with disabilities",
    "ed": "economically disadvantaged students",
    "race:unknown": "students whose race is not reported",
    "race:multiracial": "multiracial students",
    "gender:female": "female students",
    "gender:male": "male students",
    "gender:nonbinary": "nonbinary students",
    "gender:unknown": "students whose gender is not reported",
}


MIN_GRADES_TO_COMPARE = 2  # an all-grades row ranks only when it sums at least this many grades


def group_noun(code: str) -> str:
    """ "English learners", "Black or African American students": a group as the subject of a sentence."""
    return _NOUNS.get(code) or f"{groups.label(code)} students"


def grade_words(grade: int | None) -> str:
    if grade is None:
        return ""
    return {-1: "Pre-K", 0: "Kindergarten"}.get(grade, f"Grade {grade}")


def need_key(subject: str, grade: int | None, group: str) -> str:
    """The stable name of a need, under which the principal's order and notes are kept."""
    return f"{subject}:{'all' if grade is None else grade}:{group}"


def parse_need_key(key: str) -> tuple[str, int | None, str]:
    """The inverse of `need_key`; ValueError for anything else."""
    try:
        subject, grade, group = key.split(":", 2)
        grade_number = None if grade == "all" else int(grade)
    except ValueError as exc:
        raise ValueError(f"not a need: {key!r}") from exc
    if not subject or group not in groups.BY_CODE:
        raise ValueError(f"not a need: {key!r}")
    return subject, grade_number, group


@dataclass(frozen=True)
class Need:
    key: str
    subject: str
    grade: int | None
    group: str
    rate: float
    reference_rate: float
    students: int
    trend: Trend
    coded: str | None = None
    reference_coded: str | None = None
    """Shown instead of `rate` / `reference_rate` when that rate is top or bottom coded ("≤ 5 %");
    the rate then stands at the bound, so the shortfall is a least one ("at least 35 points")."""

    @property
    def rate_text(self) -> str:
        return self.coded or f"{round(self.rate)}%"

    @property
    def reference_text(self) -> str:
        return self.reference_coded or f"{round(self.reference_rate)}%"

    @property
    def at_least(self) -> bool:
        return self.coded is not None or self.reference_coded is not None

    @property
    def shortfall(self) -> float:
        """Points below the comparison group."""
        return self.reference_rate - self.rate

    @property
    def trend_factor(self) -> float:
        return TREND_FACTORS[self.trend.direction]

    @property
    def score(self) -> float:
        return self.shortfall * self.students * self.trend_factor

    @property
    def who(self) -> str:
        """ "Grade 4 English learners", "Grade 3, all students", "English learners"."""
        if self.group == ALL:
            return f"{grade_words(self.grade)}, all students"
        noun = group_noun(self.group)
        return f"{grade_words(self.grade)} {noun}" if self.grade is not None else noun[0].upper() + noun[1:]

    @property
    def compared_with(self) -> str:
        return "the whole school" if self.group == ALL else "all students"

    @property
    def sentence(self) -> str:
        """ "Grade 4 English learners: 18% proficient in ELA, 31 points below all students, widening since 2022; 142 students"."""
        subject = SUBJECT_NAMES.get(self.subject, self.subject)
        points = round(self.shortfall)
        trend = f", {self.trend.phrase}" if self.trend.phrase else ""
        students = f"{self.students} student{'s' if self.students != 1 else ''}"
        return (
            f"{self.who}: {self.rate_text} proficient in {subject}, {'at least ' if self.at_least else ''}"
            f"{points} point{'s' if points != 1 else ''} "
            f"below {self.compared_with}{trend}; {students}"
        )


def _shortfall(table: Table, grade: int | None, group: str) -> tuple[float, float, int] | None:
    """(rate, comparison rate, students) where both are shown and the group is below."""
    cell = table.get(grade, group)
    reference = table.get(None, ALL) if group == ALL else table.get(grade, ALL)
    if cell is None or reference is None or cell.hidden or reference.hidden:
        return None
    if cell.rate is None or reference.rate is None or not cell.tested:
        return None
    return _shown(cell.rate, cell.coded), _shown(reference.rate, reference.coded), cell.tested


def _codes(table: Table, grade: int | None, group: str) -> tuple[str | None, str | None]:
    cell = table.get(grade, group)
    reference = table.get(None, ALL) if group == ALL else table.get(grade, ALL)
    return (cell.coded if cell else None), (reference.coded if reference else None)


def _shown(rate: float, coded: str | None) -> float:
    """A rate as the reader may know it: a coded rate stands at its bound (5 or 95)."""
    if coded is None:
        return rate
    return privacy.coded_point(rate)


def find_needs(subject: str, table: Table, history: Mapping[int, Table]) -> list[Need]:
    """Every shown cell of `table` below its comparison, with its trend over the years of `history`.

    `history` maps school years to the same subject's table in the same window (the current year
    may be among them); only shown cells enter a trend.
    """
    found = []
    for (grade, group), _cell in table.cells.items():
        if group == ALL and (grade is None or len(table.grades) < MIN_GRADES_TO_COMPARE):
            continue
        figures = _shortfall(table, grade, group)
        if figures is None:
            continue
        rate, reference, students = figures
        if reference - rate <= 0:
            continue
        points = []
        for year, past in history.items():
            past_figures = _shortfall(past, grade, group)
            if past_figures is not None:
                points.append((year, past_figures[1] - past_figures[0]))
        found.append(
            Need(
                need_key(subject, grade, group),
                subject,
                grade,
                group,
                rate,
                reference,
                students,
                shortfall_trend(points),
                *_codes(table, grade, group),
            )
        )
    return found


def suggested_order(needs: Sequence[Need]) -> list[Need]:
    """Highest score first; equal scores in a fixed order so the list never shuffles."""
    return sorted(needs, key=lambda n: (-n.score, n.key))


def in_principal_order(needs: Sequence[Need], positions: Mapping[str, int]) -> list[Need]:
    """The principal's placed needs first, by their position, then the rest in the suggested order."""
    suggested = suggested_order(needs)
    placed = sorted((n for n in suggested if n.key in positions), key=lambda n: positions[n.key])
    return placed + [n for n in suggested if n.key not in positions]


def moved(order: Sequence[str], key: str, step: int) -> list[str]:
    """`order` with `key` moved `step` places (negative: up), kept within the list."""
    keys = list(order)
    if key not in keys:
        raise ValueError(f"{key!r} is not in the list")
    at = keys.index(key)
    keys.insert(max(0, min(len(keys) - 1, at + step)), keys.pop(at))
    return keys
