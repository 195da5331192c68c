from django.urls import path

from coachmap.coaching.agreements import views as agreements
from coachmap.coaching.timelog import views as timelog
from coachmap.coaching.views import chain, fit
from coachmap.coaching.work import views as work

app_name = "coaching"
urlpatterns = [
    path("my/goals/", chain.my_goals, name="my-goals"),
    path("my/goals/<int:goal_id>/request/", chain.request_new, name="request-new"),
    path("my/requests/<int:request_id>/respond/", chain.request_respond, name="request-respond"),
    path("my/intake/", fit.intake, name="intake"),
    path("my/offers/<int:proposal_id>/respond/", fit.proposal_respond, name="proposal-respond"),
    path("my/referrals/<int:referral_id>/respond/", fit.referral_respond, name="referral-respond"),
    path("notifications/", fit.notifications, name="notifications"),
    path("requests/", chain.requests_list, name="requests"),
    path("requests/<int:request_id>/assign/", chain.request_assign, name="request-assign"),
    path("caseload/", chain.caseload, name="caseload"),
    path("my/coach-profile/", fit.coach_profile, name="coach-profile"),
    path("teachers/<int:teacher_id>/intake/", fit.teacher_intake, name="teacher-intake"),
    path("look-fors/", fit.look_fors, name="look-fors"),
    path("requests/<int:request_id>/open-cycle/", chain.cycle_open, name="cycle-open"),
    path("cycles/<int:cycle_id>/", work.cycle_detail, name="cycle"),
    path("cycles/<int:cycle_id>/sessions/new/", work.session_new, name="session-new"),
    path("cycles/<int:cycle_id>/close/", work.cycle_close, name="cycle-close"),
    path("cycles/<int:cycle_id>/handover/", fit.handover_new, name="handover-new"),
    path("cycles/<int:cycle_id>/refer/", fit.cycle_refer, name="cycle-refer"),
    path("handovers/<int:handover_id>/", fit.handover_detail, name="handover"),
    path("matching/", fit.rounds, name="rounds"),
    path("matching/run/", fit.round_run, name="round-run"),
    path("matching/<int:round_id>/", fit.round_detail, name="round"),
    path("matching/<int:round_id>/confirm/", fit.round_confirm, name="round-confirm"),
    path("proposals/<int:proposal_id>/edit/", fit.proposal_edit, name="proposal-edit"),
    path("caseloads/", fit.caseloads, name="caseloads"),
    path("referrals/", fit.referrals, name="referrals"),
    path("quadrants/", fit.quadrants, name="quadrants"),
    path("routing-policy/", fit.policy, name="policy"),
    # --- cycle work (issue 6) ---
    path("cycles/<int:cycle_id>/plan/", work.cycle_plan, name="cycle-plan"),
    path("cycles/<int:cycle_id>/stage/", work.cycle_stage, name="cycle-stage"),
    path("cycles/<int:cycle_id>/evidence/new/", work.evidence_new, name="evidence-new"),
    path("cycles/<int:cycle_id>/check-ins/new/", work.checkin_new, name="checkin-new"),
    path("cycles/<int:cycle_id>/resume/", work.cycle_resume, name="cycle-resume"),
    path("micro/", work.micro, name="micro"),
    path("time/", timelog.time_week, name="time-week"),
    path("time/calendar/", timelog.calendar_import, name="calendar-import"),
    path("time/team/", timelog.time_team, name="time-team"),
    path("agreements/", agreements.agreements, name="agreements"),
    path("agreements/new/", agreements.agreement_new, name="agreement-new"),
    path("agreements/<int:agreement_id>/", agreements.agreement_detail, name="agreement"),
    path("agreements/<int:agreement_id>/edit/", agreements.agreement_edit, name="agreement-edit"),
    path(
        "agreements/<int:agreement_id>/acknowledge/",
        agreements.agreement_acknowledge,
        name="agreement-acknowledge",
    ),
]
