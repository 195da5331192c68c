"""Links shown by role: `{% if request.user|may_open:"coaching:intake" %}` reads the same route → roles
table as the page's own guard, so a page never links somewhere that answers 403."""

from __future__ import annotations

from django import template

from coachmap.core import access
from coachmap.core.access import AnyUser

register = template.Library()


@register.filter
def may_open(user: AnyUser, route: str) -> bool:
    return access.may_open(user, route)
