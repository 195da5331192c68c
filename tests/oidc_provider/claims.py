"""What the test provider says about its accounts: the username is the subject (`sub`, as a roster
system's sourcedId would be), and an account whose last name is "Unverified" has an email address
the provider does not vouch for."""

from __future__ import annotations

from typing import Any


def sub(user: Any) -> str:
    return str(user.username)


def userinfo(claims: dict[str, Any], user: Any) -> dict[str, Any]:
    claims["given_name"] = user.first_name
    claims["family_name"] = user.last_name
    claims["name"] = f"{user.first_name} {user.last_name}".strip()
    claims["email"] = user.email
    claims["email_verified"] = user.last_name != "Unverified"
    return claims
