"""Writes for best fit: the teacher's intake, coaches' observations and profiles, look-fors, the policy.

Placement is recomputed (by `placement.place`) whenever its inputs change, so the stored
quadrant is always the one the current answers, observations and district cuts give.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from coachmap.coaching import access as coaching_access
from coachmap.coaching.bestfit.matching.model import PART_KEYS
from coachmap.coaching.bestfit.placement import SELF_ASSESSMENT, Quadrant, Shift, Thresholds, place
from coachmap.coaching.bestfit.routing import DEFAULT_ROUTES, Route, check_route, routes_to_json
from coachmap.coaching.eligibility import coach_serves
from coachmap.coaching.models import (
    DEFAULT_LOOK_FORS,
    CoachProfile,
    IntakeObservation,
    LookFor,
    RoutingPolicy,
    TeacherIntake,
)
from coachmap.core import access
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, Coach, District, Teacher, User

SCALE_TOP = 5  # the self-assessment answers run from 1 to this


def _clean_list(items: Sequence[str]) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        text = item.strip()
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    return list(seen.values())


def policy_ensure(*, district: District | int) -> RoutingPolicy:
    """The district's routing policy, created with the documented defaults (and seeded look-fors) on first use."""
    district_id = district.pk if isinstance(district, District) else district
    with transaction.atomic():
        policy, created = RoutingPolicy.objects.get_or_create(
            district_id=district_id, defaults={"routes": routes_to_json(DEFAULT_ROUTES)}
        )
        if created and not LookFor.objects.filter(district_id=district_id).exists():
            LookFor.objects.bulk_create(
                LookFor(district_id=district_id, quadrant=q.value, text=text, position=i)
                for q, texts in DEFAULT_LOOK_FORS.items()
                for i, text in enumerate(texts)
            )
    return policy


def _placement_fields(intake: TeacherIntake, thresholds: Thresholds) -> None:
    shifts = (
        [
            Shift(o.experience_shift, o.confidence_shift, o.reason)
            for o in intake.observations.all()
            if o.experience_shift or o.confidence_shift
        ]
        if intake.pk
        else []
    )
    placed = place(
        years=intake.years_experience,
        new_to_adoption=intake.new_to_adoption,
        answers=intake.confidence_answers,
        thresholds=thresholds,
        shifts=shifts,
    )
    intake.experience_axis = placed.experience
    intake.confidence_axis = placed.confidence
    intake.quadrant = placed.quadrant.value


def intake_submit(
    *,
    teacher: Teacher,
    years_experience: int,
    new_to_adoption: bool,
    answers: Mapping[str, int],
    tech_comfort: int,
    needs_tools: Sequence[str] = (),
    needs_content: Sequence[str] = (),
    needs_practices: Sequence[str] = (),
    availability: Sequence[str] = (),
    preferred_coach: Coach | None = None,
    language: str = "",
) -> TeacherIntake:
    """The teacher fills in (or updates) their intake; their placement follows from it."""
    keys = {item.key for item in SELF_ASSESSMENT}
    unknown = set(answers) - keys
    if unknown:
        raise ValidationError(f"Unknown self-assessment item: {', '.join(sorted(unknown))}.")
    if any(not 1 <= v <= SCALE_TOP for v in answers.values()):
        raise ValidationError("Answer each statement on the 1–5 scale.")
    if preferred_coach is not None and not coach_serves(preferred_coach, teacher.school_id):
        raise ValidationError({"preferred_coach": f"{preferred_coach} does not serve {teacher.school}."})
    policy = policy_ensure(district=teacher.school.district_id)
    with transaction.atomic():
        intake = TeacherIntake.objects.filter(teacher=teacher).first() or TeacherIntake(teacher=teacher)
        intake.years_experience = years_experience
        intake.new_to_adoption = new_to_adoption
        intake.confidence_answers = dict(answers)
        intake.tech_comfort = tech_comfort
        intake.needs_tools = _clean_list(needs_tools)
        intake.needs_content = _clean_list(needs_content)
        intake.needs_practices = _clean_list(needs_practices)
        intake.availability = list(availability)
        intake.preferred_coach = preferred_coach
        intake.language = language.strip()
        _placement_fields(intake, policy.thresholds)
        intake.full_clean()
        intake.save()
        if teacher.years_experience != years_experience:
            teacher.years_experience = years_experience
            teacher.save(update_fields=["years_experience"])
    return intake


