"""Writes behind the People page. Each one goes through `core.services`, which checks that the
actor is the person's district admin, audits the change with the person as subject and sends
any set-your-password link: there is one way to do each of these things, and it is there.

What this module adds are the People page's own rules: an email address names one person; a
person keeps at least one role (switch the account off instead); a district keeps a district
admin; inviting every teacher at once says how many it reached and stops cleanly when the mail
server does not answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from coachmap.core import access
from coachmap.core import services as core_services
from coachmap.core.links import SiteAddress
from coachmap.core.models import Coach, District, Membership, Role, School, Teacher, User
from coachmap.people import queries
from coachmap.people.access import district_of

log = logging.getLogger(__name__)


def _username_for(email: str) -> str:
    """People sign in with their email address; a clash (an older account) gets a number."""
    base = email.strip().lower()[:140]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def person_create(
    *,
    actor: User,
    district: District,
    first_name: str,
    last_name: str,
    email: str,
    role: Role,
    school: School | None,
    site: SiteAddress,
) -> User:
    """Add a person with a first role and email them an invitation to set their own password."""
    access.require(access.may_change_district(actor, district.pk), "Only a district admin can add people.")
    email = email.strip()
    if User.objects.filter(email__iexact=email, memberships__district=district).exists():
        raise ValidationError(
            {"email": f"Someone in {district} already has the address {email}: find them with the search."}
        )
    if not (first_name.strip() or last_name.strip()):
        raise ValidationError({"first_name": "Enter the person's name, as colleagues know it."})
    return core_services.person_add(
        actor=actor,
        district=district,
        username=_username_for(email),
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=role,
        school=school,
        site=site,
    )


def role_give(*, actor: User, person: User, role: Role, school: School | None) -> Membership:
    """Give a person a role (in a school, for teachers and principals); a new teacher or coach
    gets the profile the role's pages need."""
    district = district_of(actor, person)
    with transaction.atomic():
        membership = core_services.membership_grant(
            actor=actor, user=person, district=district, role=role, school=school
        )
        if role is Role.TEACHER and school is not None and not Teacher.objects.filter(user=person).exists():
            Teacher.objects.create(user=person, school=school)
        if role is Role.COACH and not Coach.objects.filter(user=person).exists():
            Coach.objects.create(user=person, district=district)
    return membership


def role_take(*, actor: User, membership: Membership) -> None:
    """Take a role away. Refused for a person's last role (they would vanish from the People page
    yet keep their account: switch it off instead) and for a district's last district admin."""
    person = membership.user
    with transaction.atomic():
        held = Membership.objects.select_for_update().filter(user=person, district_id=membership.district_id)
        if held.count() <= 1:
            raise ValidationError(
                f"This is {person}'s only role in {membership.district}. To stop them signing in, "
                "switch their account off; to change their role, give the new one first."
            )
        if membership.role == Role.DISTRICT_ADMIN:
            admins = Membership.objects.filter(district_id=membership.district_id, role=Role.DISTRICT_ADMIN)
            if admins.count() <= 1:
                raise ValidationError(
                    f"{person} is the only district admin of {membership.district}: give someone else "
                    "the role first, so the district is never left without one."
                )
            if person.pk == actor.pk:
                raise ValidationError(
                    "You cannot take away your own district admin role: ask another district admin."
                )
        core_services.membership_revoke(actor=actor, membership=membership)


def person_switch(*, actor: User, person: User, active: bool) -> User:
    """Switch an account off (they cannot sign in; nothing of theirs is deleted) or on again."""
    return core_services.account_update(
        actor=actor,
        user=person,
        first_name=person.first_name,
        last_name=person.last_name,
        email=person.email,
        is_active=active,
    )


def person_invite(*, actor: User, person: User, site: SiteAddress) -> None:
    """Send (or send again) the person's invitation; to someone who has signed in already, a
    set-your-password link. Either way only they choose the password."""
    core_services.password_link_send(actor=actor, user=person, site=site)


@dataclass
class InviteOutcome:
    sent: list[User] = field(default_factory=list)
    failed: str = ""
    not_sent: int = 0


def teachers_invite(*, actor: User, district: District, expected: int, site: SiteAddress) -> InviteOutcome:
    """Invite every teacher of the district with no sign-in yet (`queries.teachers_to_invite`).

    `expected` is the count the admin confirmed: when the list has changed since (an import, a
    colleague's invitations) nothing is sent and a ValidationError says the new count. Each
    invitation is its own audited act; when the mail server fails, sending stops there and the
    outcome says who was reached, so "send again" picks up the rest.
    """
    access.require(access.may_change_district(actor, district.pk), "Only a district admin can invite people.")
    wanted = queries.teachers_to_invite(district).people
    if len(wanted) != expected:
        raise ValidationError(
            f"The list has changed since you looked: {len(wanted)} teacher{'s' if len(wanted) != 1 else ''} "
            "now need an invitation. Check the number and confirm again."
        )
    outcome = InviteOutcome()
    for number, person in enumerate(wanted):
        try:
            core_services.password_link_send(actor=actor, user=person, site=site)
        except ValidationError as exc:
            outcome.failed = f"{person}: {' '.join(exc.messages)}"
        except OSError as exc:  # the mail server: refused, unreachable, timed out
            log.warning("Invitation to %s not sent: %s", person.pk, exc)
            outcome.failed = f"the mail server did not accept the invitation to {person} ({exc})"
        else:
            outcome.sent.append(person)
            continue
        outcome.not_sent = len(wanted) - number
        break
    return outcome
