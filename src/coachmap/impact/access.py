"""Who sees which impact estimates: the program lead and the district admin the whole district (or one
of its schools); a principal their own school. Teachers and coaches are never the subject of an
estimate, so there is nothing here for one of them (their own work is on the coach's impact summary).
"""

from __future__ import annotations

from dataclasses import dataclass

from coachmap.core import access
from coachmap.core.access import AnyUser
from coachmap.core.models import District, Role, School


@dataclass(frozen=True)
class Scope:
    district: District
    school: School | None  # None: the whole district
    schools: list[School]  # what the person may choose between
    district_wide: bool  # may see the program level


def impact_scope(user: AnyUser, school_id: str | None) -> Scope:
    """The district and school a request's estimates cover; 403 for a school that is not the person's."""
    district = access.acting_district(user, Role.PROGRAM_LEAD, Role.DISTRICT_ADMIN)
    if district is not None:
        schools = list(School.objects.filter(district=district).order_by("name"))
        chosen = next((s for s in schools if str(s.pk) == school_id), None) if school_id else None
        access.require(not school_id or chosen is not None, "That school is not in your district.")
        return Scope(district, chosen, schools, district_wide=True)
    led = list(
        School.objects.filter(id__in=access.school_ids(user, Role.PRINCIPAL))
        .select_related("district")
        .order_by("name")
    )
    access.require(bool(led), "Impact estimates are for principals, the program lead and the district.")
    chosen = next((s for s in led if str(s.pk) == school_id), None) if school_id else led[0]
    access.require(chosen is not None, "You can see the impact estimates of your own school only.")
    assert chosen is not None  # noqa: S101 - required above
    return Scope(chosen.district, chosen, led, district_wide=False)
