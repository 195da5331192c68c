"""Who may see and change the library's resources.

Scopes built on the primitives of `core.access` (docs/architecture.md, "Layers")."""

from __future__ import annotations

from django.db.models import QuerySet

from coachmap.core.access import (
    AnyUser,
    district_ids,
    lead_district_ids,
)
from coachmap.core.models import Role
from coachmap.library.models import Resource


def resources_visible_to(user: AnyUser) -> QuerySet[Resource]:
    """The library is shared with everyone in the district."""
    return Resource.objects.filter(district_id__in=district_ids(user))


def may_change_resource(user: AnyUser, resource: Resource) -> bool:
    """The person who added it, and the program lead."""
    return user.pk == resource.created_by_id or resource.district_id in lead_district_ids(user)


def may_add_resource(user: AnyUser, district_id: int) -> bool:
    """The district's coaches and program lead add to its library."""
    return district_id in district_ids(user, Role.COACH, Role.PROGRAM_LEAD)
