"""The API's first paths, before versioning: /api/<path> answers exactly as /api/v1/<path> (issue 20).

Nothing is redirected (a redirect would drop a POST's body in some clients): the request is
handed to the /api/v1/ route itself, and the answer says where the route lives now with the
`Deprecation` and `Link: <...>; rel="successor-version"` headers (docs/api.md).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt

PREFIX = "/api/v1/"


@csrf_exempt  # the API checks CSRF itself for the browser session (ninja's django_auth)
def forward(request: HttpRequest, rest: str) -> HttpResponseBase:
    target = PREFIX + rest
    try:
        match = resolve(target)
    except Resolver404:
        return JsonResponse({"detail": "Not Found"}, status=404)
    if match.namespace != "api":
        return JsonResponse({"detail": "Not Found"}, status=404)
    request.resolver_match = match
    response = match.func(request, *match.args, **match.kwargs)
    response["Deprecation"] = "true"
    response["Link"] = f'<{target}>; rel="successor-version"'
    return response
