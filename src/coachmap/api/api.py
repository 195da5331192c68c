"""The JSON API: one NinjaAPI that mounts each app's router, under /api/v1/ (issue 20). OpenAPI at
/api/v1/openapi.json, docs at /api/v1/docs; the old /api/... paths answer the same (`legacy.py`).

Authentication is an API token (`Authorization: Bearer cm_...`, see `tokens.py` and
`core/tokens.py`) or the browser session (with CSRF on writes); every route reads through
`core.access`, exactly as the pages do. See docs/api.md.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from http import HTTPStatus
from typing import Any

from csp.decorators import csp_update
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Schema
from ninja.security import HttpBearer, django_auth

from coachmap.api import tokens
from coachmap.coaching.agreements.api import router as agreements_router
from coachmap.coaching.api import router as coaching_router
from coachmap.coaching.bestfit.api import router as bestfit_router
from coachmap.coaching.cycles.api import router as cycles_router
from coachmap.coaching.groups.api import router as groups_router
from coachmap.coaching.handovers.api import router as handovers_router
from coachmap.coaching.learning.api import router as learning_router
from coachmap.coaching.lighter.api import router as lighter_router
from coachmap.coaching.requests.api import router as requests_router
from coachmap.coaching.timelog.api import router as timelog_router
from coachmap.core import access
from coachmap.core import tokens as token_rules
from coachmap.core.admin_api import router as district_admin_router
from coachmap.core.api import router as district_router
from coachmap.families.api import router as families_router
from coachmap.feedback.api import router as feedback_router
from coachmap.impact.api import router as impact_router
from coachmap.improvement.api import router as improvement_router
from coachmap.improvement.endpoints.mounted import router as improvement_pages_router
from coachmap.library.api import router as library_router
from coachmap.notifications.api import router as notifications_router
from coachmap.people.api import router as people_router
from coachmap.program.api import router as program_router
from coachmap.reports.api import router as reports_router
from coachmap.roster.api import router as roster_router
from coachmap.signin.api import router as signin_router


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
        if schema and request.headers.get("Authorization", "").lower().startswith("bearer "):
            # Another system reads the schema with its token: any valid one.
            try:
                checked = tokens.check(request.headers["Authorization"][7:].strip())
                tokens.throttle(checked.token)
            except tokens.TokenRejected as exc:
                return JsonResponse({"detail": str(exc)}, status=401, headers={"WWW-Authenticate": "Bearer"})
            except tokens.RateLimited as exc:
                return JsonResponse(
                    {"detail": str(exc)}, status=429, headers={"Retry-After": str(exc.retry_after)}
                )
            tokens.record_use(checked.token, request.method or "GET", request.path)
            return view(request, *args, **kwargs)
        if not request.user.is_authenticated:
            if schema:
                return JsonResponse({"detail": "Sign in to read the API schema."}, status=401)
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs) if schema else docs_page(request, *args, **kwargs)

    return wrapper


class BearerToken(HttpBearer):
    """`Authorization: Bearer cm_...`: a personal or service token (`tokens.check`), counted against
    its rate limit, held to the route's token rule (`core.tokens.allows`), audited. No header:
    the next method (the session) is tried. A bad token is a 401, never a fall back to the session."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.headers.get("Authorization"):
            return None
        result = super().__call__(request)
        if result is None:
            raise tokens.TokenRejected("Send the token as 'Authorization: Bearer <token>'.")
        return result

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        checked = tokens.check(token)
        tokens.throttle(checked.token)
        tokens.record_use(checked.token, request.method or "GET", request.path)
        operation = getattr(request, "api_operation", None)
        view = operation.view_func if operation is not None else None
        kind = token_rules.Kind(checked.token.kind)
        if view is None or not token_rules.allows(kind, checked.token.scopes, view, request.method or "GET"):
            raise PermissionDenied(_refusal(kind, view))
        token_rules.mark(checked.user, kind, checked.token.scopes)
        request.user = checked.user
        return checked.token


