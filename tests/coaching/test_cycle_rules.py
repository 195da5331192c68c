"""The rules of a cycle's life: stages in order, an honest end, and when a quiet cycle needs a nudge."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coachmap.coaching.cycles import rules
from coachmap.coaching.cycles.rules import CycleFacts, Staleness
from coachmap.coaching.models import CycleOutcome, CycleStage

READY = CycleFacts(
    stage=rules.GOAL,
    active=True,
    learning_target="Students explain their reasoning in writing.",
    has_pre_evidence=True,
    look_fors=2,
    session_types=frozenset({"co_plan", "observe"}),
)


def test_the_pure_rules_use_the_models_codes() -> None:
    assert (*rules.STAGES, rules.CLOSE) == tuple(CycleStage.values)
    assert tuple(CycleOutcome.values) == rules.OUTCOMES


def test_leaving_the_goal_stage_needs_a_learning_target_and_baseline_evidence() -> None:
    bare = CycleFacts(stage=rules.GOAL, active=True)
    assert rules.stage_change_problems(bare, rules.LEARNING) == [
        "Write the student learning target first.",
        "Record baseline student evidence first, so the change can be shown later.",
    ]
    assert rules.stage_change_problems(READY, rules.LEARNING) == []


def test_implementation_needs_look_fors_and_a_co_planning_session() -> None:
    facts = CycleFacts(stage=rules.LEARNING, active=True)
    assert rules.stage_change_problems(facts, rules.IMPLEMENTATION) == [
        "Agree on at least one look-for first: what you will both look for in class.",
        "Log a co-planning session first.",
    ]
    ready = CycleFacts(stage=rules.LEARNING, active=True, look_fors=1, session_types=frozenset({"co_plan"}))
    assert rules.stage_change_problems(ready, rules.IMPLEMENTATION) == []


def test_reflection_needs_a_classroom_session() -> None:
    facts = CycleFacts(stage=rules.IMPLEMENTATION, active=True, session_types=frozenset({"co_plan", "micro"}))
    assert rules.stage_change_problems(facts, rules.REFLECTION) == [
        "Log a modeling, co-teaching or observation session first."
    ]
    for kind in ("model", "co_teach", "observe"):
        ok = CycleFacts(stage=rules.IMPLEMENTATION, active=True, session_types=frozenset({kind}))
        assert rules.stage_change_problems(ok, rules.REFLECTION) == []


def test_one_stage_at_a_time_forward_any_distance_back() -> None:
    assert rules.stage_change_problems(READY, rules.IMPLEMENTATION) == [
        "Move one stage at a time, so nothing is skipped."
    ]
    late = CycleFacts(stage=rules.REFLECTION, active=True)
    assert rules.stage_change_problems(late, rules.GOAL) == []
    assert rules.stage_change_problems(late, rules.REFLECTION) == ["The cycle is already at this stage."]
    assert "end it" in rules.stage_change_problems(late, rules.CLOSE)[0]


def test_an_ended_cycle_does_not_move() -> None:
    ended = CycleFacts(stage=rules.CLOSE, active=False)
    assert "resume it" in rules.stage_change_problems(ended, rules.GOAL)[0]
    assert rules.close_problems(ended, rules.STEPPED_BACK) == ["This cycle has already ended."]


def test_goal_met_needs_after_evidence_and_a_referral_needs_a_name() -> None:
    assert "after-evidence" in rules.close_problems(READY, rules.GOAL_MET)[0]
    with_post = CycleFacts(stage=rules.REFLECTION, active=True, has_post_evidence=True)
    assert rules.close_problems(with_post, rules.GOAL_MET) == []
    assert rules.close_problems(READY, rules.REFERRED, "  ") == ["Say who the teacher was referred to."]
    assert rules.close_problems(READY, rules.REFERRED, "Building instructional coach") == []
    assert rules.close_problems(READY, rules.STEPPED_BACK) == []
    assert rules.close_problems(READY, "vanished") == ["Say how the cycle ended."]


def test_a_paused_cycle_keeps_its_stage_every_other_end_closes_it() -> None:
    assert rules.stage_after_close(rules.IMPLEMENTATION, rules.PAUSED) == rules.IMPLEMENTATION
    for outcome in (rules.GOAL_MET, rules.REFERRED, rules.STEPPED_BACK):
        assert rules.stage_after_close(rules.IMPLEMENTATION, outcome) == rules.CLOSE


def test_a_cycle_goes_due_soon_after_ten_quiet_days_and_overdue_after_two_weeks() -> None:
    touched = datetime.date(2026, 9, 1)
    assert rules.staleness(touched, datetime.date(2026, 9, 10)) is Staleness.OK
    assert rules.staleness(touched, datetime.date(2026, 9, 11)) is Staleness.DUE_SOON
    assert rules.staleness(touched, datetime.date(2026, 9, 14)) is Staleness.DUE_SOON
    assert rules.staleness(touched, datetime.date(2026, 9, 15)) is Staleness.OVERDUE
    assert Staleness.OVERDUE.label == "Overdue"


@given(st.dates(), st.integers(0, 400), st.integers(0, 400))
def test_staleness_only_grows_with_quiet(touched: datetime.date, a: int, b: int) -> None:
    order = [Staleness.OK, Staleness.DUE_SOON, Staleness.OVERDUE]
    quiet, quieter = sorted((a, b))
    try:
        first = rules.staleness(touched, touched + datetime.timedelta(days=quiet))
        second = rules.staleness(touched, touched + datetime.timedelta(days=quieter))
    except OverflowError:
        return
    assert order.index(first) <= order.index(second)


def test_the_last_touch_is_the_latest_known_day() -> None:
    d = datetime.date
    assert rules.last_touch(d(2026, 9, 1), None, d(2026, 9, 20), d(2026, 9, 3)) == d(2026, 9, 20)
    with pytest.raises(ValueError, match="opening day"):
        rules.last_touch(None)


def test_evidence_change_and_fidelity() -> None:
    assert rules.evidence_change(40.0, 65.0) == 25.0
    assert rules.evidence_change(None, 65.0) is None
    assert rules.fidelity(4, 3) == 75.0
    assert rules.fidelity(0, 0) is None
    assert rules.fidelity(2, 5) == 100.0
