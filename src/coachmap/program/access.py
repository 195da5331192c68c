"""Who may see and do what in the program app.

A coach's growth (self-assessments, goals, learning log) is the coach's alone: nobody else reads
one coach's entries, not even the program lead, who sees the team's self-assessments only as
counts per level, hidden below the minimum group size (docs/coach-growth.md says why there is no
"share with the lead" switch). The vision is for every signed-in person of the district; the
annual review for the program lead (who writes it) and the district admins (who read it).
"""

from __future__ import annotations

from django.db.models import QuerySet

from coachmap.core.access import (
    AnyUser,
    admin_district_ids,
    coach_of,
    district_ids,
    lead_district_ids,
)
from coachmap.program.models import AnnualReview, CoachGoal, LearningEntry, SelfAssessment


def _own_coach_id(user: AnyUser) -> int | None:
    coach = coach_of(user)
    return coach.pk if coach is not None else None


def self_assessments_visible_to(user: AnyUser) -> QuerySet[SelfAssessment]:
    return SelfAssessment.objects.filter(coach_id=_own_coach_id(user))


def coach_goals_visible_to(user: AnyUser) -> QuerySet[CoachGoal]:
    return CoachGoal.objects.filter(coach_id=_own_coach_id(user))


def learning_visible_to(user: AnyUser) -> QuerySet[LearningEntry]:
    return LearningEntry.objects.filter(coach_id=_own_coach_id(user))


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
