from django.urls import path

from coachmap.feedback import views

app_name = "feedback"
urlpatterns = [
    path("sessions/<id:session_id>/pulse/", views.pulse, name="pulse"),
    path("", views.surveys, name="surveys"),
    path("new/", views.survey_new, name="survey-new"),
    path("<id:survey_id>/edit/", views.survey_edit, name="survey-edit"),
    path("<id:survey_id>/status/", views.survey_status, name="survey-status"),
    path("<id:survey_id>/answer/", views.survey_answer, name="survey-answer"),
    path("<id:survey_id>/results/", views.survey_results, name="survey-results"),
    path("offerings/<id:offering_id>/", views.offering_feedback, name="offering-feedback"),
    path("offerings/<id:offering_id>/results/", views.offering_results, name="offering-results"),
]
