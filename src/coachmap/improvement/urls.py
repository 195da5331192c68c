from django.urls import path

from coachmap.improvement import views

app_name = "improvement"
urlpatterns = [
    path("schools/<int:school_id>/", views.school_detail, name="school"),
    path("schools/<int:school_id>/goals/new/", views.goal_new, name="goal-new"),
    path("goals/<int:goal_id>/status/", views.goal_status, name="goal-status"),
]
