"""Set-your-password links: the one way coachmap makes them, for emails and for `coachmap setup`.

A link to an account nobody has used yet (no password of its own, never signed in) is an
*invitation*: it works for `INVITATION_TIMEOUT` seconds (default 7 days) and opens the invitation
page. Any other link is a password reset, valid for `PASSWORD_RESET_TIMEOUT`. Both work once:
their signature covers the password and the last sign-in, so setting a password (or signing in
some other way) ends them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from coachmap.core.models import User


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset token with its own salt and its own lifetime."""

    key_salt = "coachmap.core.links.InvitationTokenGenerator"

    def check_token(self, user: Any, token: str | None) -> bool:
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return (self._num_seconds(self._now()) - ts) <= settings.INVITATION_TIMEOUT


invitation_token_generator = InvitationTokenGenerator()


def is_unused(user: User) -> bool:
    """Nobody has used this account yet: no password of its own, never signed in."""
    return not user.has_usable_password() and user.last_login is None


def invitation_lifetime() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.INVITATION_TIMEOUT)


def invitation_lifetime_words() -> str:
    """How long an invitation works, as a person says it: "7 days", "12 hours"."""
    seconds = settings.INVITATION_TIMEOUT
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


@dataclass(frozen=True)
class SiteAddress:
    """Where emailed links point: the host and scheme the admin is using."""

    domain: str
    protocol: str = "https"


@dataclass(frozen=True)
class PasswordLink:
    url: str
    invitation: bool
    context: dict[str, Any]


def password_link(*, user: User, site: SiteAddress) -> PasswordLink:
    """The single-use link for `user` and the context the link's email is written from."""
    invitation = is_unused(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    if invitation:
        token = invitation_token_generator.make_token(user)
        path = reverse("invitation_accept", kwargs={"uidb64": uid, "token": token})
    else:
        token = default_token_generator.make_token(user)
        path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    url = f"{site.protocol}://{site.domain}{path}"
    context = {
        "email": user.email,
        "domain": site.domain,
        "site_name": "coachmap",
        "protocol": site.protocol,
        "uid": uid,
        "user": user,
        "token": token,
        "invitation": invitation,
        "link": url,
        "valid_for": invitation_lifetime_words() if invitation else None,
    }
    return PasswordLink(url=url, invitation=invitation, context=context)
