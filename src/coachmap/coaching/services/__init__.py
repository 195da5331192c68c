"""Writes for the coaching app, one transaction each: the chain (`chain`), best fit (`fit`),
matching and what follows it (`matching`), notifications (`notify`)."""

from coachmap.coaching.cycles.services import cycle_close, cycle_open, session_log
from coachmap.coaching.notifications.services import leads_notify, notification_send, notifications_mark_read
from coachmap.coaching.requests.services import (
    HOLDS_CAPACITY,
    coach_load,
    request_propose,
    request_respond,
    request_submit,
    request_withdraw,
    teacher_goal_write,
)
from coachmap.coaching.services.fit import (
    coach_profile_update,
    intake_submit,
    intakes_replace,
    look_for_add,
    look_for_set_active,
    observation_add,
    policy_ensure,
    policy_update,
)
from coachmap.coaching.services.matching import (
    cycle_refer,
    handover_create,
    offer_respond,
    proposal_edit,
    referral_respond,
    round_confirm,
    round_run,
)

__all__ = [
    "HOLDS_CAPACITY",
    "coach_load",
    "coach_profile_update",
    "cycle_close",
    "cycle_open",
    "cycle_refer",
    "handover_create",
    "intake_submit",
    "intakes_replace",
    "leads_notify",
    "look_for_add",
    "look_for_set_active",
    "notification_send",
    "notifications_mark_read",
    "observation_add",
    "offer_respond",
    "policy_ensure",
    "policy_update",
    "proposal_edit",
    "referral_respond",
    "request_propose",
    "request_respond",
    "request_submit",
    "request_withdraw",
    "round_confirm",
    "round_run",
    "session_log",
    "teacher_goal_write",
]
