from __future__ import annotations

from django.contrib import admin

from coachmap.core.admin import ScopedAdmin, site
from coachmap.roster import access as roster_access
from coachmap.roster.models import Student


@admin.register(Student, site=site)
class StudentAdmin(ScopedAdmin):
    """Pseudonymous students: a source id, a school, a grade and group flags. Read-only."""

    scope = staticmethod(roster_access.students_visible_to)
    editable = False
    list_display = [
        "source_id",
        "school",
        "grade",
        "race_ethnicity",
        "english_learner",
        "disability",
        "econ_disadvantaged",
    ]
    list_filter = ["grade", "english_learner", "disability", "econ_disadvantaged", "race_ethnicity"]
    search_fields = ["source_id"]
    list_select_related = ["school"]
    show_full_result_count = False
