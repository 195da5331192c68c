"""Who may see and do what in the program app.

A coach's growth (self-assessments, goals, learning log) is the coach's alone: nobody else reads
one coach's entries, not even the program lead, who sees the team's self-assessments only as
counts per level, hidden below the minimum group size (docs/coach-growth.md says why there is no
"share with the lead" switch). The vision is for every signed-in person of the district; the
annual review for the program lead (who writes it) and the district admins (who read it).
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from coachmap.core.access import (
    AnyUser,
    admin_district_ids,
    coach_of,
    district_ids,
    lead_district_ids,
)
from coachmap.program.models import AnnualReview, CoachGoal, LearningEntry, SelfAssessment

M = TypeVar("M", bound=Model)


def _own(model: type[M], user: AnyUser) -> QuerySet[M]:
    """The signed-in coach's own rows of a coach's private record; nobody else's, ever."""
    coach = coach_of(user)
    if coach is None:
        return model.objects.none()  # type: ignore[attr-defined]
    return model.objects.filter(coach_id=coach.pk)  # type: ignore[attr-defined]


def self_assessments_visible_to(user: AnyUser) -> QuerySet[SelfAssessment]:
    return _own(SelfAssessment, user)


def coach_goals_visible_to(user: AnyUser) -> QuerySet[CoachGoal]:
    return _own(CoachGoal, user)


def learning_visible_to(user: AnyUser) -> QuerySet[LearningEntry]:
    return _own(LearningEntry, user)


def reviews_visible_to(user: AnyUser) -> QuerySet[AnnualReview]:
    return AnnualReview.objects.filter(district_id__in=lead_district_ids(user) | admin_district_ids(user))


def may_edit_rubric(user: AnyUser, district_id: int) -> bool:
    """The competency rubric: the district's program lead."""
    return district_id in lead_district_ids(user)


def may_read_team_growth(user: AnyUser, district_id: int) -> bool:
    return district_id in lead_district_ids(user)


def may_write_vision(user: AnyUser, district_id: int) -> bool:
    return district_id in lead_district_ids(user)


def may_read_vision(user: AnyUser, district_id: int) -> bool:
    """Everyone signed in to the district, teachers included (article 002: introduce the vision)."""
    return district_id in district_ids(user)


def may_write_review(user: AnyUser, review: AnnualReview, current_year: int) -> bool:
    """The program lead, for the current school year only: past years are kept as they were."""
    return review.district_id in lead_district_ids(user) and review.school_year == current_year
