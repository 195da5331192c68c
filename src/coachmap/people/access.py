"""Whose accounts a district admin may see and change on the People page: their own district's
people, and nobody else's (another district's person is a 404, as if they did not exist)."""

from __future__ import annotations

from django.db.models import QuerySet

from coachmap.core import access
from coachmap.core.access import AnyUser
from coachmap.core.models import District, Membership, User


def people_visible_to(user: AnyUser) -> QuerySet[User]:
    """People holding a role in a district the user administers."""
    districts = access.admin_district_ids(user)
    return User.objects.filter(pk__in=Membership.objects.filter(district_id__in=districts).values("user_id"))


def memberships_visible_to(user: AnyUser) -> QuerySet[Membership]:
    return Membership.objects.filter(district_id__in=access.admin_district_ids(user))


def district_of(admin: AnyUser, person: User) -> District:
    """The district in which `admin` looks after `person` (the lowest id when they share several)."""
    shared = access.admin_district_ids(admin) & set(
        Membership.objects.filter(user=person).values_list("district_id", flat=True)
    )
    access.require(bool(shared), "Only a district admin of this person's district can change their account.")
    return District.objects.get(pk=min(shared))
