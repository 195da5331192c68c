from typing import Any

from django.http import HttpRequest

from coachmap.core import access
from coachmap.core.navigation import menu_for


def roles(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's roles and their menu (`core/navigation.py`)."""
    held = access.roles(request.user)
    return {"roles": held, "role_set": {r.value for r in held}, "menu": menu_for(held, request.path)}
