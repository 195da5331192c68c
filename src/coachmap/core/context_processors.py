from typing import Any

from django.http import HttpRequest

from coachmap.core import access


def roles(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's roles, for navigation. Templates ask `roles`, never compare names."""
    held = access.roles(request.user)
    return {"roles": held, "role_set": {r.value for r in held}}
