"""Reads for the People page: search, where each person stands with their invitation, and which
teachers an "invite everyone" would reach."""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from coachmap.core import links
from coachmap.core.access import AnyUser
from coachmap.core.models import AuditAction, AuditEvent, District, Membership, Role, School, Teacher, User
from coachmap.people.access import people_visible_to


class Standing(enum.StrEnum):
    """Where a person stands with their account, in the words the page uses."""

    SIGNED_IN = "signed_in"
    INVITED = "invited"
    EXPIRED = "expired"
    NOT_INVITED = "not_invited"
    SWITCHED_OFF = "switched_off"

    @property
    def label(self) -> str:
        return {
            Standing.SIGNED_IN: "Has signed in",
            Standing.INVITED: "Invited, not accepted yet",
            Standing.EXPIRED: "Invitation expired",
            Standing.NOT_INVITED: "Not invited yet",
            Standing.SWITCHED_OFF: "Switched off",
        }[self]


# The filter's choices: everyone, or one standing; "not accepted" is every invited-or-not account
# nobody has used yet.
NOT_ACCEPTED = "not_accepted"
STANDING_CHOICES = [
    ("", "Everyone"),
    (NOT_ACCEPTED, "Not accepted yet (invited or not)"),
    *[(s.value, s.label) for s in Standing],
]


def _unused() -> Q:
    return Q(password__startswith=UNUSABLE_PASSWORD_PREFIX, last_login__isnull=True)


def _last_invited() -> Subquery:
    return Subquery(
        AuditEvent.objects.filter(subject_id=OuterRef("pk"), action=AuditAction.PASSWORD_LINK)
        .order_by("-at")
        .values("at")[:1]
    )


def people(
    user: AnyUser,
    *,
    text: str = "",
    standing: str = "",
    role: str = "",
    school: School | None = None,
) -> QuerySet[User]:
    """The admin's people, with `last_invited`, filtered and in name order."""
    found = people_visible_to(user).annotate(last_invited=_last_invited())
    for word in text.split():
        found = found.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(username__icontains=word)
        )
    if role:
        found = found.filter(memberships__role=role)
    if school is not None:
        found = found.filter(memberships__school=school)
    if role or school is not None:
        found = found.distinct()
    valid_from = timezone.now() - links.invitation_lifetime()
    active_unused = Q(is_active=True) & _unused()
    wanted = {
        NOT_ACCEPTED: active_unused,
        Standing.SWITCHED_OFF: Q(is_active=False),
        Standing.SIGNED_IN: Q(is_active=True) & ~_unused(),
        Standing.NOT_INVITED: active_unused & Q(last_invited__isnull=True),
        Standing.INVITED: active_unused & Q(last_invited__gt=valid_from),
        Standing.EXPIRED: active_unused & Q(last_invited__lte=valid_from),
    }.get(standing)
    if wanted is not None:
        found = found.filter(wanted)
    return found.order_by("last_name", "first_name", "username")


@dataclass(frozen=True)
class PersonStanding:
    standing: Standing
    words: str
    invited_at: datetime.datetime | None
    expires_at: datetime.datetime | None


def _day(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%B} {local.day}, {local.year}"


def standing_of(person: User, last_invited: datetime.datetime | None) -> PersonStanding:
    """What the People page says about a person's account, and what happens next."""
    if not person.is_active:
        return PersonStanding(
            Standing.SWITCHED_OFF,
            "Switched off: they cannot sign in until you switch the account on.",
            None,
            None,
        )
    if not links.is_unused(person):
        return PersonStanding(Standing.SIGNED_IN, "Has signed in or set a password.", None, None)
    if last_invited is None:
        return PersonStanding(
            Standing.NOT_INVITED,
            "Not invited yet: send an invitation so they can set a password.",
            None,
            None,
        )
    expires = last_invited + links.invitation_lifetime()
    if expires <= timezone.now():
        return PersonStanding(
            Standing.EXPIRED,
            f"Invitation expired on {_day(expires)}: send it again.",
            last_invited,
            expires,
        )
    return PersonStanding(
        Standing.INVITED,
        f"Invited; the link works until {_day(expires)}, {timezone.localtime(expires):%H:%M}. "
        "Waiting for them to set a password.",
        last_invited,
        expires,
    )


def last_invited(person: User) -> datetime.datetime | None:
    return (
        AuditEvent.objects.filter(subject=person, action=AuditAction.PASSWORD_LINK)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )


def roles_of(person: User, districts: set[int]) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=person, district_id__in=districts)
        .select_related("school", "district")
        .order_by("role", "school__name")
    )


@dataclass(frozen=True)
class TeachersToInvite:
    people: list[User]
    without_email: int


def _teachers_without_sign_in(district: District) -> QuerySet[User]:
    """The district's teachers nobody has invited yet, or whose invitation has expired, with an
    account nobody has used (no password, never signed in) and switched on."""
    valid_from = timezone.now() - links.invitation_lifetime()
    return User.objects.filter(
        Exists(Teacher.objects.filter(user=OuterRef("pk"), school__district=district)),
        Exists(Membership.objects.filter(user=OuterRef("pk"), district=district, role=Role.TEACHER)),
        _unused(),
        is_active=True,
    ).exclude(
        Exists(
            AuditEvent.objects.filter(
                subject_id=OuterRef("pk"), action=AuditAction.PASSWORD_LINK, at__gt=valid_from
            )
        )
    )


def teachers_to_invite_count(district: District) -> int:
    return _teachers_without_sign_in(district).exclude(email="").count()


def teachers_to_invite(district: District) -> TeachersToInvite:
    """Whom "invite every teacher with no sign-in yet" reaches, and how many it cannot (no email)."""
    teachers = _teachers_without_sign_in(district)
    return TeachersToInvite(
        list(teachers.exclude(email="").order_by("last_name", "first_name", "pk")),
        teachers.filter(email="").count(),
    )
