"""Writing the look-for framework: publishing a version (never editing one) and recording walkthroughs."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coachmap.core import access
from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, District, School, User
from coachmap.improvement import access as improvement_access
from coachmap.improvement.framework import defaults
from coachmap.improvement.models import (
    FrameworkLevel,
    FrameworkLookFor,
    FrameworkVersion,
    GradeBand,
    Walkthrough,
)

MAX_LEVELS = 7
MAX_LOOK_FORS = 8


def _publish(
    *,
    district: District,
    by: User | None,
    levels: Sequence[tuple[str, str]],
    look_fors: Mapping[str, Sequence[str]],
    change_note: str,
) -> FrameworkVersion:
    last = (
        FrameworkVersion.objects.select_for_update()
        .filter(district=district)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    version = FrameworkVersion.objects.create(
        district=district, number=(last or 0) + 1, published_by=by, change_note=change_note.strip()[:300]
    )
    FrameworkLevel.objects.bulk_create(
        FrameworkLevel(version=version, position=i, name=name, description=description)
        for i, (name, description) in enumerate(levels, start=1)
    )
    FrameworkLookFor.objects.bulk_create(
        FrameworkLookFor(version=version, grade_band=band, position=i, text=text)
        for band in GradeBand.values
        for i, text in enumerate(look_fors.get(band, ()), start=1)
    )
    return version


def framework_ensure(*, district: District) -> FrameworkVersion:
    """The district's current framework, publishing the default as version 1 when it has none."""
    with transaction.atomic():
        current = FrameworkVersion.objects.filter(district=district).order_by("-number").first()
        if current is not None:
            return current
        return _publish(
            district=district,
            by=None,
            levels=defaults.LEVELS,
            look_fors=defaults.LOOK_FORS,
            change_note="The default framework: the Technology Integration Matrix's levels.",
        )


def _parse_level(line: str) -> tuple[str, str]:
    name, _, description = line.partition(":")
    return name.strip(), description.strip()


def framework_publish(
    *,
    actor: User,
    district: District,
    levels: Iterable[str],
    look_fors: Mapping[str, Iterable[str]],
    change_note: str = "",
) -> FrameworkVersion:
    """The program lead publishes a new version of the framework. Nothing is edited in place:
    check-ins and walkthroughs recorded against an older version keep it."""
    access.require(
        improvement_access.may_edit_framework(actor, district.pk),
        "Only the district's program lead edits the look-for framework.",
    )
    parsed_levels = [_parse_level(line) for line in levels if line.strip()]
    cleaned = {
        band: [text.strip() for text in look_fors.get(band, ()) if text.strip()] for band in GradeBand.values
    }
    errors: dict[str, str] = {}
    if not 2 <= len(parsed_levels) <= MAX_LEVELS:  # noqa: PLR2004
        errors["levels"] = f"Give between 2 and {MAX_LEVELS} levels, one a line, lowest first."
    elif any(not name or len(name) > 60 for name, _ in parsed_levels):  # noqa: PLR2004
        errors["levels"] = "Each level needs a short name (at most 60 characters) before its colon."
    elif len({name.lower() for name, _ in parsed_levels}) < len(parsed_levels):
        errors["levels"] = "Two levels have the same name; give each its own."
    elif any(len(description) > 300 for _, description in parsed_levels):  # noqa: PLR2004
        errors["levels"] = "Keep each level's description to 300 characters."
    for band in GradeBand:
        items = cleaned[band.value]
        if not items:
            errors[f"look_fors_{band.value}"] = f"Give at least one look-for for {band.label}."
        elif len(items) > MAX_LOOK_FORS:
            errors[f"look_fors_{band.value}"] = f"Keep to {MAX_LOOK_FORS} look-fors for {band.label}."
        elif any(len(text) > 300 for text in items):  # noqa: PLR2004
            errors[f"look_fors_{band.value}"] = "Keep each look-for to 300 characters."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        version = _publish(
            district=district, by=actor, levels=parsed_levels, look_fors=cleaned, change_note=change_note
        )
        audit_record(
            actor=actor,
            action=AuditAction.SETTINGS_CHANGE,
            obj=version,
            district=district,
            setting="look-for framework",
            version=version.number,
        )
    return version


def walkthrough_record(
    *,
    actor: User,
    school: School,
    observed_on: datetime.date,
    grade_band: str,
    level: FrameworkLevel,
    look_fors: Iterable[FrameworkLookFor] = (),
) -> Walkthrough:
    """A coach serving the school, or its principal, records a walkthrough against the current
    framework. No teacher is named: it counts only in aggregates."""
    access.require(
        improvement_access.may_record_walkthrough(actor, school),
        "Only the school's principal and the coaches who serve it record its walkthroughs.",
    )
    current = FrameworkVersion.objects.filter(district_id=school.district_id).order_by("-number").first()
    seen = list(look_fors)
    errors: dict[str, str] = {}
    if grade_band not in GradeBand.values:
        errors["grade_band"] = "Choose one of the framework's grade bands."
    if current is None or level.version_id != current.pk:
        errors["level"] = "Choose a level from the district's current framework."
    if any(lf.version_id != level.version_id or lf.grade_band != grade_band for lf in seen):
        errors["look_fors"] = "Choose look-fors of the grade band observed, from the current framework."
    if observed_on > timezone.localdate():
        errors["observed_on"] = "A walkthrough cannot be dated in the future."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        walkthrough = Walkthrough.objects.create(
            school=school,
            observer=actor,
            observed_on=observed_on,
            version=level.version,
            grade_band=grade_band,
            level=level,
        )
        walkthrough.look_fors.set(seen)
    return walkthrough
