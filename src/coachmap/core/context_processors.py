from typing import Any

from django.http import HttpRequest

from coachmap.core import access
from coachmap.core.models import Role, School
from coachmap.core.navigation import menu_for
from coachmap.core.queries import account_changes_waiting


def roles(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's roles and their menu (`core/navigation.py`)."""
    held = access.roles(request.user)
    led: list[tuple[int, str]] = []
    if Role.PRINCIPAL in held:
        led = list(
            School.objects.filter(pk__in=access.school_ids(request.user, Role.PRINCIPAL))
            .order_by("name")
            .values_list("pk", "name")
        )
    served: list[tuple[int, str]] = []
    if Role.COACH in held:
        led_ids = {pk for pk, _ in led}
        served = [
            (pk, name)
            for pk, name in access.schools_served_by(request.user).order_by("name").values_list("pk", "name")
            if pk not in led_ids
        ]
    return {
        "roles": held,
        "role_set": {r.value for r in held},
        "menu": menu_for(held, request.path, led, served),
        # The home page lists the changes and marks them seen; elsewhere a line points there.
        "account_changes_waiting": request.path != "/" and account_changes_waiting(request.user),
    }
