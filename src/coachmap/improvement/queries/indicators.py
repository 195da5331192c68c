"""Indicators' histories and current values, computed from the summaries or entered by hand."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Sum

from coachmap.coaching.models import CoachingCycle, CycleStatus, TeacherGoal
from coachmap.core import access, privacy
from coachmap.core.access import AnyUser
from coachmap.improvement.models import (
    ImprovementGoal,
    Indicator,
    IndicatorKind,
    ToolLink,
    TurnaroundCell,
    UsageCell,
)
from coachmap.improvement.needs.progress import Progress, progress
from coachmap.improvement.queries.needs import Scope, cell_history
from coachmap.roster.models import Window

WEEKS_SHOWN = 12


@dataclass(frozen=True)
class Point:
    label: str
    on: datetime.date
    value: float | None
    hidden: bool = False


@dataclass
class IndicatorView:
    indicator: Indicator
    points: list[Point]
    tools: list[ToolLink] = field(default_factory=list)

    @property
    def current(self) -> Point | None:
        return next((p for p in reversed(self.points) if p.value is not None), None)

    @property
    def baseline(self) -> float | None:
        """The baseline set with the indicator, or else its first value on record."""
        if self.indicator.baseline is not None:
            return self.indicator.baseline
        return next((p.value for p in self.points if p.value is not None), None)

    @property
    def progress(self) -> Progress:
        indicator, current = self.indicator, self.current
        start = indicator.created_at.date() if indicator.created_at else datetime.date.today()  # noqa: DTZ011
        baseline = self.baseline
        return progress(
            baseline=baseline if baseline is not None else 0.0,
            target=indicator.target,
            start=start,
            end=indicator.goal.target_date,
            current=current.value if current is not None and baseline is not None else None,
            current_date=current.on if current is not None and baseline is not None else None,
        )


def _from_cells(user: AnyUser, indicator: Indicator) -> list[Point]:
    goal = indicator.goal
    kind = indicator.kind_enum
    windows: tuple[str, ...] = ()
    if kind is IndicatorKind.LITERACY_GAINS:
        windows = (Window.WINTER, Window.SPRING)
    elif kind is IndicatorKind.EQUITY_GAP and goal.window:
        windows = (goal.window,)
    history = cell_history(
        user,
        Scope(goal.school.district, goal.school),
        source=goal.source,
        subject=indicator.subject or goal.subject,
        grade=goal.grade,
        group=indicator.student_group or goal.student_group,
        windows=windows,
    )
    points = []
    for p in history:
        f = p.figures
        if kind is IndicatorKind.LITERACY_GAINS:
            value, hidden = f.growth, f.growth_hidden
        elif kind is IndicatorKind.EQUITY_GAP:
            value, hidden = (None if f.gap_to_all is None else -f.gap_to_all), f.hidden
        else:
            value, hidden = f.participation, f.participation_hidden
        if kind is IndicatorKind.ASSESSED_SHARE and value is None and not hidden:
            continue  # no roster to compare that year with
        points.append(Point(p.period.label, p.on, value, hidden))
    return points


def _time_on_task(user: AnyUser, indicator: Indicator, tools: list[ToolLink]) -> list[Point]:
    school = indicator.goal.school
    names = sorted({link.tool.usage_key for link in tools})
    cells = UsageCell.objects.filter(school=school)
    if names:
        cells = cells.filter(tool__in=names)
    weeks = list(
        cells.values("week")
        .annotate(students=Sum("students"), minutes=Sum("minutes"))
        .order_by("-week")[:WEEKS_SHOWN]
    )
    small = not access.owns_student_data(user, school.district_id)
    points = []
    for w in reversed(weeks):
        hidden = small and privacy.rate_hidden(w["students"], school.district.min_group_size)
        value = None if hidden or not w["students"] else w["minutes"] / w["students"]
        points.append(Point(f"Week of {w['week']:%b} {w['week'].day}", w["week"], value, hidden))
    return points


def _turnaround(user: AnyUser, indicator: Indicator) -> list[Point]:
    school = indicator.goal.school
    months = (
        TurnaroundCell.objects.filter(school=school)
        .values("month")
        .annotate(scores=Sum("scores"), days=Sum("days_sum"))
        .order_by("month")
    )
    small = not access.owns_student_data(user, school.district_id)
    points = []
    for m in months:
        hidden = small and privacy.rate_hidden(m["scores"], school.district.min_group_size)
        value = None if hidden or not m["scores"] else m["days"] / m["scores"]
        points.append(Point(f"{m['month']:%B %Y}", m["month"], value, hidden))
    return points


def indicator_view(user: AnyUser, indicator: Indicator) -> IndicatorView:
    """An indicator with its history (hidden points where too few students stand behind them)."""
    tools = list(indicator.tool_links.select_related("tool"))
    kind = indicator.kind_enum
    if kind is IndicatorKind.CUSTOM:
        points = [
            Point(f"{m.measured_on:%b} {m.measured_on.day}, {m.measured_on.year}", m.measured_on, m.value)
            for m in indicator.measurements.all()
        ]
    elif kind is IndicatorKind.TIME_ON_TASK:
        points = _time_on_task(user, indicator, tools)
    elif kind is IndicatorKind.SCORE_TURNAROUND:
        points = _turnaround(user, indicator)
    else:
        points = _from_cells(user, indicator)
    return IndicatorView(indicator, points, tools)


def current_value(user: AnyUser, indicator: Indicator) -> float | None:
    """What the indicator reads today: a new indicator's baseline."""
    current = indicator_view(user, indicator).current
    return current.value if current else None


@dataclass(frozen=True)
class Coaching:
    """How much coaching stands behind a goal: counts only, never who."""

    teacher_goals: int
    active_cycles: int
    min_size: int
    reveal: bool

    @property
    def any(self) -> bool:
        return self.teacher_goals > 0 or self.active_cycles > 0

    def shown(self, n: int) -> str:
        count = self.count(n)
        return f"fewer than {self.min_size}" if count is None else str(count)

    def count(self, n: int) -> int | None:
        """The count as the reader may see it: None below the minimum group size (the API's null)."""
        if self.reveal or not privacy.rate_hidden(n, self.min_size):
            return n
        return None


def coaching_behind(user: AnyUser, goal: ImprovementGoal) -> Coaching:
    return Coaching(
        TeacherGoal.objects.filter(improvement_goal=goal).count(),
        CoachingCycle.objects.filter(goal__improvement_goal=goal, status=CycleStatus.ACTIVE).count(),
        goal.school.district.min_group_size,
        access.owns_student_data(user, goal.school.district_id),
    )
