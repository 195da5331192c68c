from django.urls import path

from coachmap.coaching import views

app_name = "coaching"
urlpatterns = [
    path("my/goals/", views.my_goals, name="my-goals"),
    path("my/goals/<int:goal_id>/request/", views.request_new, name="request-new"),
    path("my/requests/<int:request_id>/respond/", views.request_respond, name="request-respond"),
    path("requests/", views.requests_list, name="requests"),
    path("requests/<int:request_id>/assign/", views.request_assign, name="request-assign"),
    path("caseload/", views.caseload, name="caseload"),
    path("requests/<int:request_id>/open-cycle/", views.cycle_open, name="cycle-open"),
    path("cycles/<int:cycle_id>/", views.cycle_detail, name="cycle"),
    path("cycles/<int:cycle_id>/sessions/new/", views.session_new, name="session-new"),
    path("cycles/<int:cycle_id>/close/", views.cycle_close, name="cycle-close"),
]
