from django.urls import path

from coachmap.coaching.views import chain, fit
from coachmap.coaching.work import views as work

app_name = "coaching"
urlpatterns = [
    path("my/goals/", chain.my_goals, name="my-goals"),
    path("my/goals/<id:goal_id>/request/", chain.request_new, name="request-new"),
    path("my/requests/<id:request_id>/respond/", chain.request_respond, name="request-respond"),
    path("my/intake/", fit.intake, name="intake"),
    path("my/offers/<id:proposal_id>/respond/", fit.proposal_respond, name="proposal-respond"),
    path("my/referrals/<id:referral_id>/respond/", fit.referral_respond, name="referral-respond"),
    path("notifications/", fit.notifications, name="notifications"),
    path("requests/", chain.requests_list, name="requests"),
    path("requests/<id:request_id>/assign/", chain.request_assign, name="request-assign"),
    path("caseload/", chain.caseload, name="caseload"),
    path("my/coach-profile/", fit.coach_profile, name="coach-profile"),
    path("teachers/<id:teacher_id>/intake/", fit.teacher_intake, name="teacher-intake"),
    path("look-fors/", fit.look_fors, name="look-fors"),
    path("requests/<id:request_id>/open-cycle/", chain.cycle_open, name="cycle-open"),
    path("cycles/<id:cycle_id>/", work.cycle_detail, name="cycle"),
    path("cycles/<id:cycle_id>/sessions/new/", work.session_new, name="session-new"),
    path("cycles/<id:cycle_id>/close/", work.cycle_close, name="cycle-close"),
    path("cycles/<id:cycle_id>/handover/", fit.handover_new, name="handover-new"),
    path("cycles/<id:cycle_id>/refer/", fit.cycle_refer, name="cycle-refer"),
    path("handovers/<id:handover_id>/", fit.handover_detail, name="handover"),
    path("matching/", fit.rounds, name="rounds"),
    path("matching/run/", fit.round_run, name="round-run"),
    path("matching/<id:round_id>/", fit.round_detail, name="round"),
    path("matching/<id:round_id>/confirm/", fit.round_confirm, name="round-confirm"),
    path("proposals/<id:proposal_id>/edit/", fit.proposal_edit, name="proposal-edit"),
    path("caseloads/", fit.caseloads, name="caseloads"),
    path("referrals/", fit.referrals, name="referrals"),
    path("quadrants/", fit.quadrants, name="quadrants"),
    path("routing-policy/", fit.policy, name="policy"),
    # --- cycle work (issue 6) ---
    path("cycles/<id:cycle_id>/plan/", work.cycle_plan, name="cycle-plan"),
    path("cycles/<id:cycle_id>/stage/", work.cycle_stage, name="cycle-stage"),
    path("cycles/<id:cycle_id>/evidence/new/", work.evidence_new, name="evidence-new"),
    path("cycles/<id:cycle_id>/check-ins/new/", work.checkin_new, name="checkin-new"),
    path("cycles/<id:cycle_id>/resume/", work.cycle_resume, name="cycle-resume"),
    path("micro/", work.micro, name="micro"),
    path("time/", work.time_week, name="time-week"),
    path("time/calendar/", work.calendar_import, name="calendar-import"),
    path("time/team/", work.time_team, name="time-team"),
    path("agreements/", work.agreements, name="agreements"),
    path("agreements/new/", work.agreement_new, name="agreement-new"),
    path("agreements/<id:agreement_id>/", work.agreement_detail, name="agreement"),
    path("agreements/<id:agreement_id>/edit/", work.agreement_edit, name="agreement-edit"),
    path(
        "agreements/<id:agreement_id>/acknowledge/", work.agreement_acknowledge, name="agreement-acknowledge"
    ),
]
