"""Writes of the program app: the rubric, a coach's growth, the vision, the annual review.

Each is one transaction, checks who acts first (403), then the input (a ValidationError naming the field)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coachmap.core import access
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, Coach, District, User
from coachmap.core.schoolyear import school_year_of
from coachmap.program import access as program_access
from coachmap.program import defaults, review, terms
from coachmap.program.models import (
    AnnualReview,
    CoachGoal,
    Competency,
    GoalStatus,
    LearningEntry,
    ProgramVision,
    RubricLevel,
    SelfAssessment,
    SelfRating,
)

MAX_COMPETENCIES = 12


# --- the competency rubric ---------------------------------------------------------------------


def rubric_ensure(*, district: District) -> list[Competency]:
    """The district's active competencies, starting from the ISTE Standards for Coaches."""
    with transaction.atomic():
        if not Competency.objects.filter(district=district).exists():
            Competency.objects.bulk_create(
                Competency(district=district, position=i, name=name, description=description)
                for i, (name, description) in enumerate(defaults.COMPETENCIES, start=1)
            )
    return list(Competency.objects.filter(district=district, active=True))


def rubric_update(*, actor: User, district: District, lines: Iterable[str]) -> list[Competency]:
    """The program lead rewrites the rubric, one "Name: what it looks like" a line. An area taken
    off is kept for past self-assessments but no longer asked; a renamed area is a new one."""
    access.require(
        program_access.may_edit_rubric(actor, district.pk), "Only the program lead edits the rubric."
    )
    parsed = []
    for line in lines:
        if line.strip():
            name, _, description = line.partition(":")
            parsed.append((name.strip(), description.strip()))
    if not parsed or len(parsed) > MAX_COMPETENCIES:
        raise ValidationError({"competencies": f"Give between 1 and {MAX_COMPETENCIES} areas, one a line."})
    if any(not name or len(name) > 80 or len(description) > 400 for name, description in parsed):  # noqa: PLR2004
        raise ValidationError(
            {
                "competencies": "Each line needs a name of at most 80 characters, then a colon and up to 400 more."
            }
        )
    if len({name.lower() for name, _ in parsed}) < len(parsed):
        raise ValidationError({"competencies": "Two areas have the same name; give each its own."})
    with transaction.atomic():
        existing = {
            c.name.lower(): c for c in Competency.objects.select_for_update().filter(district=district)
        }
        kept = []
        for position, (name, description) in enumerate(parsed, start=1):
            competency = existing.pop(name.lower(), None) or Competency(district=district, name=name)
            competency.name, competency.description = name, description
            competency.position, competency.active = position, True
            competency.save()
            kept.append(competency)
        Competency.objects.filter(pk__in=[c.pk for c in existing.values()]).update(active=False)
        audit_record(
            actor=actor,
            action=AuditAction.SETTINGS_CHANGE,
            district=district,
            setting="coach competency rubric",
        )
    return kept


# --- a coach's own growth --------------------------------------------------------------------------


def self_assessment_save(
    *,
    coach: Coach,
    ratings: Mapping[int, int],
    reflection: str = "",
    today: datetime.date | None = None,
) -> SelfAssessment:
    """The coach's self-assessment for the current term: a level on every area of the rubric.
    Saving again in the same term replaces it; earlier terms are kept as they were."""
    day = today or timezone.localdate()
    school_year, term = terms.term_of(day)
    areas = {c.pk: c for c in Competency.objects.filter(district_id=coach.district_id, active=True)}
    missing = [areas[pk].name for pk in areas if pk not in ratings]
    if not areas:
        raise ValidationError("The program lead has not set up the competency rubric yet.")
    if missing:
        raise ValidationError({"ratings": f"Choose a level for every area: {', '.join(missing)}."})
    if any(pk not in areas for pk in ratings):
        raise ValidationError({"ratings": "Rate the areas of your district's current rubric only."})
    if any(level not in RubricLevel.values for level in ratings.values()):
        raise ValidationError({"ratings": "Choose a level from Beginning to Leading."})
    with transaction.atomic():
        assessment, _ = SelfAssessment.objects.select_for_update().get_or_create(
            coach=coach, school_year=school_year, term=term
        )
        assessment.reflection = reflection.strip()
        assessment.save()
        assessment.ratings.all().delete()
        SelfRating.objects.bulk_create(
            SelfRating(assessment=assessment, competency=areas[pk], level=level)
            for pk, level in ratings.items()
        )
    return assessment


