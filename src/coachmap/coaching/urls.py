from django.urls import path

from coachmap.coaching import views
from coachmap.coaching.work import views as work

app_name = "coaching"
urlpatterns = [
    path("my/goals/", views.my_goals, name="my-goals"),
    path("my/goals/<int:goal_id>/request/", views.request_new, name="request-new"),
    path("my/requests/<int:request_id>/respond/", views.request_respond, name="request-respond"),
    path("requests/", views.requests_list, name="requests"),
    path("requests/<int:request_id>/assign/", views.request_assign, name="request-assign"),
    path("caseload/", views.caseload, name="caseload"),
    path("requests/<int:request_id>/open-cycle/", views.cycle_open, name="cycle-open"),
    path("cycles/<int:cycle_id>/", work.cycle_detail, name="cycle"),
    path("cycles/<int:cycle_id>/sessions/new/", work.session_new, name="session-new"),
    path("cycles/<int:cycle_id>/close/", work.cycle_close, name="cycle-close"),
    # --- cycle work (issue 6) ---
    path("cycles/<int:cycle_id>/plan/", work.cycle_plan, name="cycle-plan"),
    path("cycles/<int:cycle_id>/stage/", work.cycle_stage, name="cycle-stage"),
    path("cycles/<int:cycle_id>/evidence/new/", work.evidence_new, name="evidence-new"),
    path("cycles/<int:cycle_id>/check-ins/new/", work.checkin_new, name="checkin-new"),
    path("cycles/<int:cycle_id>/resume/", work.cycle_resume, name="cycle-resume"),
    path("micro/", work.micro, name="micro"),
    path("time/", work.time_week, name="time-week"),
    path("time/calendar/", work.calendar_import, name="calendar-import"),
    path("time/team/", work.time_team, name="time-team"),
    path("agreements/", work.agreements, name="agreements"),
    path("agreements/new/", work.agreement_new, name="agreement-new"),
    path("agreements/<int:agreement_id>/", work.agreement_detail, name="agreement"),
    path("agreements/<int:agreement_id>/edit/", work.agreement_edit, name="agreement-edit"),
    path(
        "agreements/<int:agreement_id>/acknowledge/", work.agreement_acknowledge, name="agreement-acknowledge"
    ),
]
