"""Who may open which page: one table that the view decorator (`access.route_required`), the API
(`access.may_open`) and the menu (`core.navigation`) all read, so the three never disagree.

An empty set means any signed-in user. Pages not listed here still name their roles in their own
`access.role_required(...)`; a page joins the table when it joins the menu or the API.
"""

from __future__ import annotations

from coachmap.core.models import Role

T, C, L, P, A = Role.TEACHER, Role.COACH, Role.PROGRAM_LEAD, Role.PRINCIPAL, Role.DISTRICT_ADMIN
SIGNED_IN: frozenset[Role] = frozenset()

# Roles, then the routes they open.
_TABLE: tuple[tuple[frozenset[Role], tuple[str, ...]], ...] = (
    (frozenset({T}), ("coaching:my-goals", "coaching:intake")),
    (frozenset({C}), ("coaching:caseload", "coaching:micro", "coaching:time-week", "coaching:coach-profile")),
    (frozenset({C, L}), ("coaching:look-fors",)),
    (
        frozenset({L}),
        (
            "coaching:requests",
            "coaching:rounds",
            "coaching:caseloads",
            "coaching:referrals",
            "coaching:time-team",
        ),
    ),
    (frozenset({L, A}), ("coaching:policy", "roster:imports")),
    (frozenset({P, L, A}), ("reports:coaching-trends", "coaching:quadrants")),
    (frozenset({C, L, A}), ("reports:impact",)),
    (frozenset({T, L, P, A}), ("feedback:surveys",)),
    (SIGNED_IN, ("library:index", "coaching:agreements", "coaching:notifications")),
    # Django's own admin checks staff rights itself; the table only says whose menu shows it.
    (
        frozenset({A}),
        (
            "improvement:district",
            "improvement:district-needs",
            "people:index",
            "district-settings",
            "admin:index",
        ),
    ),
)
ROUTE_ROLES: dict[str, frozenset[Role]] = {route: roles for roles, routes in _TABLE for route in routes}


def roles_for(route: str) -> frozenset[Role]:
    """The roles that may open a route; a KeyError names a route missing from the table."""
    return ROUTE_ROLES[route]
