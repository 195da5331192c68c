"""Where a teacher sits on the two axes of article 001: experience × pedagogical confidence.

Both axes are continuous and kept in the units people use: the experience axis in years (a
teacher new to the current curriculum adoption counts as somewhat less experienced with it), the
confidence axis on the 1–5 scale of the self-assessment. The district sets where each axis is
cut; the cuts make the four quadrants. A coach's look-for observations can move a teacher along
either axis, and the reason is kept with the move.

Pure Python: no Django, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Quadrant(StrEnum):
    NEW_CONFIDENT = "new_confident"
    EXPERIENCED_CONFIDENT = "experienced_confident"
    NEW_DEVELOPING = "new_developing"
    EXPERIENCED_DEVELOPING = "experienced_developing"

    @property
    def label(self) -> str:
        return QUADRANT_LABELS[self]


QUADRANT_LABELS: dict[Quadrant, str] = {
    Quadrant.NEW_CONFIDENT: "Newer to teaching, confident",
    Quadrant.EXPERIENCED_CONFIDENT: "Experienced, confident",
    Quadrant.NEW_DEVELOPING: "Newer to teaching, building confidence",
    Quadrant.EXPERIENCED_DEVELOPING: "Experienced, building confidence",
}
QUADRANT_CHOICES: list[tuple[str, str]] = [(q.value, q.label) for q in Quadrant]


@dataclass(frozen=True)
class SelfAssessmentItem:
    key: str
    text: str


# Written for coachmap (not taken from a published instrument). 1 = "not yet", 5 = "very much so".
SELF_ASSESSMENT: tuple[SelfAssessmentItem, ...] = (
    SelfAssessmentItem("plan_for_goal", "I can plan a lesson that moves my students toward our school goal."),
    SelfAssessmentItem(
        "adjust_mid_lesson", "When a lesson is not working, I can change course while teaching."
    ),
    SelfAssessmentItem(
        "check_understanding", "I know during a lesson which students understand and which do not."
    ),
    SelfAssessmentItem(
        "students_do_thinking", "My students do most of the thinking and talking in a lesson."
    ),
    SelfAssessmentItem(
        "small_groups", "I can run small groups while the rest of the class works on its own."
    ),
    SelfAssessmentItem("use_data", "I use assessment results to decide what to reteach and to whom."),
    SelfAssessmentItem("try_new", "I try new approaches and keep the ones that work for my students."),
    SelfAssessmentItem("explain_why", "I can explain to a colleague why I teach a skill the way I do."),
)
SCALE = (1, 5)


@dataclass(frozen=True)
class Thresholds:
    """The district's cuts. A teacher below `experience_years` is newer; below `confidence` is building confidence."""

    experience_years: float = 4.0
    confidence: float = 3.5
    adoption_discount_years: float = 2.0


@dataclass(frozen=True)
class Shift:
    """A coach's move along the axes after observing look-fors, with the reason kept."""

    experience_years: float
    confidence: float
    reason: str


@dataclass(frozen=True)
class Placement:
    experience: float  # years, after the adoption discount and coaches' shifts
    confidence: float  # 1–5, after coaches' shifts
    quadrant: Quadrant
    self_assessed: float | None  # the mean of the answers before any shift; None when unanswered


def confidence_from(answers: Mapping[str, int]) -> float | None:
    """The mean of the answered self-assessment items, or None when none is answered."""
    low, high = SCALE
    values = [v for k, v in answers.items() if k in {i.key for i in SELF_ASSESSMENT} and low <= v <= high]
    return sum(values) / len(values) if values else None


def quadrant_of(experience: float, confidence: float, thresholds: Thresholds) -> Quadrant:
    newer = experience < thresholds.experience_years
    developing = confidence < thresholds.confidence
    if newer:
        return Quadrant.NEW_DEVELOPING if developing else Quadrant.NEW_CONFIDENT
    return Quadrant.EXPERIENCED_DEVELOPING if developing else Quadrant.EXPERIENCED_CONFIDENT


def place(
    *,
    years: int,
    new_to_adoption: bool,
    answers: Mapping[str, int],
    thresholds: Thresholds,
    shifts: Iterable[Shift] = (),
) -> Placement:
    """Place a teacher: years (less the adoption discount) and the self-assessment, moved by coaches' shifts.

    A teacher who has not answered the self-assessment sits exactly on the confidence cut until
    a coach's observation moves them; the quadrant is then "confident", which routes to the
    lightest touch rather than presuming a need.
    """
    self_assessed = confidence_from(answers)
    experience = max(0.0, years - (thresholds.adoption_discount_years if new_to_adoption else 0.0))
    confidence = thresholds.confidence if self_assessed is None else self_assessed
    for shift in shifts:
        experience = max(0.0, experience + shift.experience_years)
        confidence = min(5.0, max(1.0, confidence + shift.confidence))
    return Placement(
        round(experience, 2),
        round(confidence, 2),
        quadrant_of(experience, confidence, thresholds),
        self_assessed,
    )


def look_for_hint(checked_quadrants: Iterable[str]) -> Quadrant | None:
    """The quadrant most of a coach's checked look-fors belong to, when one clearly leads."""
    counts: dict[str, int] = {}
    for q in checked_quadrants:
        counts[q] = counts.get(q, 0) + 1
    if not counts:
        return None
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return Quadrant(ranked[0][0])
