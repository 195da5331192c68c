"""What a needs assessment is read for and made of: the scope (a school or the district), the
period, and one subject's tables with their history.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q

from coachmap.core import groups
from coachmap.core.models import District, School
from coachmap.improvement.needs.ranking import Need
from coachmap.improvement.needs.table import Table
from coachmap.roster.models import Window

MEASURES = ("tested", "proficient", "scored", "score_sum", "matched", "growth_sum", "off_roster")
WINDOW_ORDER: dict[str, int] = {
    Window.STATE: 0,
    Window.SPRING: 1,
    Window.WINTER: 2,
    Window.FALL: 3,
    Window.OTHER: 4,
}
PUBLISHED_SUBJECTS = {
    "ela": "English language arts",
    "math": "Mathematics",
    "ela_math": "Both ELA and math",
    "iread": "IREAD-3 reading",
    "science": "Science",
}
# Published files also report the other side of a program group; each pair adds up to all students.
PUBLISHED_PAIRS = {"el_pair": ["el", "not:el"], "swd_pair": ["swd", "not:swd"], "ed_pair": ["ed", "not:ed"]}
PUBLISHED_LABELS = {
    "not:el": "Not English learners",
    "not:swd": "Students without disabilities",
    "not:ed": "Not economically disadvantaged",
}


def group_label(code: str) -> str:
    return PUBLISHED_LABELS.get(code) or groups.label(code)


@dataclass(frozen=True)
class Scope:
    """Whose figures: one school, or the whole district (`school` None)."""

    district: District
    school: School | None

    @property
    def name(self) -> str:
        return self.school.name if self.school else self.district.name

    def cells(self) -> Q:
        return Q(school=self.school) if self.school else Q(school__isnull=True)


@dataclass(frozen=True)
class Period:
    year: int
    window: str

    @property
    def value(self) -> str:
        return f"{self.year}|{self.window}"

    @property
    def label(self) -> str:
        window = Window(self.window).label if self.window in Window.values else self.window
        return f"{self.year - 1}–{str(self.year)[-2:]} {window}"


@dataclass
class SubjectNeeds:
    subject: str
    label: str
    assessment: str
    administered_on: datetime.date | None
    table: Table
    history: dict[int, Table]
    needs: list[Need] = field(default_factory=list)


@dataclass
class NeedsAssessment:
    scope: Scope
    source: str
    sources: list[str]
    period: Period | None
    periods: list[Period]
    subjects: list[SubjectNeeds]
    min_size: int
    reveal: bool
    built_at: datetime.datetime | None
    stale: bool = False

    @property
    def hidden_count(self) -> int:
        return sum(s.table.hidden_count for s in self.subjects)

    @property
    def grades(self) -> list[int]:
        return sorted({g for s in self.subjects for g in s.table.grades})

    def subject(self, code: str) -> SubjectNeeds | None:
        return next((s for s in self.subjects if s.subject == code), None)
