"""Who may see the improvement chain: goals, indicators and the technology map.

Scopes built on the primitives of `core.access` (docs/architecture.md, "Layers")."""

from __future__ import annotations

from django.db.models import QuerySet

from coachmap.core.access import (
    AnyUser,
    schools_readable_by,
    schools_visible_to,
)
from coachmap.improvement.models import ImprovementGoal, Indicator, Tool, ToolLink


def improvement_goals_visible_to(user: AnyUser) -> QuerySet[ImprovementGoal]:
    return ImprovementGoal.objects.filter(school__in=schools_visible_to(user))


def indicators_visible_to(user: AnyUser) -> QuerySet[Indicator]:
    """Indicators of the goals of schools whose needs assessment the user may read (principal,
    district admin, program lead, the schools' coaches); only the principal changes them."""
    return Indicator.objects.filter(goal__school__in=schools_readable_by(user))


def tools_visible_to(user: AnyUser) -> QuerySet[Tool]:
    """A school's technology map: read by its principal, the district admins, the program lead
    and the school's coaches; kept by the principal alone (`core.access.leads_school`)."""
    return Tool.objects.filter(school__in=schools_readable_by(user))


def tool_links_visible_to(user: AnyUser) -> QuerySet[ToolLink]:
    return ToolLink.objects.filter(tool__school__in=schools_readable_by(user))