def coach_goal_set(
    *, coach: Coach, text: str, competency: Competency | None = None, today: datetime.date | None = None
) -> CoachGoal:
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write the goal in a sentence."})
    if competency is not None and competency.district_id != coach.district_id:
        raise ValidationError({"competency": "Choose an area of your district's rubric."})
    with transaction.atomic():
        goal = CoachGoal(coach=coach, text=text, competency=competency, set_on=today or timezone.localdate())
        goal.full_clean()
        goal.save()
    return goal


def coach_goal_status(
    *, coach: Coach, goal: CoachGoal, status: str, today: datetime.date | None = None
) -> CoachGoal:
    access.require(goal.coach_id == coach.pk, "Only the coach whose goal it is changes it.")
    if status not in GoalStatus.values:
        raise ValidationError({"status": "Choose working on it, met or set aside."})
    with transaction.atomic():
        goal.status = status
        goal.closed_on = None if status == GoalStatus.ACTIVE else (today or timezone.localdate())
        goal.save(update_fields=["status", "closed_on"])
    return goal


def learning_log(
    *,
    coach: Coach,
    on: datetime.date,
    kind: str,
    title: str,
    minutes: int,
    reflection: str = "",
    competency: Competency | None = None,
) -> LearningEntry:
    """The coach logs their own learning (article 002: "coaches need coaching, too")."""
    if on > timezone.localdate():
        raise ValidationError({"on": "Log learning once it has happened."})
    if competency is not None and competency.district_id != coach.district_id:
        raise ValidationError({"competency": "Choose an area of your district's rubric."})
    with transaction.atomic():
        entry = LearningEntry(
            coach=coach,
            on=on,
            kind=kind,
            title=title.strip(),
            minutes=minutes,
            reflection=reflection.strip(),
            competency=competency,
        )
        entry.full_clean()
        entry.save()
    return entry


# --- the vision ------------------------------------------------------------------------------------


def vision_write(*, actor: User, district: District, vision: str, aims: Iterable[str]) -> ProgramVision:
    access.require(
        program_access.may_write_vision(actor, district.pk), "Only the program lead writes the vision."
    )
    vision = vision.strip()
    cleaned = [a.strip() for a in aims if a.strip()]
    if not vision:
        raise ValidationError({"vision": "Write the vision in a few sentences."})
    if len(vision) > 4000:  # noqa: PLR2004
        raise ValidationError({"vision": "Keep the vision to 4,000 characters: people read it on a phone."})
    if len(cleaned) > 10 or any(len(a) > 300 for a in cleaned):  # noqa: PLR2004
        raise ValidationError({"aims": "Keep to 10 aims of at most 300 characters each."})
    with transaction.atomic():
        record, _ = ProgramVision.objects.select_for_update().get_or_create(
            district=district, defaults={"vision": vision}
        )
        record.vision, record.aims, record.updated_by = vision, cleaned, actor
        record.save()
    return record


# --- the annual review --------------------------------------------------------------------------


def _current_review(actor: User, district: District, today: datetime.date) -> AnnualReview:
    year = school_year_of(today)
    access.require(
        program_access.may_write_review(actor, AnnualReview(district=district, school_year=year), year),
        "Only the program lead writes this year's review.",
    )
    review_row, _ = AnnualReview.objects.select_for_update().get_or_create(
        district=district, school_year=year
    )
    return review_row


def review_gather(*, actor: User, district: District, today: datetime.date | None = None) -> AnnualReview:
    """Gather (or gather again) this school year's figures into its review: the faculty survey,
    reach, time, alignment and outcomes, every figure as suppressed as on its own page."""
    day = today or timezone.localdate()
    with transaction.atomic():
        row = _current_review(actor, district, day)
        figures: dict[str, Any] = review.gather(actor, district, row.school_year, day)
        row.figures = figures
        row.gathered_at = timezone.now()
        row.save(update_fields=["figures", "gathered_at", "updated_at"])
    return row


def review_annotate(
    *,
    actor: User,
    review_row: AnnualReview,
    what_worked: str,
    what_to_change: str,
    today: datetime.date | None = None,
) -> AnnualReview:
    """The lead writes what worked and what to change next year; a past year's review is read-only."""
    day = today or timezone.localdate()
    access.require(
        program_access.may_write_review(actor, review_row, school_year_of(day)),
        "A past year's review is kept as it was; only this year's can be changed, by the program lead.",
    )
    if len(what_worked) > 8000 or len(what_to_change) > 8000:  # noqa: PLR2004
        raise ValidationError({"what_to_change": "Keep each part to 8,000 characters."})
    with transaction.atomic():
        review_row.what_worked = what_worked.strip()
        review_row.what_to_change = what_to_change.strip()
        review_row.save(update_fields=["what_worked", "what_to_change", "updated_at"])
    return review_row
