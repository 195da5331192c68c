"""What a family report says, as plain, language-neutral data.

The figures are read as a reader who does not own the student data reads them (an anonymous
reader: `access.owns_student_data` is false), so every cell below the district's minimum group
size, and every cell that would give one away, is hidden exactly as on the principal's pages;
rates near 0 % or 100 % are coded to their bound. A goal whose group is ever hidden shows no
figure at all, not even its baseline. No count of students is kept: a rate and its bound only.

The result is a dict of codes, numbers and ISO dates that `families.words` turns into sentences
in the reader's language, and that publishing freezes in `FamilyReport.content`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser

from coachmap.core import privacy
from coachmap.core.models import School
from coachmap.improvement.models import GoalStatus, ImprovementGoal, Metric, Tool
from coachmap.improvement.queries.goals import goal_progress

RATE_METRICS = (Metric.PROFICIENCY_RATE.value,)


def _figure(value: float | None, *, rate: bool) -> dict[str, Any]:
    """A figure as families may read it: a rate coded near its ends, anything else rounded."""
    if value is None:
        return {"value": None, "coded": None}
    if rate and privacy.coded_rate(value, coding=True) is not None:
        return {"value": None, "coded": "low" if value < 100 / 2 else "high"}
    return {"value": round(value, 1), "coded": None}


def _goal(goal: ImprovementGoal) -> dict[str, Any]:
    progress = goal_progress(AnonymousUser(), goal)
    rate = goal.metric in RATE_METRICS
    hidden = not progress.points or any(p.hidden for p in progress.points)
    newest = next((p for p in reversed(progress.points) if p.value is not None), None)
    latest = None
    if not hidden and newest is not None and newest.value is not None:
        # A coded point stands at its bound (5 or 95): the bound tells which end it is.
        shown = (
            {"value": None, "coded": "low" if newest.value < 100 / 2 else "high"}
            if newest.coded is not None
            else _figure(newest.value, rate=rate)
        )
        latest = {**shown, "on": newest.on.isoformat()}
    return {
        "subject": goal.subject,
        "group": goal.student_group,
        "grade": goal.grade,
        "metric": goal.metric,
        "hidden": hidden,
        "baseline": None if hidden else _figure(goal.baseline, rate=rate),
        "latest": latest,
        "target": _figure(goal.target, rate=rate),
        "target_date": goal.target_date.isoformat(),
        "status": progress.progress.status.value if not hidden else "hidden",
    }


def _tool(tool: Tool) -> dict[str, Any]:
    return {
        "name": tool.name,
        "kind": tool.kind,
        "subjects": [s for s in tool.subjects if isinstance(s, str)],
        "grades": sorted(g for g in tool.grades if isinstance(g, int)),
    }


def report_content(school: School, today: datetime.date) -> dict[str, Any]:
    """The report's figures and lists for `school`, as of `today`."""
    goals = (
        ImprovementGoal.objects.filter(school=school, status=GoalStatus.ACTIVE)
        .select_related("school__district")
        .order_by("created_at")
    )
    tools = Tool.objects.filter(school=school).order_by("name")
    return {
        "school": school.name,
        "district": school.district.name,
        "min_size": school.district.min_group_size,
        "goals": [_goal(g) for g in goals],
        "tools": [_tool(t) for t in tools],
        "as_of": today.isoformat(),
    }
