"""Who a provider's account is, among the district's people — or nobody.

A person signs in only if they are already a person of the district (a membership in it): matched by
an email address the provider vouches for, or by their roster sourcedId read from a claim the district
names. Nobody is ever created here. An account linked before is checked again on every sign-in, so a
person removed from the district or turned off cannot come back through an old link.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from coachmap.core.models import Teacher, User
from coachmap.signin.models import Kind, SignInProvider


@dataclass(frozen=True)
class Identity:
    """What the provider told us about the account."""

    emails: tuple[tuple[str, bool], ...]  # (address, verified by the provider)
    claims: Mapping[str, Any]


@dataclass(frozen=True)
class Outcome:
    user: User | None
    reason: str  # "" when a person was found; otherwise "unknown", "inactive" or "ambiguous"
    matched_by: str = ""

    @property
    def ok(self) -> bool:
        return self.user is not None and not self.reason


def claims_of(extra_data: Mapping[str, Any]) -> dict[str, Any]:
    """The claims, whatever shape django-allauth keeps them in (flat, or under id_token/userinfo)."""
    claims: dict[str, Any] = {k: v for k, v in extra_data.items() if k not in ("id_token", "userinfo")}
    for part in ("id_token", "userinfo"):
        value = extra_data.get(part)
        if isinstance(value, Mapping):
            claims.update(value)
    return claims


def is_person_of(user: User, district_id: int) -> bool:
    return user.memberships.filter(district_id=district_id).exists()


def check_person(user: User, provider: SignInProvider) -> Outcome:
    if not is_person_of(user, provider.district_id):
        return Outcome(None, "unknown")
    if not user.is_active:
        return Outcome(None, "inactive")
    return Outcome(user, "")


def verified_emails(provider: SignInProvider, identity: Identity) -> list[str]:
    """Addresses the provider vouches for. Microsoft Graph sends no "verified" flag; the sign-in is
    tied to the district's own directory (its tenant), which issued the address, so it counts."""
    if provider.kind == Kind.MICROSOFT:
        return [email for email, _ in identity.emails if email]
    return [email for email, verified in identity.emails if email and verified]


def find_person(provider: SignInProvider, identity: Identity) -> Outcome:
    district_id = provider.district_id
    candidates: list[tuple[User, str]] = []
    if provider.sourced_id_claim:
        value = identity.claims.get(provider.sourced_id_claim)
        if isinstance(value, str | int) and str(value).strip():
            for teacher in Teacher.objects.filter(
                school__district_id=district_id, source_id=str(value).strip()
            ).select_related("user"):
                candidates.append((teacher.user, "sourcedId"))
    if not candidates:
        for email in verified_emails(provider, identity):
            users = User.objects.filter(email__iexact=email.strip(), memberships__district_id=district_id)
            candidates.extend((user, "email") for user in users.distinct())
    people = {user.pk: (user, how) for user, how in candidates}
    if not people:
        return Outcome(None, "unknown")
    if len(people) > 1:
        return Outcome(None, "ambiguous")
    user, how = next(iter(people.values()))
    found = check_person(user, provider)
    return Outcome(found.user, found.reason, how)
