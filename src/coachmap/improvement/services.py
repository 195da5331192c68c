"""Writes to a school's improvement goals."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from coachmap.core import access
from coachmap.core.models import Role, School, User
from coachmap.improvement.models import MAX_ACTIVE_GOALS, GoalStatus, ImprovementGoal, Metric


def goal_set(
    *,
    actor: User,
    school: School,
    statement: str,
    subject: str,
    student_group: str,
    metric: str,
    baseline: float,
    target: float,
    target_date: datetime.date,
) -> ImprovementGoal:
    """A principal sets one of the school's one or two student-centered improvement goals."""
    access.require(
        school.pk in access.school_ids(actor, Role.PRINCIPAL), "Only the school's principal sets its goals."
    )
    with transaction.atomic():
        # Lock the school row so two principals' tabs cannot both add a third goal.
        School.objects.select_for_update().get(pk=school.pk)
        active = ImprovementGoal.objects.filter(school=school, status=GoalStatus.ACTIVE).count()
        if active >= MAX_ACTIVE_GOALS:
            raise ValidationError(
                f"{school} already has {MAX_ACTIVE_GOALS} active improvement goals. Focus wins: mark one as met "
                "or retire it before adding another."
            )
        goal = ImprovementGoal(
            school=school,
            statement=statement.strip(),
            subject=subject,
            student_group=student_group,
            metric=metric,
            baseline=baseline,
            target=target,
            target_date=target_date,
            created_by=actor,
        )
        goal.full_clean()
        if goal.metric == Metric.GAP and goal.target > goal.baseline:
            raise ValidationError(
                {"target": "A gap goal narrows the gap: the target must be below the baseline."}
            )
        goal.save()
    return goal


def goal_status_change(*, actor: User, goal: ImprovementGoal, status: GoalStatus) -> ImprovementGoal:
    access.require(
        goal.school_id in access.school_ids(actor, Role.PRINCIPAL),
        "Only the school's principal changes its goals.",
    )
    if status == GoalStatus.ACTIVE and goal.status != GoalStatus.ACTIVE:
        with transaction.atomic():
            School.objects.select_for_update().get(pk=goal.school_id)
            if (
                ImprovementGoal.objects.filter(school_id=goal.school_id, status=GoalStatus.ACTIVE).count()
                >= MAX_ACTIVE_GOALS
            ):
                raise ValidationError(f"The school already has {MAX_ACTIVE_GOALS} active improvement goals.")
            goal.status = status
            goal.save(update_fields=["status"])
        return goal
    goal.status = status
    goal.save(update_fields=["status"])
    return goal
