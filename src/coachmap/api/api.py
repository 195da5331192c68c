"""The JSON API: one NinjaAPI that mounts each app's router. OpenAPI at /api/openapi.json, docs at /api/docs.

Authentication is the browser session (with CSRF on writes); every route reads through
`core.access`, exactly as the pages do.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from csp.decorators import csp_update
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Schema
from ninja.security import django_auth

from coachmap.coaching.api import router as coaching_router
from coachmap.core import access
from coachmap.improvement.api import router as improvement_router
from coachmap.reports.api import router as reports_router


def signed_in_docs(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """The schema and its docs page are for signed-in people only: the schema maps every route
    and parameter, which is a stranger's head start. Anonymous callers get 401 for the schema and
    the sign-in page for the docs. Swagger UI's stylesheet draws its icons from data: URLs, so
    the docs page alone may load images from them; scripts stay 'self' only."""

    docs_page = csp_update({"img-src": ["data:"]})(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        match = request.resolver_match
        schema = match is not None and match.url_name == "openapi-json"
        if not request.user.is_authenticated:
            if schema:
                return JsonResponse({"detail": "Sign in to read the API schema."}, status=401)
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs) if schema else docs_page(request, *args, **kwargs)

    return wrapper


api = NinjaAPI(
    title="coachmap API",
    version="1",
    description="Goals, coaching requests and cycles, and privacy-safe aggregates, scoped to the signed-in user.",
    auth=django_auth,
    urls_namespace="api",
    docs_decorator=signed_in_docs,
)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Permission denied."}, status=403)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(BadRequest)
def bad_request(request: HttpRequest, exc: BadRequest) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.exception_handler(MultiPartParserError)
def unreadable_form(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    # A multipart body without a usable boundary cannot be read at all; say so rather than crash.
    return api.create_response(
        request,
        {
            "detail": "The request body could not be read as a form. Send JSON, or form fields with a "
            "proper multipart boundary."
        },
        status=400,
    )


class MeOut(Schema):
    username: str
    name: str
    roles: list[str]


@api.get("/me", response=MeOut, tags=["people"])
def me(request: HttpRequest) -> dict[str, object]:
    """Who is signed in and which roles they hold."""
    user = request.user
    return {
        "username": user.get_username(),
        "name": str(user),
        "roles": [r.value for r in access.roles(user)],
    }


api.add_router("/", improvement_router)
api.add_router("/", coaching_router)
api.add_router("/reports", reports_router)
