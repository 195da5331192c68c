"""Local passwords, where a district turned them off.

With passwords off, the sign-in page offers only the district's providers, and a password sign-in
is refused — except for the district's admins (the break-glass path, docs/sign-in.md): when the
provider is down, misconfigured or its secret expired, somebody must still be able to sign in and
fix Settings. Each such admin sign-in is audited.
"""

from __future__ import annotations

from coachmap.core.models import Membership, Role, User
from coachmap.signin.models import SignInPolicy


def districts_without_passwords(user: User) -> set[int]:
    return set(
        SignInPolicy.objects.filter(passwords_allowed=False, district__memberships__user=user).values_list(
            "district_id", flat=True
        )
    )


def password_refusal(user: User) -> str:
    """Why this person may not sign in with a password, or "" when they may."""
    districts = set(Membership.objects.filter(user=user).values_list("district_id", flat=True))
    if not districts:
        return ""
    off = districts_without_passwords(user)
    if districts - off:
        return ""
    if Membership.objects.filter(user=user, role=Role.DISTRICT_ADMIN, district_id__in=off).exists():
        return ""
    return (
        "Your district has turned coachmap passwords off: use a “Sign in with …” button above, "
        "with the account you use at school."
    )


def is_break_glass(user: User) -> bool:
    """A district admin signing in with a password although every one of their districts turned them off."""
    districts = set(Membership.objects.filter(user=user).values_list("district_id", flat=True))
    return bool(districts) and districts <= districts_without_passwords(user)


def any_district_allows_passwords() -> bool:
    from coachmap.core.models import District

    return District.objects.exclude(sign_in_policy__passwords_allowed=False).exists() or not (
        District.objects.exists()
    )