def _refusal(kind: token_rules.Kind, view: Callable[..., Any] | None) -> str:
    rule = token_rules.rule_of(view) if view is not None else token_rules.NEVER
    if rule == token_rules.NEVER:
        return "This route is never open to API tokens: it is for people signed in to coachmap."
    if kind == token_rules.Kind.PERSONAL:
        return "This token's scopes do not include this: make a token with 'write' to change things."
    if isinstance(rule, frozenset):
        return f"This service account's scopes do not include {' or '.join(sorted(s.value for s in rule))}."
    return "Service accounts cannot call this route: it is for people and their personal tokens."


ERRORS = {
    400: "The request could not be read.",
    401: "No valid token or session: sign in, or send 'Authorization: Bearer <token>'.",
    403: "Not allowed: the role, the object or the token's scopes do not allow it.",
    404: "Not found, or not yours to see.",
    422: "Bad input: `detail` names each field and what is wrong.",
    429: "Too many requests with this token: wait for the seconds in the Retry-After header.",
}


class CoachmapAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """The schema, with every error every route can answer declared (issue 20)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Error"] = {
            "title": "Error",
            "type": "object",
            "properties": {
                "detail": {
                    "title": "Detail",
                    "description": "What went wrong, in words; for 422, an object naming each field.",
                    "anyOf": [
                        {"type": "string"},
                        {"type": "object"},
                        {"type": "array", "items": {}},
                    ],
                }
            },
            "required": ["detail"],
        }
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                for status, words in ERRORS.items():
                    response = {
                        "description": words,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    }
                    if status == HTTPStatus.TOO_MANY_REQUESTS:
                        response["headers"] = {
                            "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
                        }
                    operation["responses"].setdefault(status, response)
        return schema


def remember_operation(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Keep the operation on the request, so the token check knows the route it guards."""
    operation = getattr(run, "__self__", None)

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        request.api_operation = operation  # type: ignore[attr-defined]
        return run(request, *args, **kwargs)

    return wrapper


api = CoachmapAPI(
    title="coachmap API",
    version="1",
    description="Goals, needs, indicators, coaching requests and cycles, and privacy-safe aggregates, "
    "scoped to the signed-in user or the token's person. Authentication, scopes, pagination, errors "
    "and rate limits: docs/api.md.",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
    docs_decorator=signed_in_docs,
)
api.add_decorator(remember_operation, mode="view")


@api.exception_handler(tokens.TokenRejected)
def token_rejected(request: HttpRequest, exc: tokens.TokenRejected) -> HttpResponse:
    response = api.create_response(request, {"detail": str(exc)}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="coachmap"'
    return response


@api.exception_handler(tokens.RateLimited)
def rate_limited(request: HttpRequest, exc: tokens.RateLimited) -> HttpResponse:
    response = api.create_response(request, {"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


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
@token_rules.any_token
def me(request: HttpRequest) -> dict[str, object]:
    """Who is signed in and which roles they hold."""
    user = request.user
    return {
        "username": user.get_username(),
        "name": str(user),
        "roles": [r.value for r in access.roles(user)],
    }


api.add_router("/", improvement_router)
api.add_router("/", improvement_pages_router)
api.add_router("/", coaching_router)
api.add_router("/", cycles_router)
api.add_router("/", lighter_router)
api.add_router("/", groups_router)
api.add_router("/", handovers_router)
api.add_router("/", bestfit_router)
api.add_router("/", requests_router)
api.add_router("/", timelog_router)
api.add_router("/", agreements_router)
api.add_router("/", learning_router)
api.add_router("/", feedback_router)
api.add_router("/", library_router)
api.add_router("/", roster_router)
api.add_router("/", notifications_router)
api.add_router("/", people_router)
api.add_router("/", district_router)
api.add_router("/", district_admin_router)
api.add_router("/", signin_router)
api.add_router("/", families_router)
api.add_router("/", program_router)
api.add_router("/reports", reports_router)
api.add_router("/impact", impact_router)
