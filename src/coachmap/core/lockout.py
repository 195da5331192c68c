"""The sign-in lockout's two hooks for django-axes: the page a locked-out person sees, and
which address their attempts are counted against.

Settings (coachmap.settings, "Hardened edges"): LOGIN_LOCKOUT_ATTEMPTS failed sign-ins for one
username from one address lock that pair for LOGIN_LOCKOUT_MINUTES.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def cool_off() -> timedelta:
    value = settings.AXES_COOLOFF_TIME
    return value if isinstance(value, timedelta) else timedelta(hours=float(value))


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """429 with a page that says what happened and when to try again.

    A failed try while locked starts the wait again (django-axes' default), so the time shown
    counts from this request.
    """
    wait = cool_off()
    minutes = math.ceil(wait.total_seconds() / 60)
    response = render(
        request,
        "registration/locked_out.html",
        {
            "attempts": settings.AXES_FAILURE_LIMIT,
            "minutes": minutes,
            "retry_at": timezone.localtime() + wait,
        },
        status=429,
    )
    response["Retry-After"] = str(int(wait.total_seconds()))
    return response


def client_address(request: HttpRequest) -> str | None:
    """The address attempts are counted against.

    Behind one reverse proxy (BEHIND_PROXY=true) that is the last address in X-Forwarded-For,
    the one the proxy itself appended; earlier entries come from the client and could be forged
    to dodge the lockout. Otherwise the connection's own address.
    """
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            return forwarded[-1]
    address = request.META.get("REMOTE_ADDR")
    return str(address) if address else None


def lockout_release(*, username: str) -> None:
    """Forget failed sign-ins for `username`, e.g. once they have set a new password by email."""
    from axes.utils import reset

    reset(username=username)