def observation_add(
    *,
    coach: Coach,
    intake: TeacherIntake,
    look_fors: Sequence[LookFor] = (),
    note: str = "",
    experience_shift: float = 0.0,
    confidence_shift: float = 0.0,
    reason: str = "",
) -> IntakeObservation:
    """A coach records look-fors for a teacher they work with, and may move the placement with a reason."""
    access.require(
        coaching_access.intakes_visible_to(coach.user).filter(pk=intake.pk).exists()
        and coaching_access.may_read_intake_answers(coach.user, intake),
        "Only the teacher's own coaches can add observations.",
    )
    if (experience_shift or confidence_shift) and not reason.strip():
        raise ValidationError({"reason": "Say why the placement moves: the reason is kept with the move."})
    district_id = intake.teacher.school.district_id
    if any(lf.district_id != district_id for lf in look_fors):
        raise ValidationError({"look_fors": "Choose look-fors from your district's checklist."})
    policy = policy_ensure(district=district_id)
    with transaction.atomic():
        observation = IntakeObservation(
            intake=intake,
            coach=coach,
            note=note.strip(),
            experience_shift=experience_shift,
            confidence_shift=confidence_shift,
            reason=reason.strip(),
        )
        observation.full_clean()
        observation.save()
        observation.look_fors.set(look_fors)
        _placement_fields(intake, policy.thresholds)
        intake.save(update_fields=["experience_axis", "confidence_axis", "quadrant", "updated_at"])
    return observation


def intakes_replace(*, district_id: int, thresholds: Thresholds) -> int:
    """Recompute every intake's placement in the district (after its cuts change)."""
    intakes = list(
        TeacherIntake.objects.filter(teacher__school__district_id=district_id).prefetch_related(
            "observations"
        )
    )
    for intake in intakes:
        _placement_fields(intake, thresholds)
    TeacherIntake.objects.bulk_update(
        intakes, ["experience_axis", "confidence_axis", "quadrant"], batch_size=1000
    )
    return len(intakes)


def policy_update(
    *,
    actor: User,
    district: District,
    experience_threshold: float,
    adoption_discount: float,
    confidence_threshold: float,
    weights: Mapping[str, int],
    routes: Mapping[Quadrant, Route],
) -> RoutingPolicy:
    """The program lead (or district admin) changes the cuts, routes or weights; placements follow."""
    access.require(
        coaching_access.may_edit_routing_policy(actor, district.pk),
        "Only the program lead or district admin sets routing.",
    )
    problems = [p for q, r in routes.items() for p in check_route(q, r)]
    if problems:
        raise ValidationError({"routes": problems})
    if set(weights) != set(PART_KEYS):
        raise ValidationError({"weights": f"Give a weight for each of: {', '.join(PART_KEYS)}."})
    if sum(weights.values()) == 0:
        raise ValidationError(
            {"weights": "At least one weight must be above zero, or every match would score 0."}
        )
    policy = policy_ensure(district=district)
    before = policy.snapshot()
    with transaction.atomic():
        policy.experience_threshold = experience_threshold
        policy.adoption_discount = adoption_discount
        policy.confidence_threshold = confidence_threshold
        for key, value in weights.items():
            setattr(policy, f"weight_{key}", value)
        policy.routes = routes_to_json(routes)
        policy.updated_by = actor
        policy.full_clean()
        policy.save()
        intakes_replace(district_id=district.pk, thresholds=policy.thresholds)
        audit_record(
            actor=actor,
            action=AuditAction.SETTINGS_CHANGE,
            obj=policy,
            district=district,
            before=before,
            after=policy.snapshot(),
        )
    return policy


def look_for_add(*, actor: User, district: District, quadrant: Quadrant, text: str) -> LookFor:
    """Coaches and the program lead grow the district's checklist."""
    access.require(
        coaching_access.may_edit_look_fors(actor, district.pk),
        "Only the district's coaches and program lead edit its look-fors.",
    )
    if not text.strip():
        raise ValidationError({"text": "Write the look-for, e.g. “brings new ideas to the classroom”."})
    with transaction.atomic():
        position = LookFor.objects.filter(district=district, quadrant=quadrant).count()
        look_for = LookFor(district=district, quadrant=quadrant.value, text=text.strip(), position=position)
        look_for.full_clean()
        look_for.save()
    return look_for


def look_for_set_active(*, actor: User, look_for: LookFor, active: bool) -> LookFor:
    access.require(
        coaching_access.may_edit_look_fors(actor, look_for.district_id),
        "Only the district's coaches and program lead edit its look-fors.",
    )
    look_for.active = active
    look_for.save(update_fields=["active"])
    return look_for


def coach_profile_update(
    *,
    coach: Coach,
    tools: Sequence[str],
    content_areas: Sequence[str],
    grade_bands: Sequence[str],
    practices: Sequence[str],
    quadrants: Sequence[str],
    languages: Sequence[str],
) -> CoachProfile:
    """A coach describes what they are good at; matching reads it."""
    bad = [q for q in quadrants if q not in {x.value for x in Quadrant}]
    if bad:
        raise ValidationError({"quadrants": f"Unknown quadrant: {', '.join(bad)}."})
    with transaction.atomic():
        profile, _ = CoachProfile.objects.get_or_create(coach=coach)
        profile.tools = _clean_list(tools)
        profile.content_areas = _clean_list(content_areas)
        profile.grade_bands = _clean_list(grade_bands)
        profile.practices = _clean_list(practices)
        profile.quadrants = list(dict.fromkeys(quadrants))
        profile.languages = _clean_list(languages)
        profile.full_clean()
        profile.save()
    return profile
