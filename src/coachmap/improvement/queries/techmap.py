"""The technology map: tool → indicator → goal, with current values, usage and the gaps in the map.

Two flags point at what the map is for: a tool linked to no active goal is "not connected to a
school goal"; an indicator with no tool and no coaching behind it has nothing moving it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max, Sum

from coachmap.core import access, privacy
from coachmap.core.access import AnyUser
from coachmap.core.models import School
from coachmap.improvement import access as improvement_access
from coachmap.improvement.models import GoalStatus, ImprovementGoal, Tool, ToolLink, UsageCell
from coachmap.improvement.queries.indicators import Coaching, IndicatorView, coaching_behind, indicator_view

USAGE_WEEKS = 4


@dataclass(frozen=True)
class Usage:
    """Average use in the weeks a tool was used: students a week and minutes per student."""

    weeks: int
    students: float
    minutes_per_student: float | None
    hidden: bool


@dataclass
class ToolRow:
    tool: Tool
    links: list[ToolLink]
    usage: Usage | None

    @property
    def connected(self) -> bool:
        return any(link.goal.status == GoalStatus.ACTIVE for link in self.links)


@dataclass
class IndicatorBranch:
    view: IndicatorView
    coaching: Coaching

    @property
    def unsupported(self) -> bool:
        return not self.view.tools and not self.coaching.any


@dataclass
class GoalBranch:
    goal: ImprovementGoal
    indicators: list[IndicatorBranch]
    goal_links: list[ToolLink]
    coaching: Coaching


@dataclass
class TechMap:
    school: School
    tools: list[ToolRow]
    goals: list[GoalBranch] = field(default_factory=list)

    @property
    def unconnected(self) -> list[ToolRow]:
        return [t for t in self.tools if not t.connected]

    @property
    def unsupported(self) -> list[IndicatorBranch]:
        return [i for g in self.goals for i in g.indicators if i.unsupported]


def usage_by_tool(user: AnyUser, school: School, keys: list[str]) -> dict[str, Usage]:
    """Each tool's use in the weeks (of the newest `USAGE_WEEKS` with data) it was used, summed in SQL."""
    if not keys:
        return {}
    cells = UsageCell.objects.filter(school=school, tool__in=keys)
    newest = cells.aggregate(latest=Max("week"))["latest"]
    if newest is None:
        return {}
    since = newest - datetime.timedelta(weeks=USAGE_WEEKS - 1)
    small = not access.owns_student_data(user, school.district_id)
    rows = (
        cells.filter(week__gte=since)
        .values("tool")
        .annotate(weeks=Count("week", distinct=True), students=Sum("students"), minutes=Sum("minutes"))
    )
    result = {}
    for row in rows:
        students = row["students"] / row["weeks"]
        hidden = small and privacy.rate_hidden(students, school.district.min_group_size)
        per_student = None if hidden or not row["students"] else row["minutes"] / row["students"]
        result[row["tool"]] = Usage(row["weeks"], 0 if hidden else students, per_student, hidden)
    return result


def tech_map(user: AnyUser, school: School) -> TechMap:
    """The school's map as the user may see it (figures suppressed unless they own the data)."""
    tools = list(
        improvement_access.tools_visible_to(user)
        .filter(school=school)
        .prefetch_related("links__goal", "links__indicator")
    )
    usage = usage_by_tool(user, school, [t.usage_key for t in tools])
    rows = [ToolRow(t, list(t.links.all()), usage.get(t.usage_key)) for t in tools]
    goals = list(
        improvement_access.improvement_goals_visible_to(user)
        .filter(school=school, status=GoalStatus.ACTIVE)
        .select_related("school__district")
        .prefetch_related("indicators__tool_links__tool", "tool_links__tool")
    )
    branches = []
    for goal in goals:
        coaching = coaching_behind(user, goal)
        indicators = [IndicatorBranch(indicator_view(user, i), coaching) for i in goal.indicators.all()]
        goal_links = [link for link in goal.tool_links.all() if link.indicator_id is None]
        branches.append(GoalBranch(goal, indicators, goal_links, coaching))
    return TechMap(school, rows, branches)
