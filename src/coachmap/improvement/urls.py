from django.urls import path

from coachmap.improvement.views import district, district_goals, export, goals, needs, techmap

app_name = "improvement"
urlpatterns = [
    path("schools/<id:school_id>/", needs.school_detail, name="school"),
    path("schools/<id:school_id>/needs/", needs.needs_list, name="needs"),
    path("schools/<id:school_id>/needs/note/", needs.need_note, name="need-note"),
    path("schools/<id:school_id>/needs/move/", needs.need_move, name="need-move"),
    path("schools/<id:school_id>/needs/reset/", needs.need_reset, name="need-reset"),
    path("schools/<id:school_id>/goals/new/", goals.goal_new, name="goal-new"),
    path("schools/<id:school_id>/map/", techmap.techmap, name="techmap"),
    path("schools/<id:school_id>/tools/new/", techmap.tool_new, name="tool-new"),
    path("schools/<id:school_id>/export/<slug:table>.csv", export.school_export, name="school-export"),
    path("goals/<id:goal_id>/", goals.goal_detail, name="goal"),
    path("goals/<id:goal_id>/status/", goals.goal_status, name="goal-status"),
    path("goals/<id:goal_id>/edit/", district_goals.goal_edit, name="goal-edit"),
    path("district/goals/", district_goals.district_goals, name="district-goals"),
    path("district/goals/new/", district_goals.district_goal_new, name="district-goal-new"),
    path("district/goals/<id:goal_id>/", district_goals.district_goal, name="district-goal"),
    path("district/goals/<id:goal_id>/edit/", district_goals.district_goal_edit, name="district-goal-edit"),
    path("goals/<id:goal_id>/indicators/new/", goals.indicator_new, name="indicator-new"),
    path("indicators/<id:indicator_id>/", goals.indicator_detail, name="indicator"),
    path("indicators/<id:indicator_id>/measurements/new/", goals.measurement_new, name="measurement-new"),
    path("tools/<id:tool_id>/links/new/", techmap.tool_link_new, name="tool-link-new"),
    path("tool-links/<id:link_id>/delete/", techmap.tool_link_delete, name="tool-link-delete"),
    path("district/needs/", needs.district_needs, name="district-needs"),
    path("district/schools/", district.district_compare, name="district"),
    path("district/export/<slug:table>.csv", export.district_export, name="district-export"),
]
