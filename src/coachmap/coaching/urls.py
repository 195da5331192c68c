from django.urls import path

from coachmap.coaching.views import chain, fit

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
    path("cycles/<int:cycle_id>/", chain.cycle_detail, name="cycle"),
    path("cycles/<int:cycle_id>/sessions/new/", chain.session_new, name="session-new"),
    path("cycles/<int:cycle_id>/close/", chain.cycle_close, name="cycle-close"),
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
]
