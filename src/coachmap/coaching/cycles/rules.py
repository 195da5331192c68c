"""The rules of a coaching cycle's life, as plain functions: stages, the honest end, staleness.

A cycle moves through stages in order — goal and baseline evidence, learning and planning,
implementation (model, co-teach, observe), reflection and feedback — and then ends. Moving
forward asks for what the next stage needs; moving back is always allowed (cycles loop). It
ends honestly: goal met (with after-evidence to show it), referred on (to someone named),
teacher stepped back, or paused (and may resume).

No database access here: callers pass `CycleFacts`.
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass

GOAL, LEARNING, IMPLEMENTATION, REFLECTION, CLOSE = (
    "goal",
    "learning",
    "implementation",
    "reflection",
    "close",
)
STAGES: tuple[str, ...] = (GOAL, LEARNING, IMPLEMENTATION, REFLECTION)
"""The working stages in order; CLOSE follows them and is reached only by ending the cycle."""

GOAL_MET, REFERRED, HANDED_OVER, STEPPED_BACK, PAUSED = (
    "goal_met",
    "referred",
    "handed_over",
    "stepped_back",
    "paused",
)
OUTCOMES: tuple[str, ...] = (GOAL_MET, REFERRED, HANDED_OVER, STEPPED_BACK, PAUSED)

IMPLEMENTATION_SESSIONS = frozenset({"model", "co_teach", "observe"})

DUE_SOON_AFTER_DAYS = 10
"""A cycle with nothing logged for this many days is due a touch."""
OVERDUE_AFTER_DAYS = 14
"""… and after two weeks of quiet it is overdue."""


@dataclass(frozen=True)
class CycleFacts:
    """What the rules need to know about a cycle."""

    stage: str
    active: bool
    learning_target: str = ""
    has_pre_evidence: bool = False
    has_post_evidence: bool = False
    look_fors: int = 0
    session_types: frozenset[str] = frozenset()


def stage_change_problems(facts: CycleFacts, target: str) -> list[str]:
    """Why the cycle cannot move to `target` now; empty when it can."""
    if not facts.active:
        return ["This cycle has ended; resume it first if it was paused."]
    if target not in STAGES:
        return ["To close the cycle, end it and say how it ended."]
    if target == facts.stage:
        return ["The cycle is already at this stage."]
    current, wanted = STAGES.index(facts.stage), STAGES.index(target)
    if wanted < current:
        return []
    if wanted > current + 1:
        return ["Move one stage at a time, so nothing is skipped."]
    problems = []
    if target == LEARNING:
        if not facts.learning_target.strip():
            problems.append("Write the student learning target first.")
        if not facts.has_pre_evidence:
            problems.append("Record baseline student evidence first, so the change can be shown later.")
    elif target == IMPLEMENTATION:
        if facts.look_fors == 0:
            problems.append("Agree on at least one look-for first: what you will both look for in class.")
        if "co_plan" not in facts.session_types:
            problems.append("Log a co-planning session first.")
    elif target == REFLECTION and not facts.session_types & IMPLEMENTATION_SESSIONS:
        problems.append("Log a modeling, co-teaching or observation session first.")
    return problems


def close_problems(facts: CycleFacts, outcome: str, referred_to: str = "") -> list[str]:
    """Why the cycle cannot end with `outcome`; empty when it can."""
    if not facts.active:
        return ["This cycle has already ended."]
    if outcome not in OUTCOMES:
        return ["Say how the cycle ended."]
    if outcome == GOAL_MET and not facts.has_post_evidence:
        return ["Record after-evidence first: “goal met” should show the change in students’ learning."]
    if outcome == REFERRED and not referred_to.strip():
        return ["Say who the teacher was referred to."]
    return []


def stage_after_close(stage: str, outcome: str) -> str:
    """A paused cycle keeps its stage, to pick up where it left off; every other end closes it."""
    return stage if outcome == PAUSED else CLOSE


class Staleness(enum.Enum):
    OK = "ok"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return {"ok": "On track", "due_soon": "Due soon", "overdue": "Overdue"}[self.value]


def staleness(last_touch: datetime.date, today: datetime.date) -> Staleness:
    """How quiet an active cycle has gone since it was last touched (a session, a check-in,
    evidence, a stage change, or its opening)."""
    quiet = (today - last_touch).days
    if quiet >= OVERDUE_AFTER_DAYS:
        return Staleness.OVERDUE
    if quiet >= DUE_SOON_AFTER_DAYS:
        return Staleness.DUE_SOON
    return Staleness.OK


def last_touch(*days: datetime.date | None) -> datetime.date:
    """The latest of the given days (at least one must be given)."""
    known = [d for d in days if d is not None]
    if not known:
        raise ValueError("a cycle has at least its opening day")
    return max(known)


def evidence_change(pre_share: float | None, post_share: float | None) -> float | None:
    """The change in the share of students meeting the target, in percentage points."""
    if pre_share is None or post_share is None:
        return None
    return post_share - pre_share


def fidelity(look_fors: int, seen: int) -> float | None:
    """Share of look-fors seen, in percent; None when there were none to look for."""
    if look_fors <= 0:
        return None
    return 100 * min(seen, look_fors) / look_fors


# A micro-coaching log can be taken back this long after it was made (a wrong tap on a phone).
MICRO_UNDO_MINUTES = 15
