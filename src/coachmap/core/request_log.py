"""One JSON line per request (REQUEST_LOG=true; `coachmap serve` turns it on), logged to
`coachmap.requests`: method, path, status, duration in milliseconds and the signed-in person's id.

Never the query string (searches hold names), never a name or an email address, and never a secret
carried in the path: a set-your-password or invitation link logs its URL pattern instead of the
token (docs/deploy.md, docs/privacy.md).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("coachmap.requests")

# URL arguments that are secrets: a request whose address carries one logs the pattern, not the value.
SECRET_ARGUMENTS = frozenset({"token", "uidb64", "key"})


def logged_path(request: HttpRequest) -> str:
    match = request.resolver_match
    if match is not None and SECRET_ARGUMENTS & set(match.kwargs):
        return "/" + match.route
    return request.path


def user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return int(user.pk)


def line(request: HttpRequest, status: int, duration_ms: float) -> str:
    return json.dumps(
        {
            "method": request.method,
            "path": logged_path(request),
            "status": status,
            "duration_ms": round(duration_ms, 1),
            "user_id": user_id(request),
        },
        separators=(",", ":"),
    )


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.REQUEST_LOG:
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        logger.info(line(request, response.status_code, (time.perf_counter() - started) * 1000))
        return response
