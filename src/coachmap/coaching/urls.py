from django.urls import path

from coachmap.coaching.agreements import views as agreements
from coachmap.coaching.bestfit import views as fit
from coachmap.coaching.cycles import views as cycles
from coachmap.coaching.groups import views as groups
from coachmap.coaching.handovers import views as handovers
from coachmap.coaching.learning import views as learning
from coachmap.coaching.lighter import views as lighter
from coachmap.coaching.requests import views as requests
from coachmap.coaching.timelog import views as timelog

app_name = "coaching"
urlpatterns = [
    path("my/goals/", requests.my_goals, name="my-goals"),
    path("my/goals/<id:goal_id>/request/", requests.request_new, name="request-new"),
    path("my/requests/<id:request_id>/respond/", requests.request_respond, name="request-respond"),
    path("my/intake/", fit.intake, name="intake"),
    path("my/offers/<id:proposal_id>/respond/", fit.proposal_respond, name="proposal-respond"),
    path("my/referrals/<id:referral_id>/respond/", handovers.referral_respond, name="referral-respond"),
    path("requests/", requests.requests_list, name="requests"),
    path("requests/export/", requests.requests_export, name="requests-export"),
    path("requests/<id:request_id>/assign/", requests.request_assign, name="request-assign"),
    path("caseload/", cycles.caseload, name="caseload"),
    path("my/coach-profile/", fit.coach_profile, name="coach-profile"),
    path("teachers/<id:teacher_id>/intake/", fit.teacher_intake, name="teacher-intake"),
    path("look-fors/", fit.look_fors, name="look-fors"),
    path("requests/<id:request_id>/open-cycle/", cycles.cycle_open, name="cycle-open"),
    path("cycles/<id:cycle_id>/", cycles.cycle_detail, name="cycle"),
    path("cycles/<id:cycle_id>/sessions/new/", cycles.session_new, name="session-new"),
    path("cycles/<id:cycle_id>/close/", cycles.cycle_close, name="cycle-close"),
    path("cycles/<id:cycle_id>/handover/", handovers.handover_new, name="handover-new"),
    path("cycles/<id:cycle_id>/refer/", handovers.cycle_refer, name="cycle-refer"),
    path("handovers/<id:handover_id>/", handovers.handover_detail, name="handover"),
    path("matching/", fit.rounds, name="rounds"),
    path("matching/run/", fit.round_run, name="round-run"),
    path("matching/<id:round_id>/", fit.round_detail, name="round"),
    path("matching/<id:round_id>/confirm/", fit.round_confirm, name="round-confirm"),
    path("proposals/<id:proposal_id>/edit/", fit.proposal_edit, name="proposal-edit"),
    path("caseloads/", fit.caseloads, name="caseloads"),
    path("caseloads/export/", fit.caseloads_export, name="caseloads-export"),
    path("referrals/", handovers.referrals, name="referrals"),
    path("referrals/export/", handovers.referrals_export, name="referrals-export"),
    path("quadrants/", fit.quadrants, name="quadrants"),
    path("routing-policy/", fit.policy, name="policy"),
    # --- cycle work (issue 6) ---
    path("cycles/<id:cycle_id>/plan/", cycles.cycle_plan, name="cycle-plan"),
    path("cycles/<id:cycle_id>/stage/", cycles.cycle_stage, name="cycle-stage"),
    path("cycles/<id:cycle_id>/evidence/new/", cycles.evidence_new, name="evidence-new"),
    path("cycles/<id:cycle_id>/check-ins/new/", cycles.checkin_new, name="checkin-new"),
    path("cycles/<id:cycle_id>/resume/", cycles.cycle_resume, name="cycle-resume"),
    path("micro/", cycles.micro, name="micro"),
    path("micro/<id:session_id>/undo/", cycles.micro_undo, name="micro-undo"),
    # --- lighter supports (issue 16, part 1) ---
    path("lighter/<id:support_id>/", lighter.lighter_support, name="lighter-support"),
    path("lighter/<id:support_id>/observation/", lighter.observation_arrange, name="observation-arrange"),
    path("observations/<id:observation_id>/answer/", lighter.observation_answer, name="observation-answer"),
    path(
        "observations/<id:observation_id>/reflect/",
        lighter.observation_reflect,
        name="observation-reflect",
    ),
    path("micro/conversations/new/", lighter.micro_conversation_new, name="micro-conversation-new"),
    path(
        "micro/conversations/<id:conversation_id>/",
        lighter.micro_conversation,
        name="micro-conversation",
    ),
    path("time/", timelog.time_week, name="time-week"),
    path("time/calendar/", timelog.calendar_import, name="calendar-import"),
    path("time/team/", timelog.time_team, name="time-team"),
    path("agreements/", agreements.agreements, name="agreements"),
    path("agreements/new/", agreements.agreement_new, name="agreement-new"),
    path("check-ins/", agreements.principal_checkins, name="principal-checkins"),
    path("check-ins/new/", agreements.principal_checkin_new, name="principal-checkin-new"),
    path("check-ins/<id:checkin_id>/", agreements.principal_checkin, name="principal-checkin"),
    path("agreements/<id:agreement_id>/", agreements.agreement_detail, name="agreement"),
    path("agreements/<id:agreement_id>/edit/", agreements.agreement_edit, name="agreement-edit"),
    path(
        "agreements/<id:agreement_id>/acknowledge/",
        agreements.agreement_acknowledge,
        name="agreement-acknowledge",
    ),
    # --- group cycles and professional learning (issue 16) ---
    path("groups/", groups.groups, name="groups"),
    path("groups/new/", groups.group_new, name="group-new"),
    path("groups/<id:group_id>/", groups.group_detail, name="group"),
    path("groups/<id:group_id>/answer/", groups.group_answer, name="group-answer"),
    path("groups/<id:group_id>/open/", groups.group_open, name="group-open"),
    path("groups/<id:group_id>/plan/", groups.group_plan, name="group-plan"),
    path("groups/<id:group_id>/sessions/new/", groups.group_session_new, name="group-session-new"),
    path("groups/<id:group_id>/stage/", groups.group_stage, name="group-stage"),
    path("groups/<id:group_id>/close/", groups.group_close, name="group-close"),
    path("groups/<id:group_id>/resume/", groups.group_resume, name="group-resume"),
    path("learning/", learning.offerings, name="offerings"),
    path("learning/new/", learning.offering_new, name="offering-new"),
    path("learning/<id:offering_id>/", learning.offering_detail, name="offering"),
    path("learning/<id:offering_id>/sign-up/", learning.seat_take, name="seat-take"),
    path("learning/seats/<id:seat_id>/give-back/", learning.seat_give_back, name="seat-give-back"),
    path("learning/seats/<id:seat_id>/follow-up/", learning.follow_up, name="follow-up"),
    path("learning/sessions/<id:session_id>/attendance/", learning.attendance, name="attendance"),
]
