"""Reads of the program app, scoped through `program.access` and `core.access`.

Two aggregates leave a person's own pages, and both go through `core.privacy.suppress_audited`
(suppression by lines, then the disclosure audit):
the framework's levels of technology use (counts per level per grade band per school) and the
coaching team's self-assessments (counts of coaches per level per area)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from coachmap.coaching.models import CoachingSession, FidelityCheckIn
from coachmap.core import access, privacy
from coachmap.core.access import AnyUser
from coachmap.core.models import Coach, District, Role, School
from coachmap.core.schoolyear import school_year_bounds
from coachmap.improvement.framework import queries as framework_queries
from coachmap.improvement.models import GradeBand, Walkthrough
from coachmap.program import access as program_access
from coachmap.program.models import Competency, RubricLevel, SelfRating

# --- the framework's levels, in aggregate ----------------------------------------------------------


@dataclass(frozen=True)
class LevelRow:
    school: str
    band: str
    cells: list[int | None]
    """Observations per level (lowest first); None where hidden."""
    total: int | None
    school_id: int = 0
    band_key: str = ""


@dataclass(frozen=True)
class LevelTable:
    levels: list[str]
    rows: list[LevelRow]
    min_size: int
    school_year: int


def framework_levels(user: AnyUser, district: District, school_year: int) -> LevelTable:
    """How many classrooms were seen at each level of the framework, per school and grade band, in
    one school year. A walkthrough counts once; a teacher counts once per band (their latest
    check-in or micro-coaching with a level), so a count is a count of different classrooms.
    Levels are read by position, so a renamed level keeps its column. Never a teacher's name;
    every cell below the minimum group size hidden, with complementary suppression along each row."""
    start, end = school_year_bounds(school_year)
    schools = list(
        access.schools_with_trends_for(user)
        .filter(district=district)
        .order_by("name")
        .values_list("id", "name")
    )
    school_ids = [pk for pk, _ in schools]
    current = framework_queries.current_version(district.pk)
    levels = [level.name for level in current.levels.all()] if current else []
    counts: dict[tuple[int, str, int], int] = {}
    for row in (
        Walkthrough.objects.filter(school_id__in=school_ids, observed_on__range=(start, end))
        .values("school_id", "grade_band", "level__position")
        .annotate(n=Count("id"))
    ):
        key = (row["school_id"], row["grade_band"], row["level__position"])
        counts[key] = counts.get(key, 0) + row["n"]
    latest: dict[tuple[int, str], tuple[datetime.date, int, int, int]] = {}
    for model, teacher, school in (
        (FidelityCheckIn, "cycle__teacher_id", "cycle__teacher__school_id"),
        (CoachingSession, "cycle__teacher_id", "cycle__teacher__school_id"),
    ):
        rated = model.objects.filter(
            **{f"{school}__in": school_ids}, date__range=(start, end), framework_level__isnull=False
        ).values_list(teacher, school, "framework_band", "framework_level__position", "date", "id")
        for teacher_id, school_id, band, position, day, pk in rated:
            seen = (day, pk, school_id, position)
            if latest.get((teacher_id, band), (datetime.date.min,))[:2] < seen[:2]:
                latest[(teacher_id, band)] = seen
    for (_, band), (_, _, school_id, position) in latest.items():
        key = (school_id, band, position)
        counts[key] = counts.get(key, 0) + 1
    positions = range(1, max([len(levels), *(k[2] for k in counts)], default=0) + 1)
    cells: dict[object, int] = {}
    lines: list[privacy.Line[object]] = []
    keys: list[tuple[int, str]] = []
    for school_id, _ in schools:
        for band in GradeBand.values:
            parts = tuple((school_id, band, p) for p in positions)
            total = sum(counts.get(p, 0) for p in parts)
            if not total:
                continue
            keys.append((school_id, band))
            cells.update({p: counts.get(p, 0) for p in parts})
            cells[(school_id, band, "total")] = total
            lines.append(privacy.Line(parts, (school_id, band, "total")))
    hidden = privacy.suppress_audited(cells, lines, district.min_group_size)
    names = dict(schools)
    rows = [
        LevelRow(
            names[school_id],
            GradeBand(band).label,
            [None if (school_id, band, p) in hidden else cells[(school_id, band, p)] for p in positions],
            None if (school_id, band, "total") in hidden else cells[(school_id, band, "total")],
            school_id,
            band,
        )
        for school_id, band in keys
    ]
    headings = [levels[p - 1] if p <= len(levels) else f"Level {p}" for p in positions]
    return LevelTable(headings, rows, district.min_group_size, school_year)


# --- the coaching team's growth, in aggregate -------------------------------------------------------


@dataclass(frozen=True)
class AreaRow:
    name: str
    cells: list[int | None]
    total: int | None


@dataclass(frozen=True)
class TeamGrowth:
    school_year: int
    term: str
    coaches: int
    """How many coaches assessed themselves this term."""
    min_size: int
    levels: list[str]
    rows: list[AreaRow]

    @property
    def shown(self) -> bool:
        return self.coaches >= self.min_size


def team_growth(user: AnyUser, district: District, school_year: int, term: str) -> TeamGrowth:
    """The team's self-assessments for one term: coaches per level per area. Nothing at all below the
    minimum group size of coaches; never one coach's ratings."""
    access.require(
        program_access.may_read_team_growth(user, district.pk),
        "The team's growth is for the program lead.",
    )
    ratings = SelfRating.objects.filter(
        assessment__coach__district=district, assessment__school_year=school_year, assessment__term=term
    )
    coaches = ratings.values("assessment__coach").distinct().count()
    levels = [label for _, label in RubricLevel.choices]
    if coaches < district.min_group_size:
        return TeamGrowth(school_year, term, coaches, district.min_group_size, levels, [])
    counts = {
        (row["competency_id"], row["level"]): row["n"]
        for row in ratings.values("competency_id", "level").annotate(
            n=Count("assessment__coach", distinct=True)
        )
    }
    areas = list(
        Competency.objects.filter(district=district, ratings__in=ratings).distinct().order_by("position")
    )
    cells: dict[object, int] = {}
    lines: list[privacy.Line[object]] = []
    for area in areas:
        parts = tuple((area.pk, level) for level in RubricLevel.values)
        cells.update({p: counts.get(p, 0) for p in parts})
        cells[(area.pk, "total")] = sum(cells[p] for p in parts)
        lines.append(privacy.Line(parts, (area.pk, "total")))
    hidden = privacy.suppress_audited(cells, lines, district.min_group_size)
    rows = [
        AreaRow(
            area.name,
            [None if (area.pk, lv) in hidden else cells[(area.pk, lv)] for lv in RubricLevel.values],
            None if (area.pk, "total") in hidden else cells[(area.pk, "total")],
        )
        for area in areas
    ]
    return TeamGrowth(school_year, term, coaches, district.min_group_size, levels, rows)


def district_coaches(district: District) -> int:
    return Coach.objects.filter(district=district).count()


def schools_for_report(user: AnyUser, district: District) -> list[School]:
    return list(access.schools_with_trends_for(user).filter(district=district).order_by("name"))


def schools_for_walkthroughs(user: AnyUser, district: District, *, as_queryset: bool = False) -> Any:
    """Schools the user may record walkthroughs in: the principal's own, the schools a coach serves."""
    led = access.school_ids(user, Role.PRINCIPAL)
    coach = access.coach_of(user)
    q = Q(id__in=led)
    if coach is not None:
        q |= Q(coaches=coach)
    schools = School.objects.filter(q, district=district).distinct().order_by("name")
    return schools if as_queryset else list(schools)
