"""The school-year rollover (docs/vision-and-review.md, "Closing a school year").

At the end of a school year the program lead closes it in one step, after a check that says what
will happen:

- every coaching cycle still active is **paused** on the year's last day — honestly "paused", not
  "goal met": the teacher and coach can resume it next year, and its evidence stays;
- the year's **annual review is gathered** one last time from its figures, and is read-only from
  then on (program/services.py), so the year's reports are kept as they stood;
- each active school goal whose target date falls in the year **starts the new year**: a copy with
  the same aim, its baseline moved to the newest figure the lead may see (the old baseline when that
  figure is hidden), its target date a year on; the old goal is retired. Goals that run past the
  year are left as they are.

It runs once per district and year (`YearRollover`), in one transaction, audited.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coachmap.coaching.cycles import rules as cycle_rules
from coachmap.coaching.cycles.services import cycle_close
from coachmap.coaching.models import CoachingCycle, CycleStatus
from coachmap.core import access
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, District, User
from coachmap.core.schoolyear import school_year_bounds, school_year_of
from coachmap.improvement.models import GoalStatus, ImprovementGoal
from coachmap.improvement.queries.goals import goal_progress
from coachmap.program import services as program_services
from coachmap.program.models import YearRollover

COPIED_GOAL_FIELDS_EXCLUDED = {
    "id",
    "status",
    "created_at",
    "created_by",
    "baseline",
    "baseline_date",
    "target_date",
}


@dataclass
class RolloverPlan:
    district: District
    school_year: int
    last_day: datetime.date
    cycles: list[CoachingCycle] = field(default_factory=list)
    goals: list[ImprovementGoal] = field(default_factory=list)

    def words(self) -> str:
        label = f"{self.school_year - 1}–{self.school_year % 100:02d}"
        cycles = len(self.cycles)
        goals = len(self.goals)
        return (
            f"Closing the {label} school year pauses {cycles} active coaching cycle{'s' if cycles != 1 else ''} "
            f"on {self.last_day:%B %-d, %Y} (each can be resumed next year), keeps the year's annual review "
            f"as it stands, and starts {goals} school goal{'s' if goals != 1 else ''} again for "
            f"{self.school_year}–{(self.school_year + 1) % 100:02d} from where the newest figures put them."
        )


def rollover_plan(
    *, actor: User, district: District, school_year: int, today: datetime.date | None = None
) -> RolloverPlan:
    access.require(
        district.pk in access.lead_district_ids(actor), "Only the program lead closes a school year."
    )
    today = today or timezone.localdate()
    first, last = school_year_bounds(school_year)
    if first > today:
        raise ValidationError(
            {"school_year": "That school year has not started yet: close a year that has begun."}
        )
    if YearRollover.objects.filter(district=district, school_year=school_year).exists():
        raise ValidationError(
            {"school_year": f"The {school_year - 1}–{school_year % 100:02d} school year is already closed."}
        )
    return RolloverPlan(
        district=district,
        school_year=school_year,
        last_day=min(last, today),
        cycles=list(
            CoachingCycle.objects.filter(coach__district=district, status=CycleStatus.ACTIVE)
            .select_related("coach")
            .order_by("pk")
        ),
        goals=list(
            ImprovementGoal.objects.filter(
                school__district=district, status=GoalStatus.ACTIVE, target_date__lte=last
            )
            .select_related("school")
            .order_by("pk")
        ),
    )


def _next_year_goal(actor: User, goal: ImprovementGoal) -> ImprovementGoal:
    newest = goal_progress(actor, goal).progress
    copy = ImprovementGoal(
        **{
            f.attname: getattr(goal, f.attname)
            for f in ImprovementGoal._meta.concrete_fields
            if f.name not in COPIED_GOAL_FIELDS_EXCLUDED
        }
    )
    copy.baseline = goal.baseline if newest.current is None else newest.current
    copy.baseline_date = goal.baseline_date if newest.current_date is None else newest.current_date
    copy.target_date = goal.target_date.replace(year=goal.target_date.year + 1)
    copy.status = GoalStatus.ACTIVE
    copy.created_by = actor
    copy.full_clean()
    copy.save()
    goal.status = GoalStatus.RETIRED
    goal.save(update_fields=["status"])
    return copy


def year_rollover(
    *,
    actor: User,
    district: District,
    school_year: int,
    today: datetime.date | None = None,
    dry_run: bool = True,
) -> RolloverPlan:
    """Say what closing `school_year` does (`dry_run`), or do it."""
    plan = rollover_plan(actor=actor, district=district, school_year=school_year, today=today)
    if dry_run:
        return plan
    with transaction.atomic():
        District.objects.select_for_update().filter(pk=district.pk).exists()
        if YearRollover.objects.filter(district=district, school_year=school_year).exists():
            raise ValidationError({"school_year": "That school year was closed a moment ago."})
        for cycle in plan.cycles:
            cycle_close(coach=cycle.coach, cycle=cycle, outcome=cycle_rules.PAUSED, closed_on=plan.last_day)
        review = program_services.review_gather(actor=actor, district=district, today=plan.last_day)
        goals: dict[str, Any] = {str(goal.pk): _next_year_goal(actor, goal).pk for goal in plan.goals}
        YearRollover.objects.create(
            district=district,
            school_year=school_year,
            actor=actor,
            summary={"paused_cycles": len(plan.cycles), "goals": goals, "review": review.pk},
        )
        audit_record(
            actor=actor,
            action=AuditAction.SETTINGS_CHANGE,
            obj=district,
            district=district,
            rollover=school_year,
            paused_cycles=len(plan.cycles),
            goals_started=len(goals),
        )
    return plan


def current_year(today: datetime.date | None = None) -> int:
    return school_year_of(today or timezone.localdate())
