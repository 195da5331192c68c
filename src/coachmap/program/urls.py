from django.urls import path

from coachmap.program import views

app_name = "program"
urlpatterns = [
    path("vision/", views.vision, name="vision"),
    path("vision/edit/", views.vision_edit, name="vision-edit"),
    path("look-fors/", views.framework, name="framework"),
    path("look-fors/edit/", views.framework_edit, name="framework-edit"),
    path("look-fors/versions/<id:number>/", views.framework_version, name="framework-version"),
    path("look-fors/levels/", views.framework_report, name="framework-report"),
    path("walkthroughs/", views.walkthroughs, name="walkthroughs"),
    path("growth/", views.growth, name="growth"),
    path("growth/self-assessment/", views.growth_assessment, name="growth-assessment"),
    path("growth/goals/new/", views.growth_goal_new, name="growth-goal-new"),
    path("growth/goals/<id:goal_id>/status/", views.growth_goal_status, name="growth-goal-status"),
    path("growth/learning/new/", views.learning_new, name="learning-new"),
    path("growth/rubric/", views.rubric, name="rubric"),
    path("growth/team/", views.team_growth, name="team-growth"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/gather/", views.review_gather, name="review-gather"),
    path("reviews/<id:year>/", views.review, name="review"),
    path("reviews/<id:year>/notes/", views.review_annotate, name="review-annotate"),
]
