"""Reading the look-for framework: the current version, its history, one version laid out by band."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from coachmap.core.access import AnyUser
from coachmap.improvement import access as improvement_access
from coachmap.improvement.models import FrameworkLevel, FrameworkLookFor, FrameworkVersion, GradeBand


def current_version(district_id: int) -> FrameworkVersion | None:
    """The newest published version: what check-ins, micro-coaching and walkthroughs use now."""
    return FrameworkVersion.objects.filter(district_id=district_id).order_by("-number").first()


def history(user: AnyUser, district_id: int) -> QuerySet[FrameworkVersion]:
    return (
        improvement_access.framework_versions_visible_to(user)
        .filter(district_id=district_id)
        .select_related("published_by")
        .order_by("-number")
    )


@dataclass(frozen=True)
class Band:
    value: str
    label: str
    look_fors: list[FrameworkLookFor]


@dataclass(frozen=True)
class Layout:
    version: FrameworkVersion
    levels: list[FrameworkLevel]
    bands: list[Band]
    is_current: bool


def layout(version: FrameworkVersion) -> Layout:
    look_fors = list(version.look_fors.all())
    current = current_version(version.district_id)
    return Layout(
        version,
        list(version.levels.all()),
        [Band(b.value, b.label, [lf for lf in look_fors if lf.grade_band == b.value]) for b in GradeBand],
        current is not None and current.pk == version.pk,
    )


def look_for_choices(version: FrameworkVersion | None) -> list[tuple[str, list[tuple[int, str]]]]:
    """The version's look-fors grouped by grade band, as a form's grouped choices."""
    if version is None:
        return []
    by_band: dict[str, list[tuple[int, str]]] = {b.value: [] for b in GradeBand}
    for lf in version.look_fors.all():
        by_band[lf.grade_band].append((lf.pk, lf.text))
    return [(GradeBand(band).label, items) for band, items in by_band.items() if items]
