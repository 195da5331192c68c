"""What an API token may reach: the scopes, and each API route's mark (issue 20).

A token is either a person's own (a personal access token: it acts as that person, never more,
with `read` and optionally `write`) or a service account's (another system's, made by a district
admin, with named scopes). Each API route says which tokens may call it:

- unmarked: personal tokens (`read` for GET, `write` for the rest); no service token;
- `@tokens.service(Scope.READ_AGGREGATES, ...)`: also service tokens holding one of these scopes;
- `@tokens.any_token`: every valid token (who am I);
- `@tokens.never`: no token at all, only the browser session.

Confidential reads refuse tokens a second time, where they are made: `refuse_token(user)` in
`coaching.cycles.queries.session_notes` and `cycle_checkins` (a teacher's barriers), and `coaching.access.may_read_intake_answers` answers no
for a token. So no scope, present or future, reads session notes or individual answers.

`core` imports no app: the token models live in `coachmap.api`, which marks the acting user
with `mark(user, kind)` when a token signed the request in.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied

F = TypeVar("F", bound=Callable[..., Any])

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Scope(enum.StrEnum):
    # A personal access token's: everything its person may read, or do, through the API.
    READ = "read"
    WRITE = "write"
    # A service account's.
    READ_AGGREGATES = "read:aggregates"
    READ_COACHING_ACTIVITY = "read:coaching-activity"
    READ_GOALS = "read:goals"
    READ_LIBRARY = "read:library"
    WRITE_ROSTER = "write:roster"

    @property
    def label(self) -> str:
        return SCOPE_LABELS[self]


SCOPE_LABELS: dict[Scope, str] = {
    Scope.READ: "Read what I can see",
    Scope.WRITE: "Do what I can do (requests, answers, changes)",
    Scope.READ_AGGREGATES: "Read suppressed aggregates (needs, indicators, coaching trends, survey results)",
    Scope.READ_COACHING_ACTIVITY: "Read coaching activity as counts (cycles, sessions, minutes; no teacher named)",
    Scope.READ_GOALS: "Read schools' improvement goals and the technology map",
    Scope.READ_LIBRARY: "Read the resource library",
    Scope.WRITE_ROSTER: "Send roster files to import",
}
PERSONAL_SCOPES: tuple[Scope, ...] = (Scope.READ, Scope.WRITE)
SERVICE_SCOPES: tuple[Scope, ...] = (
    Scope.READ_AGGREGATES,
    Scope.READ_COACHING_ACTIVITY,
    Scope.READ_GOALS,
    Scope.READ_LIBRARY,
    Scope.WRITE_ROSTER,
)


class Kind(enum.StrEnum):
    PERSONAL = "personal"
    SERVICE = "service"


NEVER = "never"
ANY = "any"


def service(*scopes: Scope) -> Callable[[F], F]:
    """Mark an API route as open to service tokens holding any of `scopes` (and to personal tokens)."""
    for scope in scopes:
        if scope not in SERVICE_SCOPES:
            raise ValueError(f"{scope} is not a service account's scope.")

    def mark_route(view: F) -> F:
        view.token_rule = frozenset(scopes)  # type: ignore[attr-defined]
        return view

    return mark_route


def never(view: F) -> F:
    """Mark an API route as closed to every token: the browser session only."""
    view.token_rule = NEVER  # type: ignore[attr-defined]
    return view


def any_token(view: F) -> F:
    """Mark an API route as open to every valid token (it says only who the token acts as)."""
    view.token_rule = ANY  # type: ignore[attr-defined]
    return view


def rule_of(view: Callable[..., Any]) -> str | frozenset[Scope] | None:
    return getattr(view, "token_rule", None)


def allows(kind: Kind, scopes: list[str] | tuple[str, ...], view: Callable[..., Any], method: str) -> bool:
    """Whether a token of `kind` holding `scopes` may call `view` with `method`."""
    rule = rule_of(view)
    if rule == NEVER:
        return False
    if rule == ANY:
        return True
    if kind == Kind.PERSONAL:
        return (Scope.READ if method in SAFE_METHODS else Scope.WRITE) in scopes
    if not isinstance(rule, frozenset):
        return False
    # A read scope only ever reads; a write scope also reads what it writes (an import's report).
    held = [s for s in rule if s.value in scopes]
    return any(method in SAFE_METHODS or s.value.startswith("write:") for s in held)


def mark(user: Any, kind: Kind, scopes: list[str]) -> None:
    """Say on the (request's) user object that a token signed this request in."""
    user.api_token_kind = kind
    user.api_token_scopes = list(scopes)


def via_token(user: Any) -> bool:
    """Whether this request's user was signed in by an API token rather than a browser session."""
    return getattr(user, "api_token_kind", None) is not None


def via_service(user: Any) -> bool:
    """Whether a service account's token signed this request in: it reads suppressed aggregates
    only, whatever the rights of the admin who made it (no per-coach or per-person figure)."""
    return getattr(user, "api_token_kind", None) == Kind.SERVICE


def refuse_token(user: Any, what: str = "Session notes") -> None:
    """Confidential content is never read with a token, whatever its scopes: a 403."""
    if via_token(user):
        raise PermissionDenied(f"{what} are never read with an API token; open them in coachmap.")
