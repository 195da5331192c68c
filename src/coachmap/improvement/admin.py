from __future__ import annotations

from django.contrib import admin

from coachmap.core.admin import ScopedAdmin, site
from coachmap.improvement import access as improvement_access
from coachmap.improvement.models import ImprovementGoal


@admin.register(ImprovementGoal, site=site)
class ImprovementGoalAdmin(ScopedAdmin):
    """Goals are the principal's to set (with the two-goal limit); the admin only reads them."""

    scope = staticmethod(improvement_access.improvement_goals_visible_to)
    editable = False
    list_display = ["statement", "school", "subject", "student_group", "status"]
    list_filter = ["status", "subject"]
    list_select_related = ["school"]
