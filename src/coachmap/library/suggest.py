"""Which resources suit a coaching cycle: a small, explainable score.

A resource scores for being tagged with the cycle's improvement goal, for each of the cycle's
tools and for its practice, for the goal's subject and for the teacher's grades. Each point comes
with a reason the coach can read.

Plain functions; no database access.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from coachmap.library.tags import normalise

GOAL_POINTS = 4
TOOL_POINTS = 3
PRACTICE_POINTS = 3
SUBJECT_POINTS = 1
GRADE_POINTS = 1


@dataclass(frozen=True)
class CycleTags:
    goal_id: int | None
    subject: str
    tools: Collection[str]
    practice: str
    grades: Collection[int]


@dataclass(frozen=True)
class ResourceTags:
    goal_ids: Collection[int]
    subjects: Collection[str]
    tools: Collection[str]
    practices: Collection[str]
    grades: Collection[int]


@dataclass(frozen=True)
class Fit:
    score: int
    reasons: tuple[str, ...]


def fit(cycle: CycleTags, resource: ResourceTags) -> Fit:
    """How well a resource fits a cycle, with the reasons. Tags compare by normalised key."""
    score, reasons = 0, []
    if cycle.goal_id is not None and cycle.goal_id in resource.goal_ids:
        score += GOAL_POINTS
        reasons.append("tagged with this school goal")
    # Compared by normalised key; named as the resource names them ("uses Lexia").
    cycle_tools = {normalise(t) for t in cycle.tools}
    shared_tools = [t for t in resource.tools if normalise(t) in cycle_tools]
    if shared_tools:
        score += TOOL_POINTS * len(shared_tools)
        reasons.append("uses " + ", ".join(shared_tools))
    if cycle.practice and normalise(cycle.practice) in {normalise(p) for p in resource.practices}:
        score += PRACTICE_POINTS
        reasons.append(f"about {cycle.practice}")
    if cycle.subject and cycle.subject in resource.subjects:
        score += SUBJECT_POINTS
        reasons.append("same subject")
    if set(cycle.grades) & set(resource.grades):
        score += GRADE_POINTS
        reasons.append("same grades")
    return Fit(score, tuple(reasons))
