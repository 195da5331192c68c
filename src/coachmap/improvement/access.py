"""Who may see the improvement chain: goals, indicators and the technology map.

Scopes built on the primitives of `core.access` (docs/architecture.md, "Layers")."""

from __future__ import annotations

from django.db.models import QuerySet

from coachmap.core.access import (
    AnyUser,
    admin_district_ids,
    coach_of,
    district_ids,
    lead_district_ids,
    leads_school,
    schools_readable_by,
    schools_visible_to,
)
from coachmap.core.models import School
from coachmap.improvement.models import (
    DistrictGoal,
    FrameworkVersion,
    ImprovementGoal,
    Indicator,
    Tool,
    ToolLink,
    Walkthrough,
)


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


# --- the look-for framework (issue 16, part 4) ---------------------------------------------------


def framework_versions_visible_to(user: AnyUser) -> QuerySet[FrameworkVersion]:
    """Every signed-in person of the district reads its framework and its history."""
    return FrameworkVersion.objects.filter(district_id__in=district_ids(user))


def walkthroughs_visible_to(user: AnyUser) -> QuerySet[Walkthrough]:
    """A walkthrough, one by one, is its observer's alone; everyone else sees aggregates."""
    if not user.is_authenticated:
        return Walkthrough.objects.none()
    return Walkthrough.objects.filter(observer_id=user.pk)


def may_edit_framework(user: AnyUser, district_id: int) -> bool:
    """The district's program lead publishes new versions of the framework."""
    return district_id in lead_district_ids(user)


def may_record_walkthrough(user: AnyUser, school: School) -> bool:
    """The school's principal, and the coaches who serve the school."""
    if leads_school(user, school.pk):
        return True
    coach = coach_of(user)
    return coach is not None and coach.schools.filter(pk=school.pk).exists()


def district_goals_visible_to(user: AnyUser) -> QuerySet[DistrictGoal]:
    """District-wide goals: everyone in the district reads them, as teachers read their school's goals."""
    return DistrictGoal.objects.filter(district_id__in=district_ids(user))


def may_edit_district_goal(user: AnyUser, district_id: int) -> bool:
    """Writing and changing a district-wide goal: the district admin and the coaching program lead."""
    return district_id in lead_district_ids(user) | admin_district_ids(user)
