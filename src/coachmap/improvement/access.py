"""Who may see the improvement chain: goals, indicators and the technology map.

Scopes built on the primitives of `core.access` (docs/architecture.md, "Layers")."""

from __future__ import annotations

from django.db.models import QuerySet

from coachmap.core.access import (
    AnyUser,
    admin_district_ids,
    district_ids,
    lead_district_ids,
    schools_led_by,
    schools_visible_to,
)
from coachmap.improvement.models import DistrictGoal, ImprovementGoal, Indicator, Tool, ToolLink


def improvement_goals_visible_to(user: AnyUser) -> QuerySet[ImprovementGoal]:
    return ImprovementGoal.objects.filter(school__in=schools_visible_to(user))


def indicators_visible_to(user: AnyUser) -> QuerySet[Indicator]:
    """Indicators of the goals of schools whose needs assessment the user may see."""
    return Indicator.objects.filter(goal__school__in=schools_led_by(user))


def tools_visible_to(user: AnyUser) -> QuerySet[Tool]:
    """A school's technology map: for its principal and the district admins."""
    return Tool.objects.filter(school__in=schools_led_by(user))


def tool_links_visible_to(user: AnyUser) -> QuerySet[ToolLink]:
    return ToolLink.objects.filter(tool__school__in=schools_led_by(user))


def district_goals_visible_to(user: AnyUser) -> QuerySet[DistrictGoal]:
    """District-wide goals: everyone in the district reads them, as teachers read their school's goals."""
    return DistrictGoal.objects.filter(district_id__in=district_ids(user))


def may_edit_district_goal(user: AnyUser, district_id: int) -> bool:
    """Writing and changing a district-wide goal: the district admin and the coaching program lead."""
    return district_id in lead_district_ids(user) | admin_district_ids(user)
